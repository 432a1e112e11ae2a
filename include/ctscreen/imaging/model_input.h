// What crosses from preprocessing into inference: a plain float buffer and its geometry. No ITK
// or torch types, so the inference module builds with LibTorch alone.
#pragma once

#include <string>
#include <vector>

#include "ctscreen/imaging/geometry_info.h"

namespace ctscreen::imaging {

// HU window mapped linearly to [0, 1]: low -> 0, high -> 1, clamped outside.
struct Window {
  float low = -1024;
  float high = 350;
};

struct ModelInput {
  std::string name;  // "lung", "lesion": which window it carries
  Window window;
  GeometryInfo geometry;      // the model grid (LPS); voxels are x fastest, then y, then z
  std::vector<float> voxels;  // geometry.VoxelCount() values in [0, 1]
  IndexBox source_crop;       // the region of the source CT grid this grid covers
};

}  // namespace ctscreen::imaging
