// Resizing label masks next to a trilinear CT, in training crops and in the pipeline's
// classifier crops alike.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace ctscreen::inference::nn {

// (N, C, D, H, W) resized to OUT_DHW by nearest neighbour, each output voxel taking the input
// voxel its centre falls in: floor((i + 0.5) * in / out), the voxel a trilinear resize with
// align_corners=false centres on. Torch's `nearest` takes floor(i * in / out), up to a voxel
// towards the origin from the CT beside it; `nearest-exact` is this, but its align_corners
// rules differ between LibTorch versions (1.13 warns on every call without it, later ones may
// refuse it), so it is spelt out here.
torch::Tensor ResizeNearest(const torch::Tensor& x, const std::vector<std::int64_t>& out_dhw);

}  // namespace ctscreen::inference::nn
