// AUC and ROC on hand-checked examples.
#include <gtest/gtest.h>

#include "ctscreen/imaging/ct_volume.h"
#include "ctscreen/training/evaluation.h"

namespace ctscreen::training {
namespace {

TEST(MetricsTest, AucOfPerfectReversedAndTiedScores) {
  EXPECT_DOUBLE_EQ(Auc({0.9, 0.8, 0.2, 0.1}, {true, true, false, false}), 1.0);
  EXPECT_DOUBLE_EQ(Auc({0.1, 0.2, 0.8, 0.9}, {true, true, false, false}), 0.0);
  EXPECT_DOUBLE_EQ(Auc({0.5, 0.5}, {true, false}), 0.5);
  // One of four positive-negative pairs is misordered.
  EXPECT_DOUBLE_EQ(Auc({0.9, 0.3, 0.4, 0.1}, {true, true, false, false}), 0.75);
}

TEST(MetricsTest, RocRunsFromOriginToOneOne) {
  const std::vector<RocPoint> roc = RocCurve({0.9, 0.3, 0.4, 0.1}, {true, true, false, false});
  ASSERT_GE(roc.size(), 3u);
  EXPECT_DOUBLE_EQ(roc.front().fpr, 0.0);
  EXPECT_DOUBLE_EQ(roc.front().tpr, 0.0);
  EXPECT_DOUBLE_EQ(roc.back().fpr, 1.0);
  EXPECT_DOUBLE_EQ(roc.back().tpr, 1.0);
  for (std::size_t i = 1; i < roc.size(); ++i) {
    EXPECT_GE(roc[i].fpr, roc[i - 1].fpr);
    EXPECT_GE(roc[i].tpr, roc[i - 1].tpr);
  }
}

TEST(MetricsTest, SvgAndMarkdownNameTheNumbers) {
  EvaluationReport r;
  r.bundle_name = "b";
  r.bundle_version = "1";
  r.auc = 0.875;
  r.roc = RocCurve({0.9, 0.1}, {true, false});
  EXPECT_NE(RocSvg(r).find("AUC 0.875"), std::string::npos);
  EXPECT_NE(EvaluationMarkdown(r, "note").find("| case AUC (COVID-19 vs not) | 0.991 | 0.875 |"),
            std::string::npos);
}

// The analysis writes its masks in the series' slice order; a phantom's truth may run the other
// way along z. The same voxels stored mirrored must still overlap completely (evaluate once
// compared them index by index and reported a lung Dice of 0.62 for a perfect segmentation).
TEST(MetricsTest, CompareMasksFollowsGeometryNotStorageOrder) {
  imaging::GeometryInfo up;
  up.size = {4, 3, 5};
  up.spacing = {1.5, 1.5, 2.5};
  up.origin = {-10, 20, -100};
  imaging::GeometryInfo down = up;
  down.direction[2] = {0, 0, -1};
  down.origin[2] = up.origin[2] + (up.size[2] - 1) * up.spacing[2];
  auto truth = imaging::NewLabelImage(up, 0);
  auto found = imaging::NewLabelImage(down, 0);
  auto set = [](imaging::LabelImage& image, int x, int y, int z) {
    image.SetPixel({{x, y, z}}, 1);
  };
  // An asymmetric shape in the bottom two slices of the truth, i.e. the top two of `found`.
  for (int z = 0; z < 2; ++z) {
    for (int x = 0; x < 3; ++x) {
      set(*truth, x, 1, z);
      set(*found, x, 1, up.size[2] - 1 - z);
    }
  }
  auto same = CompareMasks(*truth, *found);
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ(same->truth, 6u);
  EXPECT_EQ(same->found, 6u);
  EXPECT_EQ(same->both, 6u);
  EXPECT_DOUBLE_EQ(same->Dice(), 1.0);

  auto twice = CompareMasks(*truth, *truth);  // identical grids: a plain comparison
  ASSERT_TRUE(twice.ok());
  EXPECT_DOUBLE_EQ(twice->Dice(), 1.0);

  imaging::GeometryInfo other = up;
  other.size = {4, 3, 6};
  EXPECT_FALSE(CompareMasks(*truth, *imaging::NewLabelImage(other, 0)).ok());
}

// Three truth lesions, one of them found by a single voxel, one missed; two found lesions, one
// of them on no truth lesion. The found map is stored mirrored along z, as CompareMasks' is.
TEST(MetricsTest, MatchLesionsCountsDetectedAndFalseFindings) {
  imaging::GeometryInfo up;
  up.size = {6, 4, 5};
  up.spacing = {1.0, 1.0, 2.5};
  imaging::GeometryInfo down = up;
  down.direction[2] = {0, 0, -1};
  down.origin[2] = up.origin[2] + (up.size[2] - 1) * up.spacing[2];
  auto truth = imaging::NewLabelImage(up, 0);
  auto found = imaging::NewLabelImage(down, 0);
  const int last = up.size[2] - 1;
  for (int x = 0; x < 3; ++x) truth->SetPixel({{x, 0, 0}}, 1);  // a lesion of 3 voxels
  truth->SetPixel({{5, 3, 4}}, 2);                              // a 1-voxel opacity
  truth->SetPixel({{0, 3, 2}}, 7);                              // ids need not be dense
  found->SetPixel({{2, 0, last - 0}}, 1);  // one voxel of truth lesion 1 is enough
  found->SetPixel({{3, 0, last - 0}}, 1);  // the rest of the finding lies beside it
  found->SetPixel({{5, 0, last - 4}}, 2);  // on no truth lesion: a false finding
  MaskOverlap overlap;
  auto d = MatchLesions(*truth, *found, &overlap);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  // The voxel counts of the same pass are CompareMasks' (evaluate takes Dice from them).
  auto compared = CompareMasks(*truth, *found);
  ASSERT_TRUE(compared.ok());
  EXPECT_EQ(overlap.truth, compared->truth);
  EXPECT_EQ(overlap.found, compared->found);
  EXPECT_EQ(overlap.both, compared->both);
  EXPECT_EQ(overlap.both, 1u);
  EXPECT_EQ(d->truth, 3);
  EXPECT_EQ(d->detected, 1);
  EXPECT_EQ(d->found, 2);
  EXPECT_EQ(d->false_findings, 1);

  // Without the mirroring the single found voxel of lesion 1 would sit in the wrong slice.
  auto none = MatchLesions(*truth, *imaging::NewLabelImage(up, 0));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->detected, 0);
  EXPECT_EQ(none->found, 0);

