// What the series reader needs from one CT slice's header: identity, geometry and how the pixels
// are stored. No patient attributes, like InstanceInfo.
#pragma once

#include <optional>
#include <string>

#include "ctscreen/core/status.h"
#include "ctscreen/imaging/stack_geometry.h"

namespace ctscreen::dicom {

struct PixelEncoding {
  int bits_allocated = 16;
  int bits_stored = 16;
  int high_bit = 15;
  bool is_signed = false;  // PixelRepresentation 1
  int samples_per_pixel = 1;
  int frames = 1;
  std::string photometric;  // MONOCHROME1 / MONOCHROME2
  double slope = 1;
  double intercept = 0;
  // PixelPaddingValue (and PixelPaddingRangeLimit): stored values that are not patient, e.g.
  // outside the reconstruction circle.
  std::optional<int> padding_value;
  std::optional<int> padding_range_limit;
};

struct SliceHeader {
  std::string path;
  std::string sop_instance_uid;
  std::string study_uid;
  std::string series_uid;
  std::string frame_of_reference_uid;
  std::string modality;
  std::string image_type;  // "ORIGINAL\PRIMARY\AXIAL"
  std::string transfer_syntax_uid;
  int instance_number = 0;  // for messages only: never used to order slices
  imaging::SliceGeometry geometry;
  PixelEncoding encoding;
};

// Reads the header of a Part 10 file without its pixel data (DCMTK).
core::Result<SliceHeader> ReadSliceHeader(const std::string& path);

// Decodes the slice's pixels (any accepted transfer syntax: uncompressed, JPEG lossless,
// JPEG-LS and RLE through DCMTK, JPEG 2000 through GDCM) into rows x columns HU values:
// rescale applied, padding and values below the CT scale set to imaging::kAirHu, clamped
// to int16. Safe to call from several threads on different slices.
core::Status DecodeSliceHu(const SliceHeader& header, std::int16_t* hu);

}  // namespace ctscreen::dicom
