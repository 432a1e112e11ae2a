#include "ctscreen/inference/screener.h"

#include <gtest/gtest.h>
#include <torch/cuda.h>

#include <cstring>
#include <fstream>

#include "ctscreen/inference/nn/stage_model.h"
#include "ctscreen/inference/untrained_bundle.h"
#include "test_dir.h"

namespace ctscreen::inference {
namespace {

Volume Chest(int nx, int ny, int nz) {
  Volume v;
  v.size_xyz = {nx, ny, nz};
  v.spacing_xyz = {1.0, 1.0, 2.5};
  v.voxels.resize(v.NumVoxels());
  torch::Tensor hu = torch::rand({static_cast<std::int64_t>(v.NumVoxels())}) * 1400 - 1000;
  std::memcpy(v.voxels.data(), hu.data_ptr<float>(), v.voxels.size() * sizeof(float));
  return v;
}

// Forces STAGE's output by biasing its final layers: an untrained model's answer is arbitrary,
// a rigged one lets the test know what the pipeline must conclude.
void Rig(const std::filesystem::path& dir, Manifest* m, StageSpec* stage, std::vector<float> bias) {
  core::Result<nn::NativeNet> net = nn::BuildNativeNet(*stage);
  ASSERT_TRUE(nn::LoadNativeWeights(dir / stage->file, &*net).ok());
  torch::NoGradGuard no_grad;
  int rigged = 0;
  for (auto& p : net->module->named_parameters()) {
    const std::string& name = p.key();
    if ((name.rfind("head", 0) == 0 || name.rfind("fc", 0) == 0) &&
        name.find(".bias") != std::string::npos) {
      p.value().copy_(torch::tensor(bias));
      ++rigged;
    }
  }
  ASSERT_GT(rigged, 0);
  ASSERT_TRUE(nn::SaveNativeWeights(*net, dir / stage->file).ok());
  stage->sha256 = *Sha256OfFile(dir / stage->file);
  std::ofstream(dir / "manifest.json") << ManifestToJson(*m);
}

class ScreenerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    UntrainedBundleOptions o;
    o.min_lung_volume_ml = 100.0;
    ASSERT_TRUE(WriteUntrainedBundle(dir_.path(), o).ok());
    manifest_ = *ReadManifest(dir_.path());
  }
  std::unique_ptr<Screener> Load() {
    auto screener = Screener::Create(dir_.path(), {});
    EXPECT_TRUE(screener.ok()) << screener.status().ToString();
    return screener.ok() ? std::move(*screener) : nullptr;
  }
  TestDir dir_;
  Manifest manifest_;
};

TEST_F(ScreenerTest, UntrainedBundleRunsEndToEnd) {
  auto screener = Load();
  ASSERT_TRUE(screener);
  Volume ct = Chest(48, 40, 24);
  core::Result<Screening> s = screener->Run(ct);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->lung_mask.size_xyz, ct.size_xyz);
  EXPECT_EQ(s->lesion_map.voxels.size(), ct.NumVoxels());
  EXPECT_EQ(s->device, "cpu");
  EXPECT_EQ(s->precision, "fp32");
  EXPECT_GT(s->timings_ms.lung_seg, 0.0);
  EXPECT_GE(s->timings_ms.total, s->timings_ms.lung_seg);
  for (const Lesion& l : s->lesions) {
    EXPECT_GE(l.volume_ml, manifest_.min_lesion_volume_ml);
    EXPECT_GE(l.probability, 0.0);
    EXPECT_LE(l.probability, 1.0);
  }
}

TEST_F(ScreenerTest, NoLungsIsNotAssessable) {
  Rig(dir_.path(), &manifest_, &manifest_.lung, {100.0f, -100.0f});
  auto screener = Load();
  ASSERT_TRUE(screener);
  core::Result<Screening> s = screener->Run(Chest(32, 32, 16));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->verdict, Verdict::kNotAssessable);
  EXPECT_NE(s->reason.find("no lungs found in the series"), std::string::npos);
  EXPECT_EQ(s->lung_volume_ml, 0.0);
  EXPECT_TRUE(s->lesions.empty());
}

