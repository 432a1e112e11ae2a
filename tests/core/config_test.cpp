#include "ctscreen/core/config.h"

#include <gtest/gtest.h>

namespace ctscreen::core {
namespace {

TEST(ConfigTest, DefaultsMatchArchitecture) {
  auto c = ParseConfig("", "defaults", {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listener.aet, "CTSCREEN");
  EXPECT_EQ(c->listener.port, 11112);
  EXPECT_EQ(c->listener.max_associations, 8);
}

}  // namespace
}  // namespace ctscreen::core
