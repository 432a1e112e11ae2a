// An UNTRAINED bundle of random weights, for tests and benchmarks of the machinery only: its
// verdicts mean nothing. Its manifest says so, and it is never installed as models/default.
#pragma once

#include <array>
#include <filesystem>
#include <string>

#include "ctscreen/core/status.h"
#include "ctscreen/inference/manifest.h"

namespace ctscreen::inference {

struct UntrainedBundleOptions {
  unsigned seed = 0;
  // Small enough for a unit test on one core.
  int seg_base_width = 4;
  int seg_depth = 3;
  std::array<int, 3> seg_patch_xyz{32, 32, 16};
  int lung_base_width = 0;            // 0: seg_base_width
  std::string seg_norm = "instance";  // instance | batch
  int classifier_base_width = 4;
  int classifier_depth = 14;
  std::array<int, 3> classifier_patch_xyz{32, 32, 16};
  double min_lung_volume_ml = 500.0;
};

// The manifest of such a bundle, sha256 fields empty until written.
Manifest UntrainedManifest(const UntrainedBundleOptions& options);

// Writes manifest.json, lung.pt, lesion.pt and classifier.pt into DIR (created).
core::Status WriteUntrainedBundle(const std::filesystem::path& dir,
                                  const UntrainedBundleOptions& options);

}  // namespace ctscreen::inference
