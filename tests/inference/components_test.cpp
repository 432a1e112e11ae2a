#include "ctscreen/inference/components.h"

#include <gtest/gtest.h>

namespace ctscreen::inference {
namespace {

Mask Empty(int nx, int ny, int nz) {
  Mask m;
  m.size_xyz = {nx, ny, nz};
  m.voxels.assign(m.NumVoxels(), 0);
  return m;
}

void Fill(Mask& m, std::array<int, 3> lo, std::array<int, 3> hi) {
  for (int z = lo[2]; z <= hi[2]; ++z)
    for (int y = lo[1]; y <= hi[1]; ++y)
      for (int x = lo[0]; x <= hi[0]; ++x) m.at(x, y, z) = 1;
}

TEST(ComponentsTest, LabelsLargestFirstWithStatistics) {
  Mask m = Empty(20, 10, 6);
  Fill(m, {0, 0, 0}, {1, 1, 1});    // 8 voxels
  Fill(m, {10, 2, 1}, {13, 5, 4});  // 64 voxels
  m.at(19, 9, 5) = 1;               // 1 voxel
  std::vector<Component> components;
  LabelMap labels = LabelComponents(m, 2, &components);
  ASSERT_EQ(components.size(), 2u);  // the single voxel is below the minimum
  EXPECT_EQ(components[0].label, 1);
  EXPECT_EQ(components[0].voxels, 64);
  EXPECT_DOUBLE_EQ(components[0].centroid_xyz[0], 11.5);
  EXPECT_DOUBLE_EQ(components[0].centroid_xyz[2], 2.5);
  EXPECT_EQ(components[0].min_xyz, (std::array<int, 3>{10, 2, 1}));
  EXPECT_EQ(components[0].max_xyz, (std::array<int, 3>{13, 5, 4}));
  EXPECT_EQ(components[1].voxels, 8);
  EXPECT_EQ(labels.at(11, 3, 2), 1);
  EXPECT_EQ(labels.at(0, 0, 0), 2);
  EXPECT_EQ(labels.at(19, 9, 5), 0);
}

TEST(ComponentsTest, FaceConnectivityAndUShapesMerge) {
  Mask m = Empty(5, 5, 1);
  m.at(0, 0, 0) = 1;
  m.at(1, 1, 0) = 1;  // diagonal only: separate
  // A U: two arms met late in the scan must become one component.
  Fill(m, {3, 0, 0}, {3, 4, 0});
  Fill(m, {4, 4, 0}, {4, 4, 0});
  Fill(m, {4, 0, 0}, {4, 0, 0});
  std::vector<Component> components;
  LabelComponents(m, 1, &components);
  ASSERT_EQ(components.size(), 3u);
  EXPECT_EQ(components[0].voxels, 7);
}

TEST(ComponentsTest, KeepLargestDropsSpecks) {
  Mask m = Empty(30, 10, 4);
  Fill(m, {0, 0, 0}, {9, 9, 3});    // 400: a lung
  Fill(m, {12, 0, 0}, {20, 9, 3});  // 360: the other lung
  Fill(m, {25, 0, 0}, {26, 1, 0});  // 4: a speck
  Mask kept = KeepLargestComponents(m, 2, 0.1);
  EXPECT_EQ(kept.at(0, 0, 0), 1);
  EXPECT_EQ(kept.at(15, 5, 2), 1);
  EXPECT_EQ(kept.at(25, 0, 0), 0);
  Mask one = KeepLargestComponents(m, 1, 0.1);
  EXPECT_EQ(one.at(15, 5, 2), 0);
}

TEST(ComponentsTest, KeepsOpacitiesWholeAndClipsWhatOnlyBordersTheLungs) {
  Mask lungs = Empty(30, 10, 4);
  Fill(lungs, {0, 0, 0}, {9, 9, 3});
  Mask found = Empty(30, 10, 4);
  Fill(found, {8, 2, 0}, {12, 6, 3});   // 100 voxels, 40 % in the lungs: kept whole
  Fill(found, {4, 4, 1}, {5, 5, 2});    // inside the lungs: kept
  Fill(found, {9, 8, 0}, {29, 9, 3});   // 168 voxels, 8 in the lungs (5 %): clipped to those
  Fill(found, {20, 0, 0}, {25, 5, 3});  // away from the lungs: gone
  std::vector<Component> components;
  LabelMap labels = LabelComponents(found, 1, &components);
  Mask kept = LesionsInLungs(labels, components, lungs, 0.1);
  EXPECT_EQ(kept.at(12, 6, 3), 1);  // the outside part of the opacity
  EXPECT_EQ(kept.at(5, 5, 2), 1);
  EXPECT_EQ(kept.at(9, 9, 2), 1);   // the clipped one's part inside
  EXPECT_EQ(kept.at(15, 9, 2), 0);  // and not its part outside
  EXPECT_EQ(kept.at(22, 2, 2), 0);
  std::vector<Component> lesions;
  LabelComponents(kept, 1, &lesions);
  ASSERT_EQ(lesions.size(), 3u);
  EXPECT_EQ(lesions[0].voxels, 100);
}

TEST(ComponentsTest, FillsWhatTheLungsEncloseInEachSlice) {
  Mask m = Empty(12, 12, 2);
  Fill(m, {1, 1, 0}, {8, 8, 0});
  for (int y = 3; y <= 5; ++y)
    for (int x = 3; x <= 5; ++x) m.at(x, y, 0) = 0;  // a hole (a vessel, a nodule)
  for (int y = 0; y < 12; ++y) m.at(4, y, 0) = 0;    // no: a cleft open to the border
  Fill(m, {1, 1, 1}, {8, 8, 1});
  for (int y = 3; y <= 5; ++y)
    for (int x = 3; x <= 5; ++x) m.at(x, y, 1) = 0;
  Mask filled = FillAxialHoles(m);
  EXPECT_EQ(filled.at(4, 4, 1), 1);  // enclosed: filled
  EXPECT_EQ(filled.at(3, 3, 1), 1);
  EXPECT_EQ(filled.at(4, 4, 0), 0);  // reaches the border through the cleft: stays
  EXPECT_EQ(filled.at(3, 4, 0), 0);
  EXPECT_EQ(filled.at(0, 0, 1), 0);  // outside stays outside
  EXPECT_EQ(filled.at(10, 10, 0), 0);
  EXPECT_EQ(filled.at(2, 2, 0), 1);  // the mask itself stays
}

TEST(ComponentsTest, BodyHoldsTheLungsButNotTheAirAroundItOrTheTable) {
  Volume ct;
  ct.size_xyz = {40, 40, 3};
  ct.voxels.assign(ct.NumVoxels(), -1000.0F);
  for (int z = 0; z < 3; ++z) {
    for (int y = 0; y < 40; ++y) {
      for (int x = 0; x < 40; ++x) {
        const float dx = (x - 20) / 16.0F, dy = (y - 18) / 12.0F;
        if (dx * dx + dy * dy <= 1) ct.at(x, y, z) = 40;                      // the body
        if (x >= 8 && x <= 16 && y >= 14 && y <= 22) ct.at(x, y, z) = -850;   // a lung
        if (x >= 24 && x <= 32 && y >= 14 && y <= 22) ct.at(x, y, z) = -850;  // the other
        if (y == 36) ct.at(x, y, z) = 200;                                    // the table
      }
    }
    ct.at(1, 1, z) = -870;  // air outside with a lung's density (noise, a blanket's fold)
  }
  const Mask body = BodyMask(ct);
  EXPECT_EQ(body.at(12, 18, 1), 1);  // lungs inside
  EXPECT_EQ(body.at(28, 18, 2), 1);
  EXPECT_EQ(body.at(20, 18, 0), 1);  // soft tissue
  EXPECT_EQ(body.at(1, 1, 1), 0);    // air around the patient
  EXPECT_EQ(body.at(20, 36, 1), 0);  // the table: a smaller component
  EXPECT_EQ(body.at(20, 33, 1), 0);  // between table and body
}

}  // namespace
}  // namespace ctscreen::inference
