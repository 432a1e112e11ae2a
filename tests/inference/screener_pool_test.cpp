#include "ctscreen/inference/screener_pool.h"

#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <torch/cuda.h>

#include <atomic>
#include <future>
#include <thread>

#include "ctscreen/inference/untrained_bundle.h"
#include "test_dir.h"

namespace ctscreen::inference {
namespace {

class ScreenerPoolTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(WriteUntrainedBundle(dir_.path(), {}).ok()); }
  TestDir dir_;
};

TEST_F(ScreenerPoolTest, RefusesEmptyListsCpuTwiceAndBrokenBundles) {
  EXPECT_FALSE(ScreenerPool::Create(dir_.path(), {}, "auto", 1).ok());
  auto twice = ScreenerPool::Create(dir_.path(), {"cpu", "cpu"}, "auto", 1);
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().reason().find("cpu is listed twice"), std::string::npos);
  auto missing = ScreenerPool::Create(dir_.path() / "nothing", {"cpu"}, "auto", 1);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().reason().find("on cpu"), std::string::npos);
}

TEST_F(ScreenerPoolTest, RefusesCudaWithoutCuda) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "this machine has CUDA";
  auto pool = ScreenerPool::Create(dir_.path(), {"cpu", "cuda:0"}, "auto", 1);
  ASSERT_FALSE(pool.ok());
  EXPECT_NE(pool.status().reason().find("cuda:0 requested but this build/machine has no CUDA"),
            std::string::npos);
}

TEST_F(ScreenerPoolTest, OneCpuScreenerIsLentToOneWorkerAtATime) {
  auto pool = ScreenerPool::Create(dir_.path(), {"cpu"}, "auto", 2);
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  EXPECT_FALSE((*pool)->Acquire("cuda:3").ok());
  std::atomic<int> holding{0}, most{0};
  std::vector<std::future<int>> workers;
  for (int w = 0; w < 3; ++w) {
    workers.push_back(std::async(std::launch::async, [&] {
      auto lease = (*pool)->Acquire("cpu");
      EXPECT_TRUE(lease.ok());
      const int now = ++holding;
      most = std::max(most.load(), now);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      --holding;
      return at::get_num_threads();
    }));
  }
  for (auto& w : workers) EXPECT_EQ(w.get(), 2) << "a CPU job runs on pipeline.cpu_threads";
  EXPECT_EQ(most.load(), 1);
}

// [cuda:0, cuda:0]: two screeners on one GPU, lent to two workers at once.
TEST_F(ScreenerPoolTest, OneGpuListedTwiceLendsTwoScreenersAtOnce) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  auto pool = ScreenerPool::Create(dir_.path(), {"cuda:0", "cuda:0"}, "auto", 1);
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  auto first = (*pool)->Acquire("cuda:0");
  auto second = (*pool)->Acquire("cuda:0");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(&**first, &**second);
}

}  // namespace
}  // namespace ctscreen::inference
