// The segmentation loss weighs a small lesion's patch as much as a large one's.
#include "losses.h"

#include <gtest/gtest.h>

namespace ctscreen::training {
namespace {

constexpr double kConfident = 20.0;  // logit gap: softmax of 1 - 2e-9

// Logits (N, 2, D, H, W) that say "lesion" exactly where PREDICTED is 1.
torch::Tensor LogitsFor(const torch::Tensor& predicted) {
  torch::Tensor fg = predicted.to(torch::kFloat) * 2 * kConfident - kConfident;
  return torch::stack({torch::zeros_like(fg), fg}, 1);
}

// Two 16^3 patches: one whose lesion fills half of it, one with an 8-voxel nodule.
torch::Tensor TwoPatches() {
  torch::Tensor t = torch::zeros({2, 16, 16, 16}, torch::kLong);
  t[0].narrow(0, 0, 8).fill_(1);
  t[1].narrow(0, 7, 2).narrow(1, 7, 2).narrow(2, 7, 2).fill_(1);
  return t;
}

TEST(SegmentationLoss, PerfectPredictionCostsAlmostNothing) {
  const torch::Tensor t = TwoPatches();
  EXPECT_LT(SegmentationLoss(LogitsFor(t), t).item<double>(), 0.01);
}

TEST(SegmentationLoss, AMissedNoduleCostsHalfTheDiceTermBesideAFoundLobe) {
  const torch::Tensor t = TwoPatches();
  torch::Tensor predicted = t.clone();
  predicted[1].zero_();  // the nodule missed, the large lesion found
  const double loss = SegmentationLoss(LogitsFor(predicted), t).item<double>();
  // Per patch: Dice 1 and ~0 -> mean 0.5. A Dice pooled over the batch would be 4096/4104,
  // a loss under 0.01 (plus the cross-entropy of 8 wrong voxels in 8192: 0.02).
  EXPECT_GT(loss, 0.45);
  EXPECT_LT(loss, 0.6);
}

TEST(SegmentationLoss, PatchesWithoutLesionAreLeftToTheCrossEntropy) {
  const torch::Tensor t = TwoPatches();
  torch::Tensor target = t.clone();
  target[1].zero_();
  torch::Tensor predicted = target.clone();
  predicted[1][0][0][0] = 1;  // one stray voxel in the lesion-free patch
  const double loss = SegmentationLoss(LogitsFor(predicted), target).item<double>();
  // Cross-entropy of one wrong voxel in 8192 at a logit gap of 40: 40 / 8192 ~ 0.005.
  EXPECT_LT(loss, 0.01);
  // And a batch with no lesion at all is the cross-entropy alone.
  const torch::Tensor none = torch::zeros({1, 8, 8, 8}, torch::kLong);
  EXPECT_NEAR(SegmentationLoss(LogitsFor(none), none).item<double>(), 0.0, 1e-6);
}

}  // namespace
}  // namespace ctscreen::training
