#include "ctscreen/inference/device_scheduler.h"

#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <torch/cuda.h>

#include <atomic>

#include "ctscreen/inference/precision.h"

namespace ctscreen::inference {
namespace {

TEST(DeviceTest, Parse) {
  EXPECT_EQ(ParseDevice("cpu")->ToString(), "cpu");
  EXPECT_EQ(ParseDevice("cuda:1")->index, 1);
  EXPECT_TRUE(ParseDevice("cuda:1")->is_cuda());
  for (const char* bad : {"gpu", "cuda", "cuda:", "cuda:x", "CPU", "cuda:-1"}) {
    EXPECT_FALSE(ParseDevice(bad).ok()) << bad;
  }
}

TEST(DeviceSchedulerTest, RunsJobsOnCpuOneAtATime) {
  auto scheduler = DeviceScheduler::Create({"cpu"}, 1);
  ASSERT_TRUE(scheduler.ok()) << scheduler.status().ToString();
  std::atomic<int> running{0}, most{0};
  std::vector<std::future<std::string>> results;
  for (int i = 0; i < 8; ++i) {
    results.push_back((*scheduler)->Submit([&](const Device& device) {
      int now = ++running;
      most = std::max(most.load(), now);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      --running;
      return device.ToString();
    }));
  }
  for (auto& r : results) EXPECT_EQ(r.get(), "cpu");
  EXPECT_EQ(most.load(), 1);
}

TEST(DeviceSchedulerTest, WorkerUsesTheConfiguredCpuThreads) {
  auto scheduler = DeviceScheduler::Create({"cpu"}, 2);
  ASSERT_TRUE(scheduler.ok());
  auto threads = (*scheduler)->Submit([](const Device&) { return at::get_num_threads(); });
  EXPECT_EQ(threads.get(), 2);
}

TEST(DeviceSchedulerTest, JobExceptionReachesItsFuture) {
  auto scheduler = DeviceScheduler::Create({"cpu"}, 1);
  ASSERT_TRUE(scheduler.ok());
  auto failed = (*scheduler)->Submit([](const Device&) -> int { throw std::runtime_error("x"); });
  EXPECT_THROW(failed.get(), std::runtime_error);
  EXPECT_EQ((*scheduler)->Submit([](const Device&) { return 5; }).get(), 5);
}

TEST(DeviceSchedulerTest, RefusesCudaWithoutCuda) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "this machine has CUDA";
  auto scheduler = DeviceScheduler::Create({"cpu", "cuda:0"}, 1);
  ASSERT_FALSE(scheduler.ok());
  EXPECT_EQ(scheduler.status().reason(), "cuda:0 requested but this build/machine has no CUDA");
}

TEST(DeviceSchedulerTest, RefusesDuplicatesAndEmptyLists) {
  EXPECT_FALSE(DeviceScheduler::Create({}, 1).ok());
  auto twice = DeviceScheduler::Create({"cpu", "cpu"}, 1);
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().reason().find("listed twice"), std::string::npos);
}

TEST(PrecisionTest, CpuAlwaysFp32CudaFollowsBundle) {
  const std::vector<std::string> allowed{"tf32", "fp32"};
  EXPECT_EQ(*ResolvePrecision("fp16", allowed, false), Precision::kFp32);
  EXPECT_EQ(*ResolvePrecision("auto", allowed, true), Precision::kTf32);
  EXPECT_EQ(*ResolvePrecision("fp32", allowed, true), Precision::kFp32);
  core::Result<Precision> refused = ResolvePrecision("fp16", allowed, true);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().reason(),
            "precision fp16 requested, but the bundle allows only [tf32, fp32]");
}

}  // namespace
}  // namespace ctscreen::inference
