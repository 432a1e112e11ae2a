// 3D U-Net (Cicek et al. 2016) for the lung stage.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "ctscreen/inference/nn/blocks.h"

namespace ctscreen::inference::nn {

struct UNet3dOptions {
  int in_channels = 1;
  int out_channels = 2;
  int base_width = 16;
  int depth = 4;  // levels; input D, H, W must be divisible by 2^(depth-1)
  int max_width = 320;
  Norm norm = Norm::kInstance;
  bool stem_norm = true;  // false: the first conv is not normalised (blocks.h says why)
};

class UNet3dImpl : public torch::nn::Module {
 public:
  explicit UNet3dImpl(const UNet3dOptions& options);
  // (N, in, D, H, W) -> logits (N, out, D, H, W).
  torch::Tensor forward(torch::Tensor x);

 private:
  UNet3dOptions options_;
  std::vector<torch::nn::Sequential> encoders_;
  std::vector<torch::nn::ConvTranspose3d> ups_;  // ups_[l]: level l+1 -> l
  std::vector<torch::nn::Sequential> decoders_;  // decoders_[l] at level l
  torch::nn::Conv3d head_{nullptr};
};
TORCH_MODULE(UNet3d);

}  // namespace ctscreen::inference::nn
