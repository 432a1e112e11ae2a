#include "ctscreen/imaging/components.h"

#include <gtest/gtest.h>

#include "test_volumes.h"

namespace ctscreen::imaging {
namespace {

TEST(ComponentsTest, VolumesAndCentroidsOfTwoBlocks) {
  GeometryInfo g = testing::AxialGrid(50, 40, 30, 0.5, 2.0);
  auto mask = NewLabelImage(g, 0);
  auto set = [&](int i0, int i1, int j0, int j1, int k0, int k1) {
    for (int k = k0; k <= k1; ++k)
      for (int j = j0; j <= j1; ++j)
        for (int i = i0; i <= i1; ++i) mask->SetPixel({{i, j, k}}, 1);
  };
  set(2, 11, 3, 12, 4, 8);      // 10 x 10 x 5 = 500 voxels
  set(30, 33, 20, 23, 20, 21);  // 4 x 4 x 2 = 32 voxels
  auto comps = MeasureComponents(*mask);
  ASSERT_TRUE(comps.ok());
  ASSERT_EQ(comps->size(), 2u);
  const Component& big = (*comps)[0];
  EXPECT_EQ(big.id, 1);
  EXPECT_EQ(big.voxels, 500u);
  EXPECT_DOUBLE_EQ(big.volume_ml, 500 * 0.5 * 0.5 * 2.0 / 1000);
  const Vec3 expected = g.IndexToWorld(6.5, 7.5, 6);
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(big.centroid_mm[c], expected[c], 1e-9);
  EXPECT_EQ(big.box.begin, (std::array<int, 3>{2, 3, 4}));
  EXPECT_EQ(big.box.size, (std::array<int, 3>{10, 10, 5}));
  EXPECT_EQ((*comps)[1].voxels, 32u);
}

TEST(ComponentsTest, CornerContactIsOneComponentOnlyWhenFullyConnected) {
  GeometryInfo g = testing::AxialGrid(10, 10, 10, 1, 1);
  auto mask = NewLabelImage(g, 0);
  mask->SetPixel({{2, 2, 2}}, 1);
  mask->SetPixel({{3, 3, 3}}, 1);
  EXPECT_EQ(MeasureComponents(*mask, true)->size(), 1u);
  EXPECT_EQ(MeasureComponents(*mask, false)->size(), 2u);
  EXPECT_TRUE(MeasureComponents(*NewLabelImage(g, 0))->empty());
}

}  // namespace
}  // namespace ctscreen::imaging
