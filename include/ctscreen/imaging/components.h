// Connected components of a mask and what the report needs of each: volume and centroid.
#pragma once

#include <cstddef>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/imaging/ct_volume.h"

namespace ctscreen::imaging {

struct Component {
  int id = 0;  // 1 = largest
  std::size_t voxels = 0;
  double volume_ml = 0;       // voxels x voxel volume
  Vec3 centroid_mm{0, 0, 0};  // LPS, mean of the voxel centres
  IndexBox box;               // in the mask's index space
};

// Components of the non-zero voxels, largest first. fully_connected: 26-neighbourhood (a
// lesion touching at a corner is one lesion), else 6.
core::Result<std::vector<Component>> MeasureComponents(const LabelImage& mask,
                                                       bool fully_connected = true);

// Voxels, volume and centroid of each label value 1..255 of a label map (a lesion keeps its id
// even where resampling split it); labels absent from the map are absent from the result.
struct LabelMeasure {
  int label = 0;
  std::size_t voxels = 0;
  double volume_ml = 0;
  Vec3 centroid_mm{0, 0, 0};
};
std::vector<LabelMeasure> MeasureLabels(const LabelImage& labels);

}  // namespace ctscreen::imaging
