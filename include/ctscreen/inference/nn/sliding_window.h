// Patch-wise inference over a volume larger than the model's patch: overlapping windows,
// batched, blended with a Gaussian importance map so that patch borders (where the network saw
// the least context) count the least.
#pragma once

#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

namespace ctscreen::inference::nn {

struct SlidingWindowOptions {
  std::array<std::int64_t, 3> patch_dhw{0, 0, 0};
  double overlap = 0.5;  // fraction of the patch shared by neighbours, [0, 1)
  std::int64_t batch_size = 1;
  double sigma_scale = 0.125;  // Gaussian sigma as a fraction of the patch (nnU-Net's 1/8)
};

// Window start positions along one axis of SIZE: first at 0, last at SIZE - PATCH, evenly
// spread, neighbours at most PATCH * (1 - OVERLAP) apart. SIZE must be >= PATCH.
std::vector<std::int64_t> WindowStarts(std::int64_t size, std::int64_t patch, double overlap);

// (D, H, W) weights, 1 at the centre, strictly positive everywhere.
torch::Tensor GaussianImportanceMap(const std::array<std::int64_t, 3>& patch_dhw,
                                    double sigma_scale);

// INPUT (1, C, D, H, W) -> PREDICT's output blended over the volume, (1, K, D, H, W) float on
// INPUT's device. PREDICT maps (B, C, pd, ph, pw) to (B, K, pd, ph, pw). A volume smaller than
// the patch along an axis is padded with 0 (the window's low end) and cropped back.
torch::Tensor SlidingWindowInference(
    const torch::Tensor& input, const std::function<torch::Tensor(const torch::Tensor&)>& predict,
    const SlidingWindowOptions& options);

}  // namespace ctscreen::inference::nn
