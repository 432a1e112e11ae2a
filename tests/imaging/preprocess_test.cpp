#include "ctscreen/imaging/preprocess.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "ctscreen/imaging/components.h"
#include "ctscreen/imaging/source_grid.h"
#include "ctscreen/imaging/window.h"
#include "test_volumes.h"

namespace ctscreen::imaging {
namespace {

using testing::AxialGrid;
using testing::Distance;
using testing::Fill;
using testing::SphereVolume;

constexpr double kPi = 3.14159265358979323846;

LabelImage::Pointer BoxMask(const GeometryInfo& g, const Vec3& lo, const Vec3& hi) {
  auto mask = NewLabelImage(g, 0);
  Fill<LabelImage>(mask, [&](const Vec3& p) {
    for (int c = 0; c < 3; ++c) {
      if (p[c] < lo[c] || p[c] > hi[c]) return std::uint8_t{0};
    }
    return std::uint8_t{1};
  });
  return mask;
}

TEST(PreprocessTest, CropBoxIsTheMaskExtentPlusMargin) {
  const GeometryInfo g = AxialGrid(100, 100, 60, 0.8, 2.0);
  auto mask = BoxMask(g, {-20, -10, -80}, {20, 10, -40});
  auto box = MaskCropBox(*mask, g, 10);
  ASSERT_TRUE(box.ok());
  // Voxel centres within [-30, 30] x [-20, 20] x [-90, -30] mm.
  const Vec3 first = g.IndexToWorld(box->begin[0], box->begin[1], box->begin[2]);
  EXPECT_NEAR(first[0], -30, 0.8);
  EXPECT_NEAR(first[1], -20, 0.8);
  EXPECT_NEAR(first[2], -90, 2.0);
  EXPECT_NEAR(box->size[0] * 0.8, 60.8, 1.6);
  EXPECT_NEAR(box->size[2] * 2.0, 62, 4.0);
  // A margin beyond the CT is clipped.
  auto wide = MaskCropBox(*mask, g, 500);
  ASSERT_TRUE(wide.ok());
  EXPECT_EQ(wide->begin, (std::array<int, 3>{0, 0, 0}));
  EXPECT_EQ(wide->size, g.size);
  EXPECT_FALSE(MaskCropBox(*NewLabelImage(g, 0), g, 10).ok());
}

TEST(PreprocessTest, ModelGridHasSpecSpacingAndCoversTheCrop) {
  const GeometryInfo g = AxialGrid(200, 200, 80, 0.7, 1.0);
  IndexBox box{{0, 0, 0}, {200, 200, 80}};
  const GeometryInfo m = ModelGridFor(g, box, {1, 1, 2.5});
  EXPECT_EQ(m.spacing, (std::array<double, 3>{1, 1, 2.5}));
  EXPECT_EQ(m.size, (std::array<int, 3>{140, 140, 32}));
  // Same centre as the source extent.
  const Vec3 sc = g.IndexToWorld(99.5, 99.5, 39.5);
  const Vec3 mc = m.IndexToWorld(69.5, 69.5, 15.5);
  EXPECT_NEAR(Distance(sc, mc), 0, 1e-9);
}

TEST(PreprocessTest, WindowsAreExactOnAUniformVolume) {
  const GeometryInfo g = AxialGrid(40, 40, 24, 1.0, 2.5);
  CtVolume ct;
  ct.image = NewHuImage(g);
  // Columns of constant HU at the window edges: linear interpolation of equal values is exact.
  Fill<HuImage>(ct.image, [](const Vec3& p) { return std::int16_t(p[0] < 0 ? -150 : 350); });
  PreprocessSpec spec;
  spec.spacing_mm = {1, 1, 2.5};
  spec.crop_margin_mm = 0;
  auto all = NewLabelImage(g, 1);
  auto out = Preprocess(ct, *all, spec);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const auto& lung = out->lung;
  ASSERT_EQ(lung.geometry.size, g.size);
  const int nx = lung.geometry.size[0];
  for (int i : {0, 5, 19}) EXPECT_EQ(lung.voxels[i], 0.0f) << i;    // -150 HU
  for (int i : {20, 30, 39}) EXPECT_EQ(lung.voxels[i], 1.0f) << i;  // 350 HU
  EXPECT_EQ(out->lesion.voxels[nx - 1], 1.0f);
  EXPECT_FLOAT_EQ(out->lesion.voxels[0], (1024.0f - 150) / 1374.0f);
}

TEST(PreprocessTest, SphereSurvivesResampleAndBackMapping) {
  // 0.7 mm pixels, 1 mm slices, like a thin-slice chest CT.
  const GeometryInfo g = AxialGrid(160, 160, 90, 0.7, 1.0);
  const Vec3 centre{3.3, -7.1, -60.4};
  const double radius = 15;
  CtVolume ct = SphereVolume(g, centre, radius, 100);
  auto lungs = BoxMask(g, {-40, -40, -95}, {40, 40, -20});
  auto pre = Preprocess(ct, *lungs, PaperPreprocessSpec());
  ASSERT_TRUE(pre.ok()) << pre.status().ToString();
  const ModelInput& in = pre->lesion;
  EXPECT_EQ(in.geometry.spacing, (std::array<double, 3>{1, 1, 2.5}));

  // A "model" that thresholds halfway between air and the sphere.
  const float half = ApplyWindow(-450.0f, in.window);
  std::vector<std::uint8_t> labels(in.voxels.size());
  std::vector<float> probability(in.voxels.size());
  for (std::size_t n = 0; n < labels.size(); ++n) {
    labels[n] = in.voxels[n] >= half;
    // A soft "model": the fraction of the way from air to the sphere's HU.
    const float air = ApplyWindow(-1000.0f, in.window), tissue = ApplyWindow(100.0f, in.window);
    probability[n] = std::clamp((in.voxels[n] - air) / (tissue - air), 0.0f, 1.0f);
  }
  const double truth_ml = 4.0 / 3.0 * kPi * radius * radius * radius / 1000;
  auto check = [&](const LabelImage& mask, const char* how) {
    auto comps = MeasureComponents(mask);
    ASSERT_TRUE(comps.ok());
    ASSERT_EQ(comps->size(), 1u) << how;
    const Component& c = comps->front();
    EXPECT_LT(Distance(c.centroid_mm, centre), 0.5) << how;
    EXPECT_NEAR(c.volume_ml, truth_ml, 0.02 * truth_ml) << how;
  };
  auto nearest = ToSourceGrid(labels, in.geometry, g, pre->source_crop);
  ASSERT_TRUE(nearest.ok());
  check(**nearest, "nearest labels");
  auto linear = ProbabilitiesToSourceGrid(probability, in.geometry, g, pre->source_crop, 0.5f);
  ASSERT_TRUE(linear.ok());
  check(**linear, "linear probabilities");
}

// The nearest model voxel of every source voxel, computed the plain way (world position, then
// model index), against ToSourceGrid: its per-axis tables on axis-aligned grids (head first and
// feet first, a crop, a model grid that starts half a voxel off) and its walk on an oblique one.
TEST(SourceGridTest, LabelsMapBackToTheNearestModelVoxelOnAlignedAndObliqueGrids) {
  GeometryInfo model = AxialGrid(23, 19, 11, 1.9, 2.5);
  model.origin = {-20.3, -17.05, -90};
  std::vector<std::uint8_t> labels(model.VoxelCount());
  for (std::size_t n = 0; n < labels.size(); ++n)
    labels[n] = static_cast<std::uint8_t>(n % 251 + 1);

  GeometryInfo head_first = AxialGrid(61, 47, 37, 0.73, 0.8);
  GeometryInfo feet_first = head_first;
  feet_first.direction[1] = {0, -1, 0};
  feet_first.direction[2] = {0, 0, -1};
  feet_first.origin = {head_first.origin[0], -head_first.origin[1], -80};
  GeometryInfo oblique = head_first;
  const double c = std::cos(0.2), s = std::sin(0.2);
  oblique.direction[0] = {c, s, 0};
  oblique.direction[1] = {-s, c, 0};

  for (const GeometryInfo* source : {&head_first, &feet_first, &oblique}) {
    const IndexBox crop{{3, 2, 1}, {source->size[0] - 5, source->size[1] - 3, source->size[2] - 2}};
    auto mapped = ToSourceGrid(labels, model, *source, crop);
    ASSERT_TRUE(mapped.ok()) << mapped.status().ToString();
    const std::uint8_t* got = (*mapped)->GetBufferPointer();
    std::size_t inside = 0, mismatches = 0;
    for (int k = 0; k < source->size[2]; ++k) {
      for (int j = 0; j < source->size[1]; ++j) {
        for (int i = 0; i < source->size[0]; ++i) {
          std::uint8_t want = 0;
          const bool in_crop = i >= crop.begin[0] && i < crop.begin[0] + crop.size[0] &&
                               j >= crop.begin[1] && j < crop.begin[1] + crop.size[1] &&
                               k >= crop.begin[2] && k < crop.begin[2] + crop.size[2];
          const Vec3 m = model.WorldToIndex(source->IndexToWorld(i, j, k));
          std::array<long, 3> at{};
          bool in_model = true;
          for (int a = 0; a < 3; ++a) {
            in_model = in_model && m[a] >= -0.5 && m[a] < model.size[a] - 0.5;
            at[a] = std::clamp<long>(std::lround(m[a]), 0, model.size[a] - 1);
          }
          if (in_crop && in_model) {
            want =
                labels[(static_cast<std::size_t>(at[2]) * model.size[1] + at[1]) * model.size[0] +
                       at[0]];
            ++inside;
          }
          const std::size_t n =
              (static_cast<std::size_t>(k) * source->size[1] + j) * source->size[0] + i;
          mismatches += got[n] != want;
        }
      }
    }
    EXPECT_GT(inside, 10000u);  // the grids overlap: the comparison is not of empty masks
    EXPECT_EQ(mismatches, 0u);
  }
}

TEST(PreprocessTest, RejectsBadSpecs) {
  const GeometryInfo g = AxialGrid(10, 10, 10, 1, 1);
  CtVolume ct = SphereVolume(g, {0, 0, 0}, 1, 0);
  auto all = NewLabelImage(g, 1);
  PreprocessSpec spec;
  spec.spacing_mm[2] = 0;
  EXPECT_FALSE(Preprocess(ct, *all, spec).ok());
  spec = PreprocessSpec();
  spec.lung_window = {350, -150};
  EXPECT_FALSE(Preprocess(ct, *all, spec).ok());
}

}  // namespace
}  // namespace ctscreen::imaging