TEST_F(ScreenerTest, LesionsClassifiedAndCaseDecided) {
  Rig(dir_.path(), &manifest_, &manifest_.lung, {-100.0f, 100.0f});
  Rig(dir_.path(), &manifest_, &manifest_.lesion, {-100.0f, 100.0f});
  Rig(dir_.path(), &manifest_, &manifest_.classifier, {-100.0f, 100.0f});
  auto screener = Load();
  ASSERT_TRUE(screener);
  Volume ct = Chest(40, 32, 48);  // 154 mL: above the bundle's 100 mL minimum
  core::Result<Screening> s = screener->Run(ct);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const double whole_ml = ct.NumVoxels() * ct.VoxelVolumeMl();
  EXPECT_DOUBLE_EQ(s->lung_volume_ml, whole_ml);
  ASSERT_EQ(s->lesions.size(), 1u);
  EXPECT_EQ(s->lesions[0].id, 1);
  EXPECT_DOUBLE_EQ(s->lesions[0].volume_ml, whole_ml);
  EXPECT_EQ(s->lesions[0].lesion_class, LesionClass::kCovid19Like);
  EXPECT_NEAR(s->lesions[0].probability, 1.0, 1e-6);
  EXPECT_DOUBLE_EQ(s->lesions[0].centroid_xyz[0], 19.5);
  EXPECT_EQ(s->verdict, Verdict::kCovid19Likely);
  EXPECT_EQ(s->lesion_map.at(3, 4, 5), 1);
}

// The lesion model's map, when asked for: on the input grid, a probability per voxel, at least
// one half on every voxel of a reported lesion; not computed unless asked.
TEST_F(ScreenerTest, LesionProbabilityMapWhenAskedFor) {
  Rig(dir_.path(), &manifest_, &manifest_.lung, {-100.0f, 100.0f});
  Rig(dir_.path(), &manifest_, &manifest_.lesion, {-100.0f, 100.0f});
  Volume ct = Chest(40, 32, 48);
  auto plain = Load();
  ASSERT_TRUE(plain);
  core::Result<Screening> without = plain->Run(ct);
  ASSERT_TRUE(without.ok()) << without.status().ToString();
  EXPECT_TRUE(without->lesion_probability.voxels.empty());

  ScreenerOptions o;
  o.keep_lesion_probability = true;
  auto screener = Screener::Create(dir_.path(), o);
  ASSERT_TRUE(screener.ok()) << screener.status().ToString();
  core::Result<Screening> s = (*screener)->Run(ct);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->lesion_probability.size_xyz, ct.size_xyz);
  ASSERT_EQ(s->lesion_probability.voxels.size(), ct.NumVoxels());
  ASSERT_FALSE(s->lesions.empty());
  for (std::size_t i = 0; i < ct.NumVoxels(); ++i) {
    ASSERT_GE(s->lesion_probability.voxels[i], 0.0f);
    ASSERT_LE(s->lesion_probability.voxels[i], 1.0f);
    if (s->lesion_map.voxels[i]) {
      ASSERT_GE(s->lesion_probability.voxels[i], 0.5f) << i;
    }
  }
  // The same screening otherwise.
  EXPECT_EQ(s->lesion_map.voxels, without->lesion_map.voxels);
  EXPECT_EQ(s->probability, without->probability);
}

// The manifest's foreground threshold decides which voxels are lesion: every lesion voxel
// reaches it, and a lower one finds at least as much.
TEST_F(ScreenerTest, LesionForegroundThresholdFromTheManifest) {
  Rig(dir_.path(), &manifest_, &manifest_.lung, {-100.0f, 100.0f});
  Volume ct = Chest(40, 32, 48);
  ScreenerOptions o;
  o.keep_lesion_probability = true;
  auto run = [&](double threshold) {
    manifest_.lesion.foreground_threshold = threshold;
    std::ofstream(dir_.path() / "manifest.json") << ManifestToJson(manifest_);
    auto screener = Screener::Create(dir_.path(), o);
    EXPECT_TRUE(screener.ok()) << screener.status().ToString();
    core::Result<Screening> s = (*screener)->Run(ct);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return std::move(*s);
  };
  auto count = [](const Screening& s) {
    std::size_t n = 0;
    for (std::uint16_t v : s.lesion_map.voxels) n += v != 0;
    return n;
  };
  const Screening argmax = run(0.5);
  // The untrained model's probabilities spread around 0.5, so the thresholds below matter.
  std::size_t between = 0;
  for (std::size_t i = 0; i < ct.NumVoxels(); ++i) {
    if (argmax.lesion_map.voxels[i]) {
      ASSERT_GE(argmax.lesion_probability.voxels[i], 0.5f) << i;
      between += argmax.lesion_probability.voxels[i] < 0.6f;
    }
  }
  ASSERT_GT(between, 0u);
  const Screening strict = run(0.6), lax = run(0.4);
  for (std::size_t i = 0; i < ct.NumVoxels(); ++i) {
    if (strict.lesion_map.voxels[i]) {
      ASSERT_GE(strict.lesion_probability.voxels[i], 0.6f) << i;
    }
  }
  EXPECT_LT(count(strict), count(argmax));
  EXPECT_GT(count(lax), count(argmax));
}

