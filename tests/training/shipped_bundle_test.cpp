// The shipped bundle (models/default) on a small fixed phantom set it never saw in training.
// The floors are what the bundle measured on this set when it was trained (see
// models/default/README.md), less a margin for floating-point differences between machines;
// a retrained bundle that does worse fails here.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "ctscreen/phantom/phantom_set.h"
#include "ctscreen/training/evaluation.h"
#include "process.h"

namespace ctscreen::training {
namespace {

namespace fs = std::filesystem;

// Measured on this set when the bundle was trained (models/default/README.md, round 12; round
// 5's stages segment it the same): lung Dice 0.941, lesion Dice 0.412 (mean over the two cases
// with lesions: COVID-19 0.823, the consolidation 0.001), AUC 1.000, sensitivity 1.000 (1 of 1),
// specificity 1.000 (2 of 2; the pneumonia 0.026, the normal case without lesions, the COVID-19
// case 0.998, threshold 0.85).
// The floors are those less about 0.01 for floating-point differences between machines and
// thread counts: far from the seed paper's lesion Dice 0.754, they are what this bundle
// achieved, so a worse retraining fails here. (Round 3 measured 0.352 here, COVID-19 0.705.)
// Round 16 (the lung stage at 4 mm, twelfth session) passes the same floors.
constexpr double kLungDiceFloor = 0.93;
constexpr double kLesionDiceFloor = 0.40;
constexpr double kAucFloor = 0.99;
constexpr double kSensitivityFloor = 1.0;
constexpr double kSpecificityFloor = 1.0;

TEST(ShippedBundleTest, MeetsItsMeasuredFloorsOnThreeHeldOutPhantoms) {
  const fs::path root =
      fs::temp_directory_path() / ("ctscreen_shipped_" + std::to_string(::getpid()));
  fs::remove_all(root);
  phantom::PhantomSetOptions options;
  options.out_dir = (root / "cases").string();
  options.seed = 9090;  // training used seed 1000, the committed evaluation seed 2000
  options.cases = 3;
  options.size = phantom::SizeMode::kSmall;
  // As `ctscreen phantom --mix covid=1,other_pneumonia=1,normal=1` (the set measured).
  auto mix = phantom::ParseMix("covid=1,other_pneumonia=1,normal=1");
  ASSERT_TRUE(mix.ok());
  options.mix = *mix;
  ASSERT_TRUE(phantom::GeneratePhantomSet(options, [](int, int) {}).ok());

  EvaluateOptions eval;
  eval.cases_dir = options.out_dir;
  eval.bundle_dir = ::ctscreen::testing::SourceDir() + "/models/default";
  auto report = Evaluate(eval);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->cases.size(), 3u);
  EXPECT_EQ(report->positives, 1);
  EXPECT_GE(report->lung_dice, kLungDiceFloor);
  EXPECT_GE(report->lesion_dice, kLesionDiceFloor);
  EXPECT_GE(report->auc, kAucFloor);
  EXPECT_GE(report->sensitivity, kSensitivityFloor);
  EXPECT_GE(report->specificity, kSpecificityFloor);
  fs::remove_all(root);
}

}  // namespace
}  // namespace ctscreen::training
