// The inference module on CUDA gives what it gives on the CPU: each architecture at each
// precision, the sliding window, the shipped bundle's screening of a phantom, and two screeners
// sharing one GPU. Skipped on machines without CUDA (CI); scripts/gpu-check.sh runs them on the
// lent GPU machine.
#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <future>

#include "ctscreen/inference/nn/sliding_window.h"
#include "ctscreen/inference/nn/stage_model.h"
#include "ctscreen/inference/screener.h"
#include "ctscreen/inference/screener_pool.h"
#include "ctscreen/inference/untrained_bundle.h"
#include "ctscreen/phantom/case_generator.h"
#include "phantom_study.h"
#include "test_dir.h"

namespace ctscreen::inference {
namespace {

namespace fs = std::filesystem;

#define REQUIRE_CUDA() \
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device"

const torch::Device kCuda(torch::kCUDA, 0);

fs::path ShippedBundle() {
  const char* env = std::getenv("CTSCREEN_SOURCE_DIR");
  return fs::path(env ? env : CTSCREEN_SOURCE_DIR_DEFAULT) / "models" / "default";
}

// Largest |a - b| relative to the largest |a|: one number for "equal within tolerance".
double RelativeError(const torch::Tensor& a, const torch::Tensor& b) {
  torch::Tensor x = a.to(torch::kCPU, torch::kFloat), y = b.to(torch::kCPU, torch::kFloat);
  return (x - y).abs().max().item<double>() / std::max(1e-6, x.abs().max().item<double>());
}

// Fraction of voxels whose argmax class agrees.
double ArgmaxAgreement(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kCPU).argmax(1) == b.to(torch::kCPU).argmax(1))
      .to(torch::kFloat)
      .mean()
      .item<double>();
}

struct PrecisionCase {
  Precision precision;
  double max_relative_error;  // of the logits
  double min_agreement;       // of the segmentation's argmax
};

// fp32 on CUDA differs from the CPU only by summation order and cuDNN's algorithms; TF32 keeps 10
// mantissa bits, bf16 7 and fp16 10 on 5 exponent bits, through a dozen normalised layers.
const PrecisionCase kPrecisions[] = {{Precision::kFp32, 5e-3, 0.995},
                                     {Precision::kTf32, 2e-2, 0.98},
                                     {Precision::kBf16, 1e-1, 0.9},
                                     {Precision::kFp16, 5e-2, 0.95}};

class CudaStageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
    ASSERT_TRUE(WriteUntrainedBundle(dir_.path(), UntrainedBundleOptions{}).ok());
    manifest_ = *ReadManifest(dir_.path());
  }
  TestDir dir_;
  Manifest manifest_;
};

TEST_F(CudaStageTest, EveryArchitectureAtEveryPrecisionMatchesTheCpu) {
  for (const StageSpec* stage : {&manifest_.lung, &manifest_.lesion, &manifest_.classifier}) {
    torch::manual_seed(7);
    const auto& p = stage->patch_size_xyz;
    torch::Tensor x = torch::rand({2, stage->params.in_channels, p[2], p[1], p[0]});
    auto cpu = nn::LoadStageModel(dir_.path(), *stage, torch::kCPU, Precision::kFp32);
    ASSERT_TRUE(cpu.ok()) << cpu.status().ToString();
    torch::Tensor expected = (*cpu)->Forward(x);
    for (const PrecisionCase& pc : kPrecisions) {
      auto gpu = nn::LoadStageModel(dir_.path(), *stage, kCuda, pc.precision);
      ASSERT_TRUE(gpu.ok()) << gpu.status().ToString();
      torch::Tensor got = (*gpu)->Forward(x.to(kCuda));
      EXPECT_EQ(got.device(), kCuda);
      EXPECT_EQ(got.scalar_type(), torch::kFloat) << "logits come back as float";
      EXPECT_LE(RelativeError(expected, got), pc.max_relative_error)
          << stage->name << " " << PrecisionName(pc.precision);
      if (stage->name != "classifier") {
        EXPECT_GE(ArgmaxAgreement(expected, got), pc.min_agreement)
            << stage->name << " " << PrecisionName(pc.precision);
      }
    }
  }
}

TEST_F(CudaStageTest, SlidingWindowOnTheGpuMatchesTheCpu) {
  const StageSpec& s = manifest_.lesion;
  auto cpu = nn::LoadStageModel(dir_.path(), s, torch::kCPU, Precision::kFp32);
  auto gpu = nn::LoadStageModel(dir_.path(), s, kCuda, Precision::kFp32);
  ASSERT_TRUE(cpu.ok() && gpu.ok());
  nn::SlidingWindowOptions o;
  o.patch_dhw = {s.patch_size_xyz[2], s.patch_size_xyz[1], s.patch_size_xyz[0]};
  o.overlap = 0.5;
  o.batch_size = 3;
  torch::manual_seed(3);
  torch::Tensor volume = torch::rand({1, 1, 37, 70, 61});  // not a multiple of the patch
  torch::Tensor on_cpu = nn::SlidingWindowInference(
      volume, [&](const torch::Tensor& x) { return (*cpu)->Forward(x); }, o);
  torch::Tensor on_gpu = nn::SlidingWindowInference(
      volume.to(kCuda), [&](const torch::Tensor& x) { return (*gpu)->Forward(x); }, o);
  EXPECT_EQ(on_gpu.device(), kCuda);
  EXPECT_LE(RelativeError(on_cpu, on_gpu), 1e-3);
}

