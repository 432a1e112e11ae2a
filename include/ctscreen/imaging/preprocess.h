// From the CT on its source grid to model inputs: crop to the lungs (plus margin), resample to
// the model spacing on an LPS-aligned grid (linear for CT, nearest for labels), window to [0, 1].
// The crop comes first so the resampler only touches voxels the models will see.
#pragma once

#include "ctscreen/core/status.h"
#include "ctscreen/imaging/ct_volume.h"
#include "ctscreen/imaging/model_input.h"
#include "ctscreen/imaging/preprocess_spec.h"

namespace ctscreen::imaging {

// The source-grid box around the labelled voxels of mask (on any grid in the same frame of
// reference), grown by margin_mm and clipped to the source. kNotFound when the mask is empty.
core::Result<IndexBox> MaskCropBox(const LabelImage& mask, const GeometryInfo& source,
                                   double margin_mm);

// The model grid over a source box: identity (LPS) direction whatever the patient position, so
// every model sees the same anatomical orientation; centred on the box's extent.
GeometryInfo ModelGridFor(const GeometryInfo& source, const IndexBox& box,
                          const std::array<double, 3>& spacing_mm);

enum class ResampleMethod {
  kAuto,  // separable trilinear when the grids' axes are parallel (axial CT), else ITK
  kItk,   // always ITK's ResampleImageFilter (reference for tests and benchmarks)
};

// Linear interpolation of HU onto grid; outside the source (beyond half a voxel) is air.
core::Result<FloatImage::Pointer> ResampleCt(const HuImage& ct, const GeometryInfo& grid,
                                             ResampleMethod method = ResampleMethod::kAuto);
// Nearest neighbour, so labels stay labels; outside the source is 0.
core::Result<LabelImage::Pointer> ResampleLabels(const LabelImage& labels,
                                                 const GeometryInfo& grid);

// One model input from resampled HU.
ModelInput WindowedInput(const FloatImage& hu, const Window& window, const char* name,
                         const IndexBox& source_crop);

struct Preprocessed {
  IndexBox source_crop;
  ModelInput lung;    // lung window
  ModelInput lesion;  // lesion / classifier window
};

struct PreprocessTimings {
  double crop_ms = 0;
  double resample_ms = 0;
  double window_ms = 0;
};

// lungs: a lung mask in the CT's frame of reference (truth, model output or ThresholdLungMask).
core::Result<Preprocessed> Preprocess(const CtVolume& ct, const LabelImage& lungs,
                                      const PreprocessSpec& spec,
                                      PreprocessTimings* timings = nullptr);

}  // namespace ctscreen::imaging
