#include "ctscreen/inference/nn/resize.h"

#include <gtest/gtest.h>

namespace ctscreen::inference::nn {
namespace {

std::vector<std::int64_t> AlongW(const torch::Tensor& t) {
  torch::Tensor row = t.index({0, 0, 0, 0}).to(torch::kLong).contiguous();
  return std::vector<std::int64_t>(row.data_ptr<std::int64_t>(),
                                   row.data_ptr<std::int64_t>() + row.numel());
}

// Each output voxel takes the input voxel its centre falls in, up and down: what a trilinear
// resize with align_corners=false centres on, and what torch's `nearest` did not (it gives
// {0, 2, 4} for 6 -> 3 and {0, 0, 1, 1, 2, 3, 3, 4} for 5 -> 8).
TEST(ResizeTest, NearestTakesTheVoxelUnderEachCentre) {
  const torch::Tensor five = torch::arange(5, torch::kFloat).reshape({1, 1, 1, 1, 5});
  const torch::Tensor six = torch::arange(6, torch::kFloat).reshape({1, 1, 1, 1, 6});
  EXPECT_EQ(AlongW(ResizeNearest(six, {1, 1, 3})), (std::vector<std::int64_t>{1, 3, 5}));
  EXPECT_EQ(AlongW(ResizeNearest(five, {1, 1, 8})),
            (std::vector<std::int64_t>{0, 0, 1, 2, 2, 3, 4, 4}));
  EXPECT_EQ(AlongW(ResizeNearest(five, {1, 1, 5})), (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
  // Every axis, and the voxels of the other axes untouched.
  const torch::Tensor cube = torch::arange(2 * 3 * 4, torch::kFloat).reshape({1, 1, 2, 3, 4});
  const torch::Tensor up = ResizeNearest(cube, {4, 6, 8});
  ASSERT_EQ(up.sizes(), (std::vector<std::int64_t>{1, 1, 4, 6, 8}));
  EXPECT_EQ(up.index({0, 0, 3, 5, 7}).item<float>(), cube.index({0, 0, 1, 2, 3}).item<float>());
  EXPECT_EQ(up.index({0, 0, 1, 2, 2}).item<float>(), cube.index({0, 0, 0, 1, 1}).item<float>());
}

}  // namespace
}  // namespace ctscreen::inference::nn
