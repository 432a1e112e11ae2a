// A CT series in memory: HU voxels on the exact grid of the source slices, and which instance
// each slice came from. This header brings in itkImage.h; modules without ITK use GeometryInfo
// and ModelInput instead.
#pragma once

#include <itkImage.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ctscreen/imaging/geometry_info.h"
#include "ctscreen/imaging/hu.h"
#include "ctscreen/imaging/slice_ref.h"

namespace ctscreen::imaging {

// HU as int16: half the memory of float, and DICOM CT stores integers anyway (values beyond the
// int16 range are clamped by the reader).
using HuImage = itk::Image<std::int16_t, 3>;
// Masks: 0 background, else a label (lung side, lesion id, component).
using LabelImage = itk::Image<std::uint8_t, 3>;
using FloatImage = itk::Image<float, 3>;

struct CtVolume {
  HuImage::Pointer image;  // index k of the image is slices[k]
  std::vector<SliceRef> slices;
  std::string study_uid;
  std::string series_uid;
  std::string frame_of_reference_uid;

  GeometryInfo geometry() const;
};

GeometryInfo GeometryOf(const itk::ImageBase<3>& image);
// Sets origin, spacing and direction (not the regions) of image from geometry.
void SetGeometry(const GeometryInfo& geometry, itk::ImageBase<3>* image);

// Allocated (not initialised) images on a grid.
HuImage::Pointer NewHuImage(const GeometryInfo& geometry);
LabelImage::Pointer NewLabelImage(const GeometryInfo& geometry, std::uint8_t fill);

}  // namespace ctscreen::imaging