namespace ctscreen::imaging {
namespace {

// The separable path must give ITK's values: random HU, head-first and feet-first (mirrored x),
// a sub-box, a grid reaching beyond the source.
TEST(ResampleTest, SeparablePathMatchesItk) {
  for (bool feet_first : {false, true}) {
    GeometryInfo g = testing::AxialGrid(61, 47, 33, 0.73, 1.25);
    if (feet_first) {
      g.direction[0] = {-1, 0, 0};
      g.origin[0] = -g.origin[0];
    }
    CtVolume ct;
    ct.image = NewHuImage(g);
    std::uint32_t state = 12345;
    std::int16_t* p = ct.image->GetBufferPointer();
    for (std::size_t n = 0; n < g.VoxelCount(); ++n) {
      state = state * 1664525u + 1013904223u;
      p[n] = static_cast<std::int16_t>(static_cast<int>(state >> 20) - 2048);
    }
    for (const IndexBox& box : {IndexBox{{0, 0, 0}, g.size}, IndexBox{{7, 3, 5}, {30, 25, 20}}}) {
      GeometryInfo grid = ModelGridFor(g, box, {1, 1, 2.5});
      grid.size[0] += 4;  // reach past the source: outside is air in both
      auto fast = ResampleCt(*ct.image, grid, ResampleMethod::kAuto);
      auto itk = ResampleCt(*ct.image, grid, ResampleMethod::kItk);
      ASSERT_TRUE(fast.ok() && itk.ok());
      const float* a = (*fast)->GetBufferPointer();
      const float* b = (*itk)->GetBufferPointer();
      float worst = 0;
      for (std::size_t n = 0; n < grid.VoxelCount(); ++n)
        worst = std::max(worst, std::abs(a[n] - b[n]));
      EXPECT_LT(worst, 0.01f) << "feet_first " << feet_first << " box " << box.size[0];
    }
  }
}

}  // namespace
}  // namespace ctscreen::imaging
