#include "ctscreen/inference/verdict.h"

#include <gtest/gtest.h>

namespace ctscreen::inference {
namespace {

VerdictRules Rules() {
  return VerdictRules{500.0, 0.5, 0.5};
}

TEST(VerdictTest, NoLungsIsNotAssessableNeverNegative) {
  // A head CT: no lungs and hence no lesions; calling it negative would falsely reassure.
  VerdictDecision d = DecideVerdict(12.0, {}, 0.0, Rules());
  EXPECT_EQ(d.verdict, Verdict::kNotAssessable);
  EXPECT_NE(d.reason.find("no lungs found in the series (is it a chest CT?)"), std::string::npos)
      << d.reason;
  EXPECT_NE(d.reason.find("500"), std::string::npos);
  // Lesions and a high probability do not rescue a series without lungs.
  EXPECT_EQ(DecideVerdict(499.0, {10.0}, 0.99, Rules()).verdict, Verdict::kNotAssessable);
}

TEST(VerdictTest, LungsWithoutLesionAboveMinimumIsNoLesion) {
  EXPECT_EQ(DecideVerdict(3000.0, {}, 0.0, Rules()).verdict, Verdict::kNoLesion);
  EXPECT_EQ(DecideVerdict(3000.0, {0.1, 0.49}, 0.9, Rules()).verdict, Verdict::kNoLesion);
  EXPECT_TRUE(DecideVerdict(3000.0, {}, 0.0, Rules()).reason.empty());
}

TEST(VerdictTest, ThresholdDecidesWithLesions) {
  EXPECT_EQ(DecideVerdict(500.0, {0.5}, 0.5, Rules()).verdict, Verdict::kCovid19Likely);
  EXPECT_EQ(DecideVerdict(3000.0, {2.0}, 0.4999, Rules()).verdict, Verdict::kCovid19Unlikely);
}

TEST(VerdictTest, Names) {
  EXPECT_STREQ(VerdictName(Verdict::kCovid19Likely), "covid19_likely");
  EXPECT_STREQ(VerdictName(Verdict::kCovid19Unlikely), "covid19_unlikely");
  EXPECT_STREQ(VerdictName(Verdict::kNoLesion), "no_lesion");
  EXPECT_STREQ(VerdictName(Verdict::kNotAssessable), "not_assessable");
  EXPECT_STREQ(LesionClassName(LesionClass::kCovid19Like), "covid19_like");
  EXPECT_STREQ(LesionClassName(LesionClass::kOther), "other");
}

TEST(CombineTest, Rules) {
  EXPECT_DOUBLE_EQ(CombineLesionProbabilities({}, Combine::kMax), 0.0);
  EXPECT_DOUBLE_EQ(CombineLesionProbabilities({0.2, 0.7, 0.4}, Combine::kMax), 0.7);
  EXPECT_DOUBLE_EQ(CombineLesionProbabilities({0.2, 0.6}, Combine::kMean), 0.4);
  EXPECT_NEAR(CombineLesionProbabilities({0.5, 0.5}, Combine::kNoisyOr), 0.75, 1e-12);
  EXPECT_FALSE(ParseCombine("median").ok());
  EXPECT_EQ(*ParseCombine("noisy_or"), Combine::kNoisyOr);
}

}  // namespace
}  // namespace ctscreen::inference
