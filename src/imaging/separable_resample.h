// Trilinear resampling for the common case, grids whose axes are parallel (a source with
// direction diag(+-1, +-1, +-1), the model grid with identity): trilinear interpolation is then
// separable, so each output slice is one blend of two source slices, then of two rows, then of
// two columns. Same values as ITK's linear ResampleImageFilter (up to float rounding), several
// times faster, and no intermediate volume. Private to the imaging module.
#pragma once

#include "ctscreen/imaging/ct_volume.h"

namespace ctscreen::imaging {

// True when SeparableResample can map source onto grid.
bool CanResampleSeparably(const GeometryInfo& source, const GeometryInfo& grid);

// Voxels outside the source extent (more than half a voxel beyond the edge centres) get
// `outside`; within half a voxel of an edge the edge value holds, as in ITK.
FloatImage::Pointer SeparableResample(const HuImage& ct, const GeometryInfo& grid, float outside,
                                      int threads);

}  // namespace ctscreen::imaging
