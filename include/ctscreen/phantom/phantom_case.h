// One generated case in memory: the CT in HU exactly as it will be stored, and its truth.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "ctscreen/phantom/case_spec.h"
#include "ctscreen/phantom/volume.h"

namespace ctscreen::phantom {

struct LesionTruth {
  int id = 0;               // value in the lesion mask
  std::string kind;         // see LesionPlan::kind
  bool covid_like = false;  // "covid19_like" or "other"
  std::string lung;         // "left" or "right"
  std::size_t voxels = 0;
  double volume_ml = 0;       // voxels x voxel volume
  Vec3 centroid_mm{0, 0, 0};  // LPS, mean of the voxel centres
  double diameter_mm = 0;     // of the sphere with the same volume
  double nominal_diameter_mm = 0;
};

// Label values of the lung mask.
inline constexpr std::uint8_t kLeftLungLabel = 1;
inline constexpr std::uint8_t kRightLungLabel = 2;

struct PhantomCase {
  CaseSpec spec;
  std::string name;     // "case_0007"
  HuVolume hu;          // noise, field of view and storage range applied
  LabelVolume tissue;   // anatomy.h Tissue per voxel (plus vessel/bronchus flags)
  LabelVolume lungs;    // kLeftLungLabel, kRightLungLabel
  LabelVolume lesions;  // 0, or LesionTruth::id
  std::vector<LesionTruth> lesion_truth;
  double lung_volume_ml[2] = {0, 0};  // left, right
};

}  // namespace ctscreen::phantom