// The lesion stage given the lung mask as a second channel: started from the one-channel
// model with the new channel's weights at 0 it finds exactly what that model finds, and with
// weight on that channel its map changes, so the mask reaches the model.
TEST_F(ScreenerTest, LesionStageTakesTheLungMaskAsSecondChannel) {
  Rig(dir_.path(), &manifest_, &manifest_.lung, {-100.0f, 100.0f});  // all lung in the body
  ScreenerOptions o;
  o.keep_lesion_probability = true;
  const Volume ct = Chest(48, 40, 24);
  auto one = Screener::Create(dir_.path(), o);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  core::Result<Screening> before = (*one)->Run(ct);
  ASSERT_TRUE(before.ok()) << before.status().ToString();

  manifest_.lesion.params.in_channels = 2;
  core::Result<nn::NativeNet> net = nn::BuildNativeNet(manifest_.lesion);
  ASSERT_TRUE(net.ok()) << net.status().ToString();
  std::vector<std::string> fresh;
  ASSERT_TRUE(nn::LoadMatchingWeights(dir_.path() / manifest_.lesion.file, &*net, &fresh).ok());
  ASSERT_EQ(fresh.size(), 1u);  // the stem's weight, widened
  const std::string stem = fresh[0].substr(0, fresh[0].find(' '));
  auto save = [&] {
    ASSERT_TRUE(nn::SaveNativeWeights(*net, dir_.path() / manifest_.lesion.file).ok());
    manifest_.lesion.sha256 = *Sha256OfFile(dir_.path() / manifest_.lesion.file);
    std::ofstream(dir_.path() / "manifest.json") << ManifestToJson(manifest_);
  };
  save();
  auto two = Screener::Create(dir_.path(), o);
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  core::Result<Screening> same = (*two)->Run(ct);
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ(same->lesion_map.voxels, before->lesion_map.voxels);
  ASSERT_EQ(same->lesion_probability.voxels.size(), before->lesion_probability.voxels.size());
  double largest = 0;
  for (std::size_t i = 0; i < same->lesion_probability.voxels.size(); ++i) {
    largest = std::max<double>(largest, std::abs(same->lesion_probability.voxels[i] -
                                                 before->lesion_probability.voxels[i]));
  }
  EXPECT_LT(largest, 1e-5);

  {
    torch::NoGradGuard no_grad;
    net->module->named_parameters()[stem].narrow(1, 1, 1).fill_(2.0);
  }
  save();
  auto weighted = Screener::Create(dir_.path(), o);
  ASSERT_TRUE(weighted.ok()) << weighted.status().ToString();
  core::Result<Screening> changed = (*weighted)->Run(ct);
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  largest = 0;
  for (std::size_t i = 0; i < changed->lesion_probability.voxels.size(); ++i) {
    largest = std::max<double>(largest, std::abs(changed->lesion_probability.voxels[i] -
                                                 before->lesion_probability.voxels[i]));
  }
  EXPECT_GT(largest, 1e-3);
}

