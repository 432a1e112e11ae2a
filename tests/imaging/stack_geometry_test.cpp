#include "ctscreen/imaging/stack_geometry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace ctscreen::imaging {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// n axial slices, 512 x 512 at 0.7 mm, stepping `step` mm head-wards from z = -200.
std::vector<SliceGeometry> Axial(int n, double step = 1.25) {
  std::vector<SliceGeometry> slices(n);
  for (int k = 0; k < n; ++k) {
    SliceGeometry& s = slices[k];
    s.position = {-179.2, -179.2, -200 + k * step};
    s.orientation = {1, 0, 0, 0, 1, 0};
    s.rows = s.columns = 512;
    s.pixel_spacing = {0.7, 0.7};
    s.has_position = s.has_orientation = true;
  }
  return slices;
}

std::string DefectOf(const std::vector<SliceGeometry>& slices, StackLimits limits = {}) {
  auto stack = BuildStack(slices, limits);
  if (stack.ok()) return "ok";
  EXPECT_EQ(stack.status().code(), core::ErrorCode::kGeometry);
  return stack.status().reason();
}

TEST(StackGeometryTest, RegularStackGivesGeometryFromPositions) {
  auto slices = Axial(40, 1.25);
  for (int k = 0; k < 40; k += 2) slices[k].position[2] += 0.0004;  // rounding jitter
  auto stack = BuildStack(slices, {});
  ASSERT_TRUE(stack.ok()) << stack.status().ToString();
  EXPECT_EQ(stack->geometry.size, (std::array<int, 3>{512, 512, 40}));
  EXPECT_NEAR(stack->geometry.spacing[2], 1.25, 1e-4);
  EXPECT_NEAR(stack->geometry.origin[2], -200, 1e-3);
  for (int k = 0; k < 40; ++k) EXPECT_EQ(stack->order[k], k);
}

TEST(StackGeometryTest, OrderComesFromPositionsWhateverTheInputOrder) {
  auto slices = Axial(30);
  std::vector<int> perm(30);
  for (int k = 0; k < 30; ++k) perm[k] = k;
  std::shuffle(perm.begin(), perm.end(), std::mt19937(7));
  std::vector<SliceGeometry> shuffled;
  for (int p : perm) shuffled.push_back(slices[p]);
  auto stack = BuildStack(shuffled, {});
  ASSERT_TRUE(stack.ok());
  for (int k = 0; k < 30; ++k) EXPECT_EQ(perm[stack->order[k]], k);
}

TEST(StackGeometryTest, FeetFirstRunsAlongTheNormal) {
  // Feet first: the row direction is mirrored, so the normal points to the feet and index k
  // runs downwards; the geometry still places every voxel exactly.
  auto slices = Axial(30);
  for (auto& s : slices) s.orientation = {-1, 0, 0, 0, 1, 0};
  auto stack = BuildStack(slices, {});
  ASSERT_TRUE(stack.ok());
  EXPECT_EQ(stack->order.front(), 29);
  EXPECT_DOUBLE_EQ(stack->geometry.direction[2][2], -1);
  EXPECT_NEAR(stack->geometry.IndexToWorld(0, 0, 29)[2], -200, 1e-9);
}

TEST(StackGeometryTest, EachDefectHasItsReason) {
  auto base = Axial(30);
  {
    auto s = base;
    s[5].has_orientation = false;
    EXPECT_THAT(DefectOf(s), StartsWith(kMissingGeometry));
  }
  {
    auto s = base;
    s[5].orientation = {1, 0, 0, 0, 0, -1};
    EXPECT_THAT(DefectOf(s), StartsWith(kMixedOrientation));
  }
  {
    auto s = base;
    for (auto& x : s) x.orientation = {0, 1, 0, 0, 0, -1};  // sagittal
    EXPECT_THAT(DefectOf(s), AllOf(StartsWith(kNotAxial), HasSubstr("sagittal")));
  }
  {
    auto s = base;
    for (auto& x : s) x.orientation = {1, 0, 0, 0, 0, -1};  // coronal
    EXPECT_THAT(DefectOf(s), AllOf(StartsWith(kNotAxial), HasSubstr("coronal")));
  }
  {
    auto s = base;
    s[3].rows = 256;
    EXPECT_THAT(DefectOf(s), StartsWith(kMixedSliceSize));
    s = base;
    s[3].pixel_spacing = {0.8, 0.8};
    EXPECT_THAT(DefectOf(s), StartsWith(kMixedSliceSize));
  }
  {
    auto s = base;
    // 15 degrees of tilt: each slice shifts posteriorly by tan(15) x its height.
    for (int k = 0; k < 30; ++k) s[k].position[1] += std::tan(15 * M_PI / 180) * k * 1.25;
    EXPECT_THAT(DefectOf(s), AllOf(StartsWith(kGantryTilt), HasSubstr("15.0 degrees")));
  }
  {
    auto s = base;
    for (int k = 0; k < 30; k += 2) s[k].position[0] += 30;  // two stacks side by side
    EXPECT_THAT(DefectOf(s), StartsWith(kMultipleStacks));
  }
  {
    auto s = base;
    auto copy = base;
    s.insert(s.end(), copy.begin(), copy.end());  // two reconstructions on the same positions
    EXPECT_THAT(DefectOf(s), StartsWith(kMultipleStacks));
  }
  {
    auto s = base;
    s.push_back(base[10]);
    EXPECT_THAT(DefectOf(s), StartsWith(kDuplicatePositions));
  }
  EXPECT_THAT(DefectOf(Axial(12)), AllOf(StartsWith(kTooFewSlices), HasSubstr("12 slices")));
  {
    auto s = base;
    s.erase(s.begin() + 10, s.begin() + 12);
    EXPECT_THAT(DefectOf(s), AllOf(StartsWith(kMissingSlices), HasSubstr("3.75 mm")));
  }
  {
    auto s = base;
    for (int k = 15; k < 30; ++k) s[k].position[2] += 0.3;  // one step of 1.55 mm
    EXPECT_THAT(DefectOf(s), StartsWith(kNonUniformSpacing));
  }
}

TEST(StackGeometryTest, SmallRoundingIsNotADefect) {
  auto s = Axial(30);
  for (int k = 0; k < 30; ++k) {
    s[k].position[0] += (k % 3) * 0.001;
    s[k].orientation[0] = 1 - (k % 2) * 1e-5;
  }
  EXPECT_EQ(DefectOf(s), "ok");
}

}  // namespace
}  // namespace ctscreen::imaging
