#include "ctscreen/inference/nn/lesion_crop.h"

#include <gtest/gtest.h>

namespace ctscreen::inference::nn {
namespace {

using torch::indexing::Slice;

// A (1, 1, D, H, W) volume of zeros with a box of ones, HI exclusive.
torch::Tensor VolumeWithBox(const Dhw& size, const Dhw& lo, const Dhw& hi) {
  torch::Tensor v = torch::zeros({1, 1, size[0], size[1], size[2]});
  v.index_put_({0, 0, Slice(lo[0], hi[0]), Slice(lo[1], hi[1]), Slice(lo[2], hi[2])}, 1.0);
  return v;
}

// Voxels of each axis the crop's mask channel covers.
Dhw MaskExtent(const torch::Tensor& crop) {
  const torch::Tensor nz = (crop.index({0, 1}) > 0.5).nonzero();
  Dhw e;
  for (int a = 0; a < 3; ++a) {
    const torch::Tensor c = nz.index({Slice(), a});
    e[a] = c.max().item<std::int64_t>() - c.min().item<std::int64_t>() + 1;
  }
  return e;
}

// The point of kAtScale: a 3-voxel speck stays 3 voxels, where a lesion box blows it up to
// fill the patch like a lobe-sized opacity, and the classifier cannot tell them apart by size.
TEST(LesionCropTest, AtScaleKeepsASmallLesionsTrueSize) {
  const Dhw size{40, 40, 40}, patch{16, 16, 16}, lo{18, 20, 21}, hi{21, 23, 24};
  const torch::Tensor v = VolumeWithBox(size, lo, hi);
  const Dhw max{hi[0] - 1, hi[1] - 1, hi[2] - 1};

  const CropBox scaled = ClassifierCropBox(CropRule::kAtScale, lo, max, size, patch);
  for (int a = 0; a < 3; ++a) {
    EXPECT_EQ(scaled.hi[a] - scaled.lo[a], 16) << a;
    // Centred: as many voxels before the lesion as after it, within one.
    EXPECT_LE(std::abs((lo[a] - scaled.lo[a]) - (scaled.hi[a] - hi[a])), 1) << a;
  }
  const torch::Tensor at_scale = CutLesionCrop(v, v, scaled, patch);
  ASSERT_EQ(at_scale.sizes(), (std::vector<std::int64_t>{1, 2, 16, 16, 16}));
  EXPECT_EQ(MaskExtent(at_scale), (Dhw{3, 3, 3}));
  EXPECT_EQ(at_scale.index({0, 1}).sum().item<double>(), 27.0);
  EXPECT_NEAR(at_scale.index({0, 0}).sum().item<double>(), 27.0, 1e-3);  // the CT, unresampled

  const CropBox boxed = ClassifierCropBox(CropRule::kLesionBox, lo, max, size, patch);
  const torch::Tensor lesion_box = CutLesionCrop(v, v, boxed, patch);
  for (std::int64_t e : MaskExtent(lesion_box)) EXPECT_GE(e, 4);  // 3 of 11 voxels, to 16
}

// Larger than the patch: shrunk by one zoom on every axis, so an elongated opacity stays
// elongated (a lesion box squeezes each axis on its own).
TEST(LesionCropTest, AtScaleShrinksALargeLesionEvenly) {
  const Dhw size{64, 64, 64}, patch{16, 16, 16}, lo{10, 26, 27}, hi{42, 34, 35};  // 32 x 8 x 8
  const torch::Tensor v = VolumeWithBox(size, lo, hi);
  const CropBox box =
      ClassifierCropBox(CropRule::kAtScale, lo, {hi[0] - 1, hi[1] - 1, hi[2] - 1}, size, patch);
  // 32 voxels and 8 on each side (a quarter) do not fit 16: zoom 48 / 16 = 3 on all axes.
  for (int a = 0; a < 3; ++a) EXPECT_EQ(box.hi[a] - box.lo[a], 48) << a;
  const Dhw e = MaskExtent(CutLesionCrop(v, v, box, patch));
  EXPECT_GE(e[0], 3 * e[1]);  // 32 x 8 voxels: 10 x 2 or 3 after the zoom
  EXPECT_EQ(e[1], e[2]);

  const Dhw squeezed = MaskExtent(CutLesionCrop(
      v, v,
      ClassifierCropBox(CropRule::kLesionBox, lo, {hi[0] - 1, hi[1] - 1, hi[2] - 1}, size, patch),
      patch));
  EXPECT_LT(static_cast<double>(squeezed[0]) / squeezed[1], 2.0);
}

// At the volume's edge the field of view reaches outside it: air in the CT channel (window
// low end, 0), no lesion in the mask, and the lesion still at the crop's centre.
TEST(LesionCropTest, AtScaleReadsAirOutsideTheVolume) {
  const Dhw size{20, 20, 20}, patch{16, 16, 16}, lo{0, 0, 17}, hi{3, 3, 20};
  torch::Tensor ct = torch::full({1, 1, 20, 20, 20}, 0.5);
  const torch::Tensor mask = VolumeWithBox(size, lo, hi);
  const CropBox box =
      ClassifierCropBox(CropRule::kAtScale, lo, {hi[0] - 1, hi[1] - 1, hi[2] - 1}, size, patch);
  EXPECT_LT(box.lo[0], 0);
  EXPECT_GT(box.hi[2], 20);
  const torch::Tensor crop = CutLesionCrop(ct, mask, box, patch);
  EXPECT_EQ(MaskExtent(crop), (Dhw{3, 3, 3}));
  const torch::Tensor at = (crop.index({0, 1}) > 0.5).nonzero().to(torch::kFloat).mean(0);
  for (int a = 0; a < 3; ++a) EXPECT_NEAR(at[a].item<double>(), 7.5, 1.01) << a;
  EXPECT_EQ(crop.index({0, 0, 0, 0, 0}).item<double>(), 0.0);    // outside: air
  EXPECT_EQ(crop.index({0, 0, 10, 10, 2}).item<double>(), 0.5);  // inside: the CT
}

}  // namespace
}  // namespace ctscreen::inference::nn
