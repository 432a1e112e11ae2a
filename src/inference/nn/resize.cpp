#include "ctscreen/inference/nn/resize.h"

namespace ctscreen::inference::nn {

torch::Tensor ResizeNearest(const torch::Tensor& x, const std::vector<std::int64_t>& out_dhw) {
  TORCH_CHECK(x.dim() == 5 && out_dhw.size() == 3, "ResizeNearest takes (N, C, D, H, W)");
  torch::Tensor y = x;
  for (int a = 0; a < 3; ++a) {
    const std::int64_t in = x.size(a + 2), out = out_dhw[a];
    if (in == out) continue;
    const torch::Tensor at =
        ((torch::arange(out, torch::TensorOptions().dtype(torch::kDouble)) + 0.5) *
         (static_cast<double>(in) / static_cast<double>(out)))
            .floor()
            .clamp_max(static_cast<double>(in - 1))
            .to(torch::TensorOptions().dtype(torch::kLong).device(x.device()));
    y = y.index_select(a + 2, at);
  }
  return y;
}

}  // namespace ctscreen::inference::nn