  EvaluationReport r;
  ClassDetection k;
  k.truth_class = "covid_small";
  k.cases = 2;
  k.lesions = *d;
  k.lesion_dice = 0.25;
  k.lesion_cases = 2;
  k.lowest_probability = 0.001;
  k.highest_probability = 0.036;
  r.by_class.push_back(k);
  EXPECT_NE(EvaluationMarkdown(r, "").find(
                "| covid_small | 2 | 1 of 3 | 2 | 1 | 0.5 | 0.250 | 0.001-0.036 |"),
            std::string::npos);
}

// Per class: a Dice mean over the cases that have lesions only (a normal case has no Dice, not
// a Dice of 0), the lesion counts summed, and the range of the case probabilities.
TEST(MetricsTest, ClassSummaryAveragesDiceOverCasesWithLesions) {
  auto score = [](const char* cls, double p, double dice, int truth, int detected) {
    CaseScore c;
    c.truth_class = cls;
    c.probability = p;
    c.lesion_dice = dice;
    c.detection.truth = truth;
    c.detection.detected = detected;
    return c;
  };
  const std::vector<CaseScore> cases = {
      score("covid", 0.99, 0.8, 3, 3), score("normal", 0.2, -1, 0, 0),
      score("covid", 0.97, 0.6, 2, 1), score("normal", 0.05, -1, 0, 0),
      score("nodule", 0.3, 0.0, 1, 0),
  };
  const std::vector<ClassDetection> k = SummariseByClass(cases);
  ASSERT_EQ(k.size(), 3u);
  EXPECT_EQ(k[0].truth_class, "covid");  // order of first appearance
  EXPECT_EQ(k[0].cases, 2);
  EXPECT_EQ(k[0].lesion_cases, 2);
  EXPECT_NEAR(k[0].lesion_dice, 0.7, 1e-12);
  EXPECT_EQ(k[0].lesions.truth, 5);
  EXPECT_EQ(k[0].lesions.detected, 4);
  EXPECT_DOUBLE_EQ(k[0].lowest_probability, 0.97);
  EXPECT_DOUBLE_EQ(k[0].highest_probability, 0.99);
  EXPECT_EQ(k[1].truth_class, "normal");
  EXPECT_EQ(k[1].lesion_cases, 0);
  EXPECT_LT(k[1].lesion_dice, 0);  // no Dice, shown as a dash
  EXPECT_DOUBLE_EQ(k[1].lowest_probability, 0.05);
  EXPECT_DOUBLE_EQ(k[1].highest_probability, 0.2);
  EXPECT_EQ(k[2].lesion_cases, 1);  // a missed lesion is a Dice of 0, counted
  EXPECT_DOUBLE_EQ(k[2].lesion_dice, 0.0);
}

}  // namespace
}  // namespace ctscreen::training
