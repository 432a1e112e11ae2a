#include "ctscreen/inference/nn/sliding_window.h"

#include <algorithm>
#include <cmath>

namespace ctscreen::inference::nn {

std::vector<std::int64_t> WindowStarts(std::int64_t size, std::int64_t patch, double overlap) {
  if (size <= patch) return {0};
  const double step = std::max(1.0, std::floor(static_cast<double>(patch) * (1.0 - overlap)));
  const auto count = static_cast<std::int64_t>(std::ceil((size - patch) / step)) + 1;
  std::vector<std::int64_t> starts;
  for (std::int64_t k = 0; k < count; ++k) {
    starts.push_back(static_cast<std::int64_t>(
        std::llround(static_cast<double>(k) * (size - patch) / static_cast<double>(count - 1))));
  }
  return starts;
}

torch::Tensor GaussianImportanceMap(const std::array<std::int64_t, 3>& patch_dhw,
                                    double sigma_scale) {
  torch::Tensor map = torch::ones({1}, torch::kFloat);
  for (std::int64_t n : patch_dhw) {
    torch::Tensor i = torch::arange(n, torch::kFloat) - (n - 1) / 2.0;
    const double sigma = std::max(1e-3, sigma_scale * n);
    torch::Tensor g = torch::exp(-(i * i) / (2 * sigma * sigma));
    map = map.unsqueeze(-1) * g;
  }
  map = map.reshape({patch_dhw[0], patch_dhw[1], patch_dhw[2]});
  map = map / map.max();
  // Corners sit ~exp(-24) below the centre; a voxel covered only by corners would divide by
  // almost nothing, so the weights keep a floor.
  return map.clamp_min(1e-3);
}

torch::Tensor SlidingWindowInference(
    const torch::Tensor& input, const std::function<torch::Tensor(const torch::Tensor&)>& predict,
    const SlidingWindowOptions& options) {
  c10::InferenceMode guard;
  TORCH_CHECK(input.dim() == 5 && input.size(0) == 1, "sliding window expects (1, C, D, H, W)");
  const std::array<std::int64_t, 3> original{input.size(2), input.size(3), input.size(4)};
  const std::array<std::int64_t, 3>& patch = options.patch_dhw;

  // Pad at the far end of any axis shorter than the patch; 0 is every window's low end (air).
  torch::Tensor volume = input.to(torch::kFloat);
  std::array<std::int64_t, 3> size = original;
  std::vector<std::int64_t> pad;  // constant_pad_nd order: last axis first
  for (int a = 2; a >= 0; --a) {
    pad.push_back(0);
    pad.push_back(std::max<std::int64_t>(0, patch[a] - size[a]));
    size[a] = std::max(size[a], patch[a]);
  }
  if (size != original) volume = torch::constant_pad_nd(volume, pad, 0.0);

  std::vector<std::array<std::int64_t, 3>> corners;
  for (std::int64_t z : WindowStarts(size[0], patch[0], options.overlap)) {
    for (std::int64_t y : WindowStarts(size[1], patch[1], options.overlap)) {
      for (std::int64_t x : WindowStarts(size[2], patch[2], options.overlap)) {
        corners.push_back({z, y, x});
      }
    }
  }

  const torch::Tensor weight =
      GaussianImportanceMap(patch, options.sigma_scale).to(volume.device());
  torch::Tensor sum;  // (K, D, H, W), allocated once K is known
  torch::Tensor weights = torch::zeros({size[0], size[1], size[2]}, volume.options());
  // The patch at corner C of a tensor whose spatial axes start at FIRST_AXIS.
  auto window = [&](const torch::Tensor& t, std::int64_t first_axis,
                    const std::array<std::int64_t, 3>& c) {
    return t.narrow(first_axis, c[0], patch[0])
        .narrow(first_axis + 1, c[1], patch[1])
        .narrow(first_axis + 2, c[2], patch[2]);
  };
  const auto batch = static_cast<std::size_t>(std::max<std::int64_t>(1, options.batch_size));
  for (std::size_t first = 0; first < corners.size(); first += batch) {
    const std::size_t last = std::min(corners.size(), first + batch);
    std::vector<torch::Tensor> patches;
    for (std::size_t k = first; k < last; ++k) patches.push_back(window(volume[0], 1, corners[k]));
    torch::Tensor out = predict(torch::stack(patches, 0)).to(volume.device(), torch::kFloat);
    if (!sum.defined()) {
      sum = torch::zeros({out.size(1), size[0], size[1], size[2]}, volume.options());
    }
    for (std::size_t k = first; k < last; ++k) {
      window(sum, 1, corners[k]).add_(out[static_cast<std::int64_t>(k - first)] * weight);
      window(weights, 0, corners[k]).add_(weight);
    }
  }
  torch::Tensor result = (sum / weights).unsqueeze(0);
  return result.narrow(2, 0, original[0])
      .narrow(3, 0, original[1])
      .narrow(4, 0, original[2])
      .contiguous();
}

}  // namespace ctscreen::inference::nn
