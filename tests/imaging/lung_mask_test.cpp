#include "ctscreen/imaging/lung_mask.h"

#include <gtest/gtest.h>

#include "ctscreen/imaging/preprocess.h"
#include "ctscreen/phantom/case_generator.h"
#include "test_volumes.h"

namespace ctscreen::imaging {
namespace {

GeometryInfo FromPhantom(const phantom::Geometry& p) {
  GeometryInfo g;
  g.size = p.size;
  g.spacing = p.spacing;
  g.origin = p.origin;
  g.direction = p.direction;
  return g;
}

TEST(LungMaskTest, ThresholdMaskCropCoversTheTrueLungs) {
  const phantom::PhantomCase c =
      phantom::GenerateCase(5, 0, phantom::CaseClass::kNormal, phantom::SizeMode::kSmall);
  const GeometryInfo g = FromPhantom(c.hu.geometry);
  CtVolume ct;
  ct.image = NewHuImage(g);
  std::copy(c.hu.voxels.begin(), c.hu.voxels.end(), ct.image->GetBufferPointer());
  auto truth = NewLabelImage(g, 0);
  std::copy(c.lungs.voxels.begin(), c.lungs.voxels.end(), truth->GetBufferPointer());

  auto mask = ThresholdLungMask(ct);
  ASSERT_TRUE(mask.ok()) << mask.status().ToString();
  auto heuristic = MaskCropBox(**mask, g, 10);
  auto exact = MaskCropBox(*truth, g, 10);
  ASSERT_TRUE(heuristic.ok());
  ASSERT_TRUE(exact.ok());
  // The heuristic box holds the true lung box, give or take a coarse voxel and the trachea.
  for (int a = 0; a < 3; ++a) {
    const double tol = 3.0 / g.spacing[a] + 1;
    EXPECT_LE(heuristic->begin[a], exact->begin[a] + tol) << a;
    EXPECT_GE(heuristic->begin[a] + heuristic->size[a], exact->begin[a] + exact->size[a] - tol)
        << a;
    EXPECT_LE(heuristic->size[a], exact->size[a] + 80 / g.spacing[a]) << a;
  }
}

TEST(LungMaskTest, NoLungsInASolidBlock) {
  CtVolume ct;
  ct.image = NewHuImage(testing::AxialGrid(40, 40, 20, 1, 2));
  ct.image->FillBuffer(40);
  EXPECT_EQ(ThresholdLungMask(ct).status().code(), core::ErrorCode::kNotFound);
}

}  // namespace
}  // namespace ctscreen::imaging
