#include "ctscreen/inference/nn/unetpp3d.h"

#include <string>

namespace ctscreen::inference::nn {

UNetPlusPlus3dImpl::UNetPlusPlus3dImpl(const UNetPlusPlus3dOptions& o) : options_(o) {
  auto width = [&](int level) { return LevelWidth(o.base_width, level, o.max_width); };
  node_.resize(o.depth);
  up_.resize(o.depth);
  for (int j = 0; j < o.depth; ++j) {
    for (int i = 0; i + j < o.depth; ++i) {
      const std::string id = std::to_string(i) + "_" + std::to_string(j);
      int in;
      if (j == 0) {
        in = i == 0 ? o.in_channels : width(i - 1);
        up_[i].push_back(nullptr);
      } else {
        // Dense skips: X^{i,0..j-1} plus the upsampled X^{i+1,j-1}, all at width(i).
        in = (j + 1) * width(i);
        up_[i].push_back(register_module(
            "up" + id,
            torch::nn::ConvTranspose3d(
                torch::nn::ConvTranspose3dOptions(width(i + 1), width(i), 2).stride(2))));
      }
      node_[i].push_back(
          register_module("x" + id, DoubleConv(in, width(i), o.norm, i + j > 0 || o.stem_norm)));
    }
  }
  for (int j = o.deep_supervision ? 1 : o.depth - 1; j < o.depth; ++j) {
    heads_.push_back(
        register_module("head" + std::to_string(j),
                        torch::nn::Conv3d(torch::nn::Conv3dOptions(width(0), o.out_channels, 1))));
  }
}

std::vector<torch::Tensor> UNetPlusPlus3dImpl::ForwardHeads(torch::Tensor x) {
  const int depth = options_.depth;
  std::vector<std::vector<torch::Tensor>> X(depth);
  for (int i = 0; i < depth; ++i) {
    X[i].push_back(node_[i][0]->forward(i == 0 ? x : torch::max_pool3d(X[i - 1][0], 2)));
  }
  for (int j = 1; j < depth; ++j) {
    for (int i = 0; i + j < depth; ++i) {
      std::vector<torch::Tensor> inputs(X[i].begin(), X[i].begin() + j);
      inputs.push_back(up_[i][j]->forward(X[i + 1][j - 1]));
      X[i].push_back(node_[i][j]->forward(torch::cat(inputs, 1)));
    }
  }
  std::vector<torch::Tensor> outputs;
  const int first = options_.deep_supervision ? 1 : depth - 1;
  for (std::size_t h = 0; h < heads_.size(); ++h) {
    outputs.push_back(heads_[h]->forward(X[0][first + h]));
  }
  return outputs;
}

torch::Tensor UNetPlusPlus3dImpl::forward(torch::Tensor x) {
  std::vector<torch::Tensor> heads = ForwardHeads(x);
  if (heads.size() == 1) return heads[0];
  return torch::stack(heads, 0).mean(0);
}

}  // namespace ctscreen::inference::nn
