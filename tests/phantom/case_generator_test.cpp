#include "ctscreen/phantom/case_generator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "ctscreen/phantom/anatomy.h"

namespace ctscreen::phantom {
namespace {

struct Stats {
  double sum = 0, sum2 = 0;
  std::size_t n = 0;
  void Add(double v) {
    sum += v;
    sum2 += v * v;
    ++n;
  }
  double Mean() const { return n ? sum / n : 0; }
  double Sd() const { return n > 1 ? std::sqrt(std::max(0.0, sum2 / n - Mean() * Mean())) : 0; }
};

TEST(CaseGeneratorTest, SameSeedGivesTheSameCaseAndAnotherSeedDoesNot) {
  PhantomCase a = GenerateCase(7, 3, CaseClass::kCovid, SizeMode::kSmall);
  PhantomCase b = GenerateCase(7, 3, CaseClass::kCovid, SizeMode::kSmall);
  EXPECT_EQ(a.hu.voxels, b.hu.voxels);
  EXPECT_EQ(a.lungs.voxels, b.lungs.voxels);
  EXPECT_EQ(a.lesions.voxels, b.lesions.voxels);
  ASSERT_EQ(a.lesion_truth.size(), b.lesion_truth.size());
  for (std::size_t n = 0; n < a.lesion_truth.size(); ++n) {
    EXPECT_EQ(a.lesion_truth[n].voxels, b.lesion_truth[n].voxels);
    EXPECT_EQ(a.lesion_truth[n].centroid_mm, b.lesion_truth[n].centroid_mm);
  }
  EXPECT_EQ(a.spec.acquisition.manufacturer, b.spec.acquisition.manufacturer);
  EXPECT_EQ(a.spec.geometry.origin, b.spec.geometry.origin);

  PhantomCase other_seed = GenerateCase(8, 3, CaseClass::kCovid, SizeMode::kSmall);
  EXPECT_NE(
      a.hu.voxels.size() == other_seed.hu.voxels.size() && a.hu.voxels == other_seed.hu.voxels,
      true);
  PhantomCase other_index = GenerateCase(7, 4, CaseClass::kCovid, SizeMode::kSmall);
  EXPECT_NE(a.spec.geometry.origin, other_index.spec.geometry.origin);
}

TEST(CaseGeneratorTest, TissuesHaveTheirHounsfieldRanges) {
  PhantomCase c = GenerateCase(21, 0, CaseClass::kNormal, SizeMode::kSmall);
  std::map<int, Stats> by_tissue;
  Stats lung_parenchyma;
  for (std::size_t n = 0; n < c.hu.voxels.size(); ++n) {
    std::uint8_t label = c.tissue.voxels[n];
    by_tissue[label & kTissueMask].Add(c.hu.voxels[n]);
    if ((label == kLungLeft || label == kLungRight)) lung_parenchyma.Add(c.hu.voxels[n]);
  }
  auto expect_mean = [&](int tissue, double lo, double hi, const char* name) {
    ASSERT_GT(by_tissue[tissue].n, 100u) << name;
    EXPECT_GE(by_tissue[tissue].Mean(), lo) << name;
    EXPECT_LE(by_tissue[tissue].Mean(), hi) << name;
  };
  expect_mean(kOutside, -1010, -975, "air");
  expect_mean(kFat, -120, -75, "fat");
  expect_mean(kMuscle, 30, 70, "muscle");
  expect_mean(kCorticalBone, 400, 1000, "cortical bone");
  expect_mean(kCancellousBone, 150, 320, "cancellous bone");
  expect_mean(kBlood, 30, 55, "blood");
  expect_mean(kLiver, 45, 70, "liver");
  expect_mean(kAirwayLumen, -1024, -950, "trachea");
  EXPECT_GE(lung_parenchyma.Mean(), -900);
  EXPECT_LE(lung_parenchyma.Mean(), -780);
  // Noise 10-40 HU, seen in the uniform air around the patient (clamping at -1024 narrows it).
  EXPECT_GE(by_tissue[kOutside].Sd(), 7.0);
  EXPECT_LE(by_tissue[kOutside].Sd(), 40.0);
  EXPECT_GE(c.spec.acquisition.noise_sd_hu, 10.0);
  EXPECT_LE(c.spec.acquisition.noise_sd_hu, 40.0);
}

TEST(CaseGeneratorTest, TruthVolumesAreVoxelCountsTimesVoxelVolume) {
  for (CaseClass cls : {CaseClass::kCovid, CaseClass::kOtherPneumonia, CaseClass::kNodule}) {
    PhantomCase c = GenerateCase(5, 1, cls, SizeMode::kSmall);
    const double voxel_ml = c.hu.geometry.VoxelVolumeMm3() / 1000.0;
    std::map<int, std::size_t> counts;
    std::size_t left = 0, right = 0;
    for (std::size_t n = 0; n < c.lesions.voxels.size(); ++n) {
      if (c.lesions.voxels[n]) {
        ++counts[c.lesions.voxels[n]];
        EXPECT_NE(c.lungs.voxels[n], 0) << "lesion voxel outside the lungs";
      }
      left += c.lungs.voxels[n] == kLeftLungLabel;
      right += c.lungs.voxels[n] == kRightLungLabel;
    }
    ASSERT_FALSE(c.lesion_truth.empty()) << CaseClassName(cls);
    EXPECT_EQ(counts.size(), c.lesion_truth.size());
    for (const LesionTruth& t : c.lesion_truth) {
      EXPECT_EQ(t.voxels, counts[t.id]);
      EXPECT_DOUBLE_EQ(t.volume_ml, counts[t.id] * voxel_ml);
    }
    EXPECT_DOUBLE_EQ(c.lung_volume_ml[0], left * voxel_ml);
    EXPECT_DOUBLE_EQ(c.lung_volume_ml[1], right * voxel_ml);
    EXPECT_GT(c.lung_volume_ml[0], 500);
    EXPECT_LT(c.lung_volume_ml[0], 5000);
    EXPECT_GT(c.lung_volume_ml[1], 500);
    EXPECT_LT(c.lung_volume_ml[1], 5000);
  }
}

TEST(CaseGeneratorTest, EachClassHasItsKindOfLesions) {
  for (int index = 0; index < 3; ++index) {
    PhantomCase covid = GenerateCase(99, index, CaseClass::kCovid, SizeMode::kSmall);
    std::set<std::string> lungs;
    ASSERT_GE(covid.lesion_truth.size(), 2u);
    EXPECT_LE(covid.lesion_truth.size(), 8u);
    for (const auto& t : covid.lesion_truth) {
      EXPECT_TRUE(t.covid_like);
      lungs.insert(t.lung);
      EXPECT_GE(t.nominal_diameter_mm, 10);
      EXPECT_LE(t.nominal_diameter_mm, 60);
    }
    EXPECT_EQ(lungs.size(), 2u) << "covid lesions are bilateral";

    PhantomCase small = GenerateCase(99, index, CaseClass::kCovidSmall, SizeMode::kSmall);
    ASSERT_FALSE(small.lesion_truth.empty());
    for (const auto& t : small.lesion_truth) {
      EXPECT_TRUE(t.covid_like);
      EXPECT_LT(t.nominal_diameter_mm, 10);
      // Equal-volume diameter on the voxels; coarse voxels may round it up a little.
      EXPECT_LT(t.diameter_mm, 10.5);
    }

    PhantomCase pneumonia = GenerateCase(99, index, CaseClass::kOtherPneumonia, SizeMode::kSmall);
    ASSERT_FALSE(pneumonia.lesion_truth.empty());
    std::set<std::string> sides;
    for (const auto& t : pneumonia.lesion_truth) {
      EXPECT_FALSE(t.covid_like);
      sides.insert(t.lung);
    }
    EXPECT_EQ(sides.size(), 1u) << "other pneumonia is unilateral";

    PhantomCase nodule = GenerateCase(99, index, CaseClass::kNodule, SizeMode::kSmall);
    ASSERT_GE(nodule.lesion_truth.size(), 1u);
    EXPECT_LE(nodule.lesion_truth.size(), 2u);
    for (const auto& t : nodule.lesion_truth) {
      EXPECT_FALSE(t.covid_like);
      EXPECT_GE(t.nominal_diameter_mm, 8);
      EXPECT_LE(t.nominal_diameter_mm, 40);
    }

    PhantomCase normal = GenerateCase(99, index, CaseClass::kNormal, SizeMode::kSmall);
    EXPECT_TRUE(normal.lesion_truth.empty());
    EXPECT_TRUE(std::all_of(normal.lesions.voxels.begin(), normal.lesions.voxels.end(),
                            [](std::uint8_t v) { return v == 0; }));
  }
}

TEST(CaseGeneratorTest, LesionsRaiseTheDensityOfTheLung) {
  PhantomCase covid = GenerateCase(3, 0, CaseClass::kCovid, SizeMode::kSmall);
  PhantomCase nodule = GenerateCase(3, 1, CaseClass::kNodule, SizeMode::kSmall);
  auto lesion_mean = [](const PhantomCase& c) {
    Stats s;
    for (std::size_t n = 0; n < c.hu.voxels.size(); ++n) {
      if (c.lesions.voxels[n]) s.Add(c.hu.voxels[n]);
    }
    return s.Mean();
  };
  // Ground glass: -700 to -300 HU, some consolidation; solid nodules near soft tissue.
  EXPECT_GT(lesion_mean(covid), -760);
  EXPECT_LT(lesion_mean(covid), -150);
  EXPECT_GT(lesion_mean(nodule), -250);
}

TEST(CaseGeneratorTest, GridFollowsTheSizeMode) {
  PhantomCase c = GenerateCase(1, 0, CaseClass::kNormal, SizeMode::kSmall);
  const Geometry& g = c.hu.geometry;
  EXPECT_EQ(g.size[0], 256);
  EXPECT_EQ(g.size[1], 256);
  EXPECT_GE(g.spacing[0], 1.1 - 1e-9);
  EXPECT_LE(g.spacing[0], 1.96 + 1e-9);
  EXPECT_GE(g.spacing[2], 0.625);
  EXPECT_LE(g.spacing[2], 10.0);
}

}  // namespace
}  // namespace ctscreen::phantom