// The bundle the product ships, on a phantom of the kind it was trained on: same lungs, same
// lesions, same probabilities and verdict on the GPU as on the CPU.
TEST(CudaScreenerTest, ShippedBundleScreensAPhantomAsOnTheCpu) {
  REQUIRE_CUDA();
  if (!fs::exists(ShippedBundle() / "manifest.json")) GTEST_SKIP() << "no models/default";
  phantom::PhantomCase c =
      phantom::GenerateCase(4242, 0, phantom::CaseClass::kCovid, phantom::SizeMode::kSmall);
  auto cpu = Screener::Create(ShippedBundle(), {"cpu", "auto"});
  ASSERT_TRUE(cpu.ok()) << cpu.status().ToString();
  testing::StudyOnGrid study = testing::PhantomOnGrid(c, (*cpu)->manifest().model_spacing_xyz());
  core::Result<Screening> expected = (*cpu)->Run(study.ct);
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  for (const std::string& precision : (*cpu)->manifest().precision) {
    auto gpu = Screener::Create(ShippedBundle(), {"cuda:0", precision});
    ASSERT_TRUE(gpu.ok()) << gpu.status().ToString();
    core::Result<Screening> got = (*gpu)->Run(study.ct);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->device, "cuda:0");
    EXPECT_EQ(got->precision, precision);
    EXPECT_GE(testing::Dice(expected->lung_mask, got->lung_mask), 0.995) << precision;
    EXPECT_EQ(got->verdict, expected->verdict) << precision;
    EXPECT_NEAR(got->probability, expected->probability, 0.02) << precision;
    EXPECT_EQ(got->lesions.size(), expected->lesions.size()) << precision;
  }
}

// pipeline.devices [cuda:0, cuda:0]: two workers, two screeners, two streams, one GPU; every
// study gets the answer a lone screener gives.
TEST(CudaScreenerTest, TwoWorkersOnOneGpuGiveTheLoneWorkersAnswers) {
  REQUIRE_CUDA();
  if (!fs::exists(ShippedBundle() / "manifest.json")) GTEST_SKIP() << "no models/default";
  auto lone = Screener::Create(ShippedBundle(), {"cuda:0", "fp32"});
  ASSERT_TRUE(lone.ok()) << lone.status().ToString();
  std::vector<Volume> studies;
  std::vector<Screening> expected;
  int index = 0;
  for (phantom::CaseClass k : {phantom::CaseClass::kCovid, phantom::CaseClass::kNormal,
                               phantom::CaseClass::kOtherPneumonia}) {
    phantom::PhantomCase c = phantom::GenerateCase(4343, index++, k, phantom::SizeMode::kSmall);
    studies.push_back(testing::PhantomOnGrid(c, (*lone)->manifest().model_spacing_xyz()).ct);
    core::Result<Screening> alone = (*lone)->Run(studies.back());
    ASSERT_TRUE(alone.ok()) << alone.status().ToString();
    expected.push_back(*alone);
  }
  auto pool = ScreenerPool::Create(ShippedBundle(), {"cuda:0", "cuda:0"}, "fp32", 1);
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  // Two workers, as the appliance's WorkerPool runs them: each borrows a screener per job.
  std::vector<std::future<std::vector<Screening>>> workers;
  for (int w = 0; w < 2; ++w) {
    workers.push_back(std::async(std::launch::async, [&] {
      std::vector<Screening> done;
      for (int round = 0; round < 3; ++round) {
        for (const Volume& v : studies) {
          auto lease = (*pool)->Acquire("cuda:0");
          if (!lease.ok()) return done;
          core::Result<Screening> s = (*lease)->Run(v);
          if (s.ok()) done.push_back(*s);
        }
      }
      return done;
    }));
  }
  std::vector<Screening> results;
  for (auto& w : workers) {
    std::vector<Screening> done = w.get();
    ASSERT_EQ(done.size(), 3 * studies.size());
    results.insert(results.end(), done.begin(), done.end());
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    const Screening* got = &results[i];
    const Screening& want = expected[i % studies.size()];
    EXPECT_GE(testing::Dice(want.lung_mask, got->lung_mask), 0.995);
    EXPECT_EQ(got->verdict, want.verdict);
    EXPECT_NEAR(got->probability, want.probability, 0.02);
  }
}

}  // namespace
}  // namespace ctscreen::inference
