#include "ctscreen/core/status.h"

#include <gtest/gtest.h>

namespace ctscreen::core {
namespace {

TEST(StatusTest, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(StatusTest, CarriesCodeAndReason) {
  Status s(ErrorCode::kPixelDataLength, "pixel data is 10 bytes, expected 524288");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "pixel_data_length: pixel data is 10 bytes, expected 524288");
}

TEST(ResultTest, ValueOrStatus) {
  Result<int> good(42);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 42);
  Result<int> bad(Status(ErrorCode::kNotFound, "no such job"));
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace ctscreen::core
