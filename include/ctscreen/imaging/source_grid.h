// The way back: masks from the model grid onto the source CT grid, slice k of which is the
// instance CtVolume::slices[k], so a SEG frame can reference each source instance.
#pragma once

#include <cstdint>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/imaging/ct_volume.h"

namespace ctscreen::imaging {

// Labels (model grid, x fastest) onto the source grid by nearest neighbour; 0 outside
// source_crop, which bounds the work to the region the model saw.
core::Result<LabelImage::Pointer> ToSourceGrid(const std::vector<std::uint8_t>& labels,
                                               const GeometryInfo& model_grid,
                                               const GeometryInfo& source,
                                               const IndexBox& source_crop);

// Probabilities (model grid) interpolated linearly onto the source grid, then thresholded:
// smoother boundaries than nearest labels where source slices are thinner than the model's.
core::Result<LabelImage::Pointer> ProbabilitiesToSourceGrid(const std::vector<float>& probabilities,
                                                            const GeometryInfo& model_grid,
                                                            const GeometryInfo& source,
                                                            const IndexBox& source_crop,
                                                            float threshold);

// Slice k of a mask on the source grid (columns x rows values, row by row).
inline const std::uint8_t* MaskSlice(const LabelImage& mask, int k) {
  const auto size = mask.GetBufferedRegion().GetSize();
  return mask.GetBufferPointer() + static_cast<std::size_t>(k) * size[0] * size[1];
}

}  // namespace ctscreen::imaging
