#include "ctscreen/inference/device.h"

#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <torch/cuda.h>

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
