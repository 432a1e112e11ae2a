// Phantom cases as training and evaluation data: the CT resampled to a bundle's input grid as
// analyze does it, and the truth masks resampled onto the same grid.
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/inference/volume.h"

namespace ctscreen::training {

struct TrainingCase {
  std::string name;
  bool covid = false;                     // truth.json covid19_positive
  inference::Volume hu;                   // on the model grid
  inference::Mask lungs;                  // 1 lung (either side)
  inference::Grid<std::uint8_t> lesions;  // truth lesion ids
  std::map<int, bool> lesion_covid;       // id -> class covid19_like
};

// Case folders under DIR (those with a truth.json), sorted by name.
core::Result<std::vector<std::string>> FindCases(const std::string& dir);

core::Result<TrainingCase> LoadTrainingCase(const std::string& case_dir,
                                            const std::array<double, 3>& spacing_xyz);

}  // namespace ctscreen::training
