// AUC and ROC on hand-checked examples.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace ctscreen::training
