#include "ctscreen/inference/nn/resnet3d.h"

#include <string>

namespace ctscreen::inference::nn {
namespace {

torch::nn::Conv3d Conv(int in, int out, int kernel, int stride) {
  return torch::nn::Conv3d(
      torch::nn::Conv3dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(false));
}

}  // namespace

std::vector<int> ResNetBlocksForDepth(int depth) {
  switch (depth) {
    case 14:
      return {1, 1, 1, 1};
    case 26:
      return {2, 2, 2, 2};
    case 50:
      return {3, 4, 6, 3};
    case 101:
      return {3, 4, 23, 3};
  }
  return {};
}

Bottleneck3dImpl::Bottleneck3dImpl(int in, int mid, int stride) {
  const int out = mid * kExpansion;
  main_ = register_module("main",
                          torch::nn::Sequential(Conv(in, mid, 1, 1), torch::nn::BatchNorm3d(mid),
                                                torch::nn::ReLU(true), Conv(mid, mid, 3, stride),
                                                torch::nn::BatchNorm3d(mid), torch::nn::ReLU(true),
                                                Conv(mid, out, 1, 1), torch::nn::BatchNorm3d(out)));
  if (stride != 1 || in != out) {
    shortcut_ = register_module(
        "shortcut", torch::nn::Sequential(Conv(in, out, 1, stride), torch::nn::BatchNorm3d(out)));
  }
}

torch::Tensor Bottleneck3dImpl::forward(torch::Tensor x) {
  torch::Tensor identity = shortcut_ ? shortcut_->forward(x) : x;
  return torch::relu(main_->forward(x) + identity);
}

ResNet3dImpl::ResNet3dImpl(const ResNet3dOptions& o) {
  stem_ = register_module(
      "stem", torch::nn::Sequential(
                  torch::nn::Conv3d(torch::nn::Conv3dOptions(o.in_channels, o.base_width, 7)
                                        .stride(2)
                                        .padding(3)
                                        .bias(false)),
                  torch::nn::BatchNorm3d(o.base_width), torch::nn::ReLU(true),
                  torch::nn::MaxPool3d(torch::nn::MaxPool3dOptions(3).stride(2).padding(1))));
  torch::nn::Sequential stages;
  int in = o.base_width;
  for (std::size_t s = 0; s < o.blocks.size(); ++s) {
    const int mid = o.base_width << s;
    for (int b = 0; b < o.blocks[s]; ++b) {
      stages->push_back(Bottleneck3d(in, mid, b == 0 && s > 0 ? 2 : 1));
      in = mid * Bottleneck3dImpl::kExpansion;
    }
  }
  stages_ = register_module("stages", stages);
  fc_ = register_module("fc", torch::nn::Linear(in, o.num_classes));
}

torch::Tensor ResNet3dImpl::forward(torch::Tensor x) {
  x = stages_->forward(stem_->forward(x));
  x = torch::adaptive_avg_pool3d(x, {1, 1, 1}).flatten(1);
  return fc_->forward(x);
}

}  // namespace ctscreen::inference::nn