// Training mines the lesion model's findings before there is a classifier: the bundle's
// classifier entry is still a placeholder then, which a full load refuses.
TEST_F(ScreenerTest, SegmentationOnlyNeedsNoClassifier) {
  Rig(dir_.path(), &manifest_, &manifest_.lung, {-100.0f, 100.0f});
  Rig(dir_.path(), &manifest_, &manifest_.lesion, {-100.0f, 100.0f});
  std::filesystem::remove(dir_.path() / "classifier.pt");
  EXPECT_FALSE(Screener::Create(dir_.path(), {}).ok());
  ScreenerOptions o;
  o.stages = ScreenerStages::kSegmentation;
  auto screener = Screener::Create(dir_.path(), o);
  ASSERT_TRUE(screener.ok()) << screener.status().ToString();
  Volume ct = Chest(40, 32, 48);
  core::Result<Screening> s = (*screener)->Run(ct);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->lesions.size(), 1u);
  EXPECT_DOUBLE_EQ(s->lesions[0].volume_ml, ct.NumVoxels() * ct.VoxelVolumeMl());
  EXPECT_EQ(s->lesions[0].probability, 0.0);
  EXPECT_NE(s->verdict, Verdict::kCovid19Likely);
  EXPECT_EQ(s->lesion_map.at(3, 4, 5), 1);
}

// A lung stage twice as coarse in-plane as the model grid: its logits come back onto the model
// grid and the mask is decided there. A rigged all-lung model leaves the body mask, a box with
// faces in the middle of the coarse voxels, which only a mask made on the model grid can
// follow (the coarse grid's mask, carried back voxel by voxel, missed a row on each side).
TEST_F(ScreenerTest, CoarserLungStageIsDecidedOnTheModelGrid) {
  manifest_.lung.input_spacing_xyz = {2.0, 2.0, 2.5};
  Rig(dir_.path(), &manifest_, &manifest_.lung, {-100.0f, 100.0f});
  Rig(dir_.path(), &manifest_, &manifest_.lesion, {100.0f, -100.0f});
  auto screener = Load();
  ASSERT_TRUE(screener);
  Volume ct;
  ct.size_xyz = {48, 40, 24};
  ct.spacing_xyz = {1.0, 1.0, 2.5};
  ct.voxels.assign(ct.NumVoxels(), -1000.0f);
  auto in_body = [](int x, int y) { return x >= 9 && x < 33 && y >= 11 && y < 31; };
  for (int z = 0; z < 24; ++z) {
    for (int y = 0; y < 40; ++y) {
      for (int x = 0; x < 48; ++x) {
        if (in_body(x, y)) ct.at(x, y, z) = 40.0f;
      }
    }
  }
  core::Result<Screening> s = screener->Run(ct);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->lung_mask.size_xyz, ct.size_xyz);
  EXPECT_EQ(s->lung_mask.spacing_xyz, ct.spacing_xyz);
  int wrong = 0;
  for (int z = 0; z < 24; ++z) {
    for (int y = 0; y < 40; ++y) {
      for (int x = 0; x < 48; ++x) wrong += s->lung_mask.at(x, y, z) != in_body(x, y);
    }
  }
  EXPECT_EQ(wrong, 0);
  EXPECT_NEAR(s->lung_volume_ml, 24 * 20 * 24 * 2.5 / 1000.0, 1e-9);
}

TEST_F(ScreenerTest, WrongSpacingRefused) {
  auto screener = Load();
  ASSERT_TRUE(screener);
  Volume ct = Chest(32, 32, 16);
  ct.spacing_xyz = {0.7, 0.7, 1.0};
  core::Result<Screening> s = screener->Run(ct);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().reason().find("resample first"), std::string::npos);
}

TEST_F(ScreenerTest, TamperedBundleRefusedAtLoad) {
  { std::ofstream(dir_.path() / "classifier.pt", std::ios::app) << "x"; }
  auto screener = Screener::Create(dir_.path(), {});
  ASSERT_FALSE(screener.ok());
  EXPECT_NE(screener.status().reason().find("classifier.pt: sha256 is"), std::string::npos);
}

TEST_F(ScreenerTest, CudaRefusedWithoutCuda) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "this machine has CUDA";
  ScreenerOptions o;
  o.device = "cuda:0";
  auto screener = Screener::Create(dir_.path(), o);
  ASSERT_FALSE(screener.ok());
  EXPECT_EQ(screener.status().reason(), "cuda:0 requested but this build/machine has no CUDA");
}

}  // namespace
}  // namespace ctscreen::inference
