// 3D ResNet with bottleneck blocks (ResNet-50 at depth 50) for lesion classification; two input
// channels: the CT crop and the lesion's mask.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace ctscreen::inference::nn {

struct ResNet3dOptions {
  int in_channels = 2;
  int num_classes = 2;
  int base_width = 64;
  std::vector<int> blocks{3, 4, 6, 3};  // bottlenecks per stage
};

// Bottlenecks per stage for a ResNet of DEPTH layers (14, 26, 50, 101); empty if unknown.
std::vector<int> ResNetBlocksForDepth(int depth);

class Bottleneck3dImpl : public torch::nn::Module {
 public:
  Bottleneck3dImpl(int in, int mid, int stride);
  torch::Tensor forward(torch::Tensor x);
  static constexpr int kExpansion = 4;

 private:
  torch::nn::Sequential main_{nullptr};
  torch::nn::Sequential shortcut_{nullptr};  // null: identity
};
TORCH_MODULE(Bottleneck3d);

class ResNet3dImpl : public torch::nn::Module {
 public:
  explicit ResNet3dImpl(const ResNet3dOptions& options);
  // (N, in, D, H, W) -> logits (N, classes).
  torch::Tensor forward(torch::Tensor x);

 private:
  torch::nn::Sequential stem_{nullptr};
  torch::nn::Sequential stages_{nullptr};
  torch::nn::Linear fc_{nullptr};
};
TORCH_MODULE(ResNet3d);

}  // namespace ctscreen::inference::nn
