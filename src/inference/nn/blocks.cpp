#include "ctscreen/inference/nn/blocks.h"

#include <algorithm>

namespace ctscreen::inference::nn {
namespace {

void AddConvNormAct(torch::nn::Sequential& seq, int in, int out, Norm norm, bool normalise) {
  // No conv bias where a normalisation follows: it removes it anyway.
  seq->push_back(
      torch::nn::Conv3d(torch::nn::Conv3dOptions(in, out, 3).padding(1).bias(!normalise)));
  if (!normalise) {
    // Keeps the Sequential's indices (and so the weights' names) those of a normalised block.
    seq->push_back(torch::nn::Identity());
  } else if (norm == Norm::kInstance) {
    seq->push_back(torch::nn::InstanceNorm3d(torch::nn::InstanceNorm3dOptions(out).affine(true)));
  } else {
    seq->push_back(torch::nn::BatchNorm3d(out));
  }
  seq->push_back(
      torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.01).inplace(true)));
}

}  // namespace

torch::nn::Sequential DoubleConv(int in, int out, Norm norm, bool normalise_first) {
  torch::nn::Sequential seq;
  AddConvNormAct(seq, in, out, norm, normalise_first);
  AddConvNormAct(seq, out, out, norm, true);
  return seq;
}

int LevelWidth(int base, int level, int max) {
  return std::min(base << level, max);
}

}  // namespace ctscreen::inference::nn
