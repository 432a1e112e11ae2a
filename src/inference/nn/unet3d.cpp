#include "ctscreen/inference/nn/unet3d.h"

#include <string>

namespace ctscreen::inference::nn {

UNet3dImpl::UNet3dImpl(const UNet3dOptions& o) : options_(o) {
  auto width = [&](int level) { return LevelWidth(o.base_width, level, o.max_width); };
  for (int l = 0; l < o.depth; ++l) {
    int in = l == 0 ? o.in_channels : width(l - 1);
    encoders_.push_back(register_module("enc" + std::to_string(l),
                                        DoubleConv(in, width(l), o.norm, l > 0 || o.stem_norm)));
  }
  for (int l = 0; l + 1 < o.depth; ++l) {
    ups_.push_back(register_module(
        "up" + std::to_string(l),
        torch::nn::ConvTranspose3d(
            torch::nn::ConvTranspose3dOptions(width(l + 1), width(l), 2).stride(2))));
    decoders_.push_back(
        register_module("dec" + std::to_string(l), DoubleConv(2 * width(l), width(l), o.norm)));
  }
  head_ = register_module("head",
                          torch::nn::Conv3d(torch::nn::Conv3dOptions(width(0), o.out_channels, 1)));
}

torch::Tensor UNet3dImpl::forward(torch::Tensor x) {
  std::vector<torch::Tensor> skips;
  for (int l = 0; l < options_.depth; ++l) {
    if (l > 0) x = torch::max_pool3d(x, 2);
    x = encoders_[l]->forward(x);
    skips.push_back(x);
  }
  for (int l = options_.depth - 2; l >= 0; --l) {
    x = decoders_[l]->forward(torch::cat({skips[l], ups_[l]->forward(x)}, 1));
  }
  return head_->forward(x);
}

}  // namespace ctscreen::inference::nn
