// 3D U-Net++ (Zhou et al. 2018) for the lesion stage: nested, densely connected skip
// pathways; with deep supervision a 1x1x1 head on every top-row node.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "ctscreen/inference/nn/blocks.h"

namespace ctscreen::inference::nn {

struct UNetPlusPlus3dOptions {
  int in_channels = 1;
  int out_channels = 2;
  int base_width = 32;
  int depth = 4;  // levels; input D, H, W must be divisible by 2^(depth-1)
  int max_width = 320;
  Norm norm = Norm::kInstance;
  bool deep_supervision = true;
  bool stem_norm = true;  // false: the first conv is not normalised (blocks.h says why)
};

class UNetPlusPlus3dImpl : public torch::nn::Module {
 public:
  explicit UNetPlusPlus3dImpl(const UNetPlusPlus3dOptions& options);

  // Logits of every head, shallowest first: depth-1 tensors with deep supervision, else one.
  // Training weighs them all; each is (N, out, D, H, W).
  std::vector<torch::Tensor> ForwardHeads(torch::Tensor x);

  // Inference: the heads' mean with deep supervision (the paper's "accurate mode"), else the
  // single head.
  torch::Tensor forward(torch::Tensor x);

 private:
  UNetPlusPlus3dOptions options_;
  // node_[i][j]: X^{i,j}, level i, j-th node of that level's row.
  std::vector<std::vector<torch::nn::Sequential>> node_;
  // up_[i][j]: upsamples X^{i+1,j-1} for X^{i,j} (j >= 1); up_[i][0] unused (null).
  std::vector<std::vector<torch::nn::ConvTranspose3d>> up_;
  std::vector<torch::nn::Conv3d> heads_;
};
TORCH_MODULE(UNetPlusPlus3d);

}  // namespace ctscreen::inference::nn
