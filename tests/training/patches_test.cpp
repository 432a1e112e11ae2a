// Sampling of training patches and the classifier's samples from what the lesion model found.
#include "patches.h"

#include <gtest/gtest.h>

#include <map>

namespace ctscreen::training {
namespace {

// A lesion drawn first, then its voxel: a 2-voxel lesion is centred on as often as a
// 1000-voxel one (drawn voxel-uniformly it would be 1 patch in 500), and every draw lands on
// a voxel of the mask at the right coordinates.
TEST(PatchesTest, VoxelSamplerDrawsSmallLesionsAsOftenAsLargeOnes) {
  torch::Tensor mask = torch::zeros({10, 20, 30}, torch::kUInt8);
  mask.index_put_(
      {torch::indexing::Slice(0, 10), torch::indexing::Slice(0, 10), torch::indexing::Slice(0, 10)},
      1);
  mask.index_put_({7, 15, 25}, 2);
  mask.index_put_({7, 15, 26}, 2);
  VoxelSampler sampler(mask, true);
  ASSERT_FALSE(sampler.empty());
  EXPECT_EQ(sampler.labels(), 2u);
  std::mt19937_64 rng(3);
  std::map<int, int> drawn;
  for (int k = 0; k < 400; ++k) {
    Dhw at{-1, -1, -1};
    ASSERT_TRUE(sampler.AnyLabel(rng, &at));
    const int label = mask.index({at[0], at[1], at[2]}).item<int>();
    ASSERT_NE(label, 0) << at[0] << " " << at[1] << " " << at[2];
    ++drawn[label];
  }
  EXPECT_GT(drawn[2], 150);
  EXPECT_GT(drawn[1], 150);
  Dhw at;
  ASSERT_TRUE(sampler.Any(rng, &at));
  EXPECT_NE(mask.index({at[0], at[1], at[2]}).item<int>(), 0);
  EXPECT_TRUE(VoxelSampler(torch::zeros({4, 4, 4}, torch::kUInt8), true).empty());
  EXPECT_FALSE(VoxelSampler(torch::zeros({4, 4, 4}, torch::kUInt8), false).Any(rng, &at));
}

// Where patches are centred, as shares of the draws. The lung stage's default is what every
// shipped lung model was trained with (half anywhere, half on the lungs); a lesion share is
// taken out first and the rest split as before.
TEST(PatchesTest, PatchAnchorsFollowTheStagesMix) {
  auto shares = [](const PatchMix& mix) {
    std::map<PatchAnchor, int> n;
    for (int k = 0; k < 1000; ++k) ++n[DrawAnchor(mix, (k + 0.5) / 1000)];
    return n;
  };
  auto lesion = shares(SegmentationPatchMix("lesion", 0.3));  // the share is the lung stage's
  EXPECT_EQ(lesion[PatchAnchor::kLesion], 670);
  EXPECT_EQ(lesion[PatchAnchor::kLung], 330);
  EXPECT_EQ(lesion[PatchAnchor::kAnywhere], 0);
  auto lung = shares(SegmentationPatchMix("lung", 0));
  EXPECT_EQ(lung[PatchAnchor::kLesion], 0);
  EXPECT_EQ(lung[PatchAnchor::kLung], 500);
  EXPECT_EQ(lung[PatchAnchor::kAnywhere], 500);
  auto tuned = shares(SegmentationPatchMix("lung", 0.3));
  EXPECT_EQ(tuned[PatchAnchor::kLesion], 300);
  EXPECT_EQ(tuned[PatchAnchor::kLung], 350);
  EXPECT_EQ(tuned[PatchAnchor::kAnywhere], 350);
}

// The lesion model's findings become classifier samples labelled by the truth under them:
// on a COVID-19-like lesion positive, on another disease's lesion negative, on no lesion a
// negative false finding (the hard negatives normal cases need).
TEST(PatchesTest, FoundLesionsTakeTheClassOfTheTruthUnderThem) {
  CaseTensors t;
  t.hu = torch::full({1, 12, 12, 12}, -850.0f);
  t.lungs = torch::ones({12, 12, 12}, torch::kUInt8);
  t.lesions = torch::zeros({12, 12, 12}, torch::kUInt8);
  t.found = torch::zeros({12, 12, 12}, torch::kInt32);
  using torch::indexing::Slice;
  t.lesions.index_put_({Slice(0, 4), Slice(0, 4), Slice(0, 4)}, 1);
  t.lesions.index_put_({Slice(6, 10), Slice(0, 4), Slice(0, 4)}, 2);
  t.found.index_put_({Slice(1, 3), Slice(1, 3), Slice(1, 3)}, 1);     // on lesion 1
  t.found.index_put_({Slice(7, 9), Slice(1, 3), Slice(1, 3)}, 2);     // on lesion 2
  t.found.index_put_({Slice(8, 11), Slice(8, 11), Slice(8, 11)}, 3);  // on nothing
  TrainingCase c;
  c.lesion_covid = {{1, true}, {2, false}};
  std::vector<bool> false_finding;
  std::vector<LesionSample> s = FoundLesions(t, c, 5, &false_finding);
  ASSERT_EQ(s.size(), 3u);
  ASSERT_EQ(false_finding.size(), 3u);
  EXPECT_TRUE(s[0].covid);
  EXPECT_FALSE(false_finding[0]);
  EXPECT_FALSE(s[1].covid);
  EXPECT_FALSE(false_finding[1]);
  EXPECT_FALSE(s[2].covid);
  EXPECT_TRUE(false_finding[2]);
  for (const LesionSample& l : s) {
    EXPECT_TRUE(l.found);
    EXPECT_EQ(l.case_index, 5);
  }
  EXPECT_EQ(s[2].min_dhw, (Dhw{8, 8, 8}));
  EXPECT_EQ(s[2].max_dhw, (Dhw{10, 10, 10}));
  // The crop's mask channel shows the found component (no truth lesion is there).
  torch::Tensor crop = LesionCrop(t, s[2], inference::StageSpec{}, {8, 8, 8}, nullptr);
  ASSERT_EQ(crop.sizes(), (std::vector<std::int64_t>{1, 2, 8, 8, 8}));
  EXPECT_GT(crop.index({0, 1}).sum().item<double>(), 0.0);
}

// Zoomed patches: the label must stay on the voxels of the image it was drawn with. The image
// here is the label itself, so its trilinear resampling cut at 0.5 is where the label belongs.
// With torch's legacy `nearest` the labels were sampled up to one voxel towards the origin
// from the image (floor(i * s) against the image's (i + 0.5) * s - 0.5): harmless for a lobe,
// but a 4-8 mm opacity is two or three voxels on the model grid. Dice of the two here: 0.64
// with `nearest`, 0.94 with inference::nn::ResizeNearest (what is left is the 0.5 cut of a
// blurred edge).
TEST(PatchesTest, ZoomedLabelsStayOnTheirImageVoxels) {
  torch::Tensor label = torch::zeros({24, 48, 48}, torch::kUInt8);
  using torch::indexing::Slice;
  for (int z = 2; z < 22; z += 5) {
    for (int y = 3; y < 45; y += 6) {
      for (int x = 4 + (y % 4); x < 44; x += 7) {
        label.index_put_({Slice(z, z + 3), Slice(y, y + 3), Slice(x, x + 2)}, 1);
      }
    }
  }
  const torch::Tensor image = label.to(torch::kFloat).unsqueeze(0);
  std::mt19937_64 rng(11);
  double dice_sum = 0;
  const int draws = 20;
  for (int k = 0; k < draws; ++k) {
    auto [x, y] = SegmentationPatch(image, image, {12, 24, 24}, {16, 32, 32}, rng);
    const torch::Tensor from_image = x[0] > 0.5, from_label = y > 0;
    const double both = (from_image & from_label).sum().item<double>();
    dice_sum += 2 * both / (from_image.sum().item<double>() + from_label.sum().item<double>());
  }
  EXPECT_GT(dice_sum / draws, 0.85);
}

// The classifier's crop is resized up to its input size: its mask channel must cover the CT
// channel's lesion, as the pipeline's crop must (inference::Screener::Classify does the same).
TEST(PatchesTest, LesionCropMaskLiesOnItsCt) {
  CaseTensors t;
  t.lesions = torch::zeros({20, 20, 20}, torch::kUInt8);
  using torch::indexing::Slice;
  t.lesions.index_put_({Slice(6, 10), Slice(5, 12), Slice(7, 10)}, 1);  // an irregular box
  t.lesions.index_put_({Slice(8, 10), Slice(11, 14), Slice(9, 12)}, 1);
  t.hu = t.lesions.to(torch::kFloat).unsqueeze(0);  // HU 1 in the lesion, window [0, 1]
  TrainingCase c;
  c.lesion_covid = {{1, true}};
  std::vector<LesionSample> s = FindLesions(t, c, 0);
  ASSERT_EQ(s.size(), 1u);
  for (inference::CropRule rule :
       {inference::CropRule::kLesionBox, inference::CropRule::kAtScale}) {
    inference::StageSpec spec;
    spec.window = {0.0, 1.0};
    spec.crop = rule;
    std::mt19937_64 rng(3);
    for (std::mt19937_64* jitter : {static_cast<std::mt19937_64*>(nullptr), &rng}) {
      torch::Tensor crop = LesionCrop(t, s[0], spec, {32, 32, 32}, jitter);
      const torch::Tensor ct = crop.index({0, 0}) > 0.5, mask = crop.index({0, 1}) > 0.5;
      const double both = (ct & mask).sum().item<double>();
      const double dice = 2 * both / (ct.sum().item<double>() + mask.sum().item<double>());
      EXPECT_GT(dice, 0.9) << static_cast<int>(rule) << (jitter ? " jittered" : "");
    }
  }
}

}  // namespace
}  // namespace ctscreen::training
