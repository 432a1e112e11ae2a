// A short training run of a tiny model on one phantom case: the loss falls, a checkpoint
// resumes, and the bundle's manifest carries the weights' sha256.
#include "ctscreen/training/train.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "ctscreen/inference/manifest.h"
#include "ctscreen/phantom/phantom_set.h"
#include "process.h"

namespace ctscreen::training {
namespace {

namespace fs = std::filesystem;

class TrainTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / ("ctscreen_train_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    phantom::PhantomSetOptions options;
    options.out_dir = (root_ / "cases").string();
    options.seed = 77;
    options.cases = 1;
    options.size = phantom::SizeMode::kSmall;
    options.mix = {{phantom::CaseClass::kCovid, 1.0}};
    ASSERT_TRUE(phantom::GeneratePhantomSet(options, [](int, int) {}).ok());
  }
  static void TearDownTestSuite() { fs::remove_all(root_); }

  // Tiny: a unit test on one core, seconds per epoch.
  static inference::Manifest TinyManifest() {
    inference::Manifest m = DemoManifest();
    for (inference::StageSpec* s : {&m.lung, &m.lesion}) {
      s->params.base_width = 4;
      s->params.depth = 2;
      s->patch_size_xyz = {32, 32, 16};
    }
    m.classifier.params.base_width = 4;
    m.classifier.patch_size_xyz = {16, 16, 16};
    return m;
  }

  static TrainOptions Options(const std::string& stage, const fs::path& out) {
    TrainOptions o;
    o.data_dir = (root_ / "cases").string();
    o.out_dir = out.string();
    o.stage = stage;
    o.epochs = 3;
    o.steps_per_epoch = 8;
    o.lr = 3e-3;
    o.progress = false;
    o.manifest = TinyManifest();
    return o;
  }

  static fs::path root_;
};
fs::path TrainTest::root_;

TEST_F(TrainTest, LungLossFallsAndTheManifestNamesTheWeights) {
  const fs::path out = root_ / "bundle_lung";
  auto report = TrainStage(Options("lung", out));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->epoch_loss.size(), 3u);
  EXPECT_LT(report->epoch_loss.back(), report->epoch_loss.front());
  auto manifest = inference::ReadManifest(out);
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  EXPECT_EQ(manifest->name, "ctscreen-phantom-demo");
  EXPECT_TRUE(inference::VerifyStageFile(out, manifest->lung).ok());
  // Not trained yet: a placeholder the Screener refuses, not a file that looks valid.
  EXPECT_FALSE(inference::VerifyStageFile(out, manifest->lesion).ok());
}

TEST_F(TrainTest, ResumeContinuesAfterTheLastCheckpoint) {
  const fs::path out = root_ / "bundle_resume";
  TrainOptions o = Options("classifier", out);
  o.epochs = 2;
  ASSERT_TRUE(TrainStage(o).ok());
  o.epochs = 3;
  o.resume = true;
  auto report = TrainStage(o);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->epoch_loss.size(), 1u);  // only epoch 3 was left
  EXPECT_GT(report->samples, 0);
}

TEST_F(TrainTest, InitFromStartsFromAnotherBundlesWeights) {
  const fs::path first = root_ / "bundle_first";
  TrainOptions o = Options("lung", first);
  o.epochs = 2;
  auto scratch = TrainStage(o);
  ASSERT_TRUE(scratch.ok()) << scratch.status().ToString();

  // Same seed, so epoch 1 draws the same batches: only the starting weights differ.
  TrainOptions tuned = Options("lung", root_ / "bundle_tuned");
  tuned.epochs = 1;
  tuned.init_from = first.string();
  auto report = TrainStage(tuned);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_LT(report->epoch_loss.front(), scratch->epoch_loss.front());

  // Its lesion stage was never trained: nothing to start from.
  tuned = Options("lesion", root_ / "bundle_tuned_lesion");
  tuned.init_from = first.string();
  auto untrained = TrainStage(tuned);
  ASSERT_FALSE(untrained.ok());
  // A different width: refused, not loaded half.
  tuned = Options("lung", root_ / "bundle_wider");
  tuned.manifest->lung.params.base_width = 8;
  tuned.init_from = first.string();
  EXPECT_FALSE(TrainStage(tuned).ok());
  // The same widths with an unnormalised stem: all but the stem's new bias carried over.
  tuned = Options("lung", root_ / "bundle_plain_stem");
  tuned.epochs = 1;
  tuned.manifest->lung.params.stem_norm = false;
  tuned.init_from = first.string();
  auto plain = TrainStage(tuned);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->fresh_tensors, std::vector<std::string>{"enc0.0.bias"});
  // A level more: the shallower levels carry over, only the new level's tensors start fresh.
  tuned = Options("lung", root_ / "bundle_deeper");
  tuned.epochs = 1;
  tuned.manifest->lung.params.depth = 3;
  tuned.init_from = first.string();
  auto deeper = TrainStage(tuned);
  ASSERT_TRUE(deeper.ok()) << deeper.status().ToString();
  ASSERT_FALSE(deeper->fresh_tensors.empty());
  for (const std::string& name : deeper->fresh_tensors) {
    EXPECT_NE(name.rfind("enc0.", 0), 0u) << name;
    EXPECT_NE(name.rfind("enc1.", 0), 0u) << name;
  }
  EXPECT_NE(std::find_if(deeper->fresh_tensors.begin(), deeper->fresh_tensors.end(),
                         [](const std::string& n) { return n.rfind("enc2.", 0) == 0; }),
            deeper->fresh_tensors.end());
}

// The classifier mines what the bundle's segmentation finds on each case once; a second
// classifier run on the same segmentation reads it back, and new lesion weights mine anew.
TEST_F(TrainTest, ClassifierMinesEachSegmentationOnce) {
  const fs::path out = root_ / "bundle_mined";
  TrainOptions o = Options("lung", out);
  o.epochs = 1;
  o.steps_per_epoch = 2;  // what is mined is under test, not how well
  ASSERT_TRUE(TrainStage(o).ok());
  o.stage = "lesion";
  ASSERT_TRUE(TrainStage(o).ok());
  o.stage = "classifier";
  auto first = TrainStage(o);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->cases_mined, 1);
  auto again = TrainStage(o);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->cases_mined, 0);
  EXPECT_EQ(again->samples, first->samples);

  o.stage = "lesion";
  o.seed = 2;
  ASSERT_TRUE(TrainStage(o).ok());
  o.stage = "classifier";
  auto retrained = TrainStage(o);
  ASSERT_TRUE(retrained.ok()) << retrained.status().ToString();
  EXPECT_EQ(retrained->cases_mined, 1);
  int maps = 0;
  for (const auto& f : fs::directory_iterator(out / "checkpoints" / "found"))
    maps += f.is_regular_file();
  EXPECT_EQ(maps, 2);
}

// A lesion model that takes the lung mask as its second channel learns from the bundle's own
// lung stage's masks: without a trained lung stage it is refused with what to do; with one it
// trains, and the classifier mines with both.
TEST_F(TrainTest, LesionStageWithTheLungMaskNeedsTheLungStageFirst) {
  const fs::path out = root_ / "bundle_lung_context";
  TrainOptions o = Options("lesion", out);
  o.epochs = 1;
  o.steps_per_epoch = 2;  // the plumbing is under test, not how well it learns
  o.manifest->lesion.params.in_channels = 2;
  auto refused = TrainStage(o);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().reason().find("train the lung stage into"), std::string::npos)
      << refused.status().reason();
  o.stage = "lung";
  ASSERT_TRUE(TrainStage(o).ok());
  o.stage = "lesion";
  auto lesion = TrainStage(o);
  ASSERT_TRUE(lesion.ok()) << lesion.status().ToString();
  auto manifest = inference::ReadManifest(out);
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  EXPECT_EQ(manifest->lesion.params.in_channels, 2);
  EXPECT_TRUE(inference::VerifyStageFile(out, manifest->lesion).ok());
  o.stage = "classifier";
  auto classifier = TrainStage(o);
  ASSERT_TRUE(classifier.ok()) << classifier.status().ToString();
  EXPECT_EQ(classifier->cases_mined, 1);
}

// Hard negatives: once an epoch every negative is scored and the hardest quarter drawn from;
// the report keeps the top negative score of each rescoring. Nodules are negatives for certain
// (truth lesions only: this bundle has no lung or lesion stage to mine with).
TEST_F(TrainTest, HardNegativesAreRescoredEveryEpoch) {
  phantom::PhantomSetOptions nodules;
  nodules.out_dir = (root_ / "nodule_cases").string();
  nodules.seed = 78;
  nodules.cases = 1;
  nodules.size = phantom::SizeMode::kSmall;
  nodules.mix = {{phantom::CaseClass::kNodule, 1.0}};
  ASSERT_TRUE(phantom::GeneratePhantomSet(nodules, [](int, int) {}).ok());
  TrainOptions o = Options("classifier", root_ / "bundle_hard");
  o.data_dir = nodules.out_dir;
  o.epochs = 2;
  o.steps_per_epoch = 2;
  o.hard_negative_share = 0.5;
  auto hard = TrainStage(o);
  ASSERT_TRUE(hard.ok()) << hard.status().ToString();
  ASSERT_EQ(hard->hardest_negative.size(), 2u);
  for (double p : hard->hardest_negative) {
    EXPECT_GE(p, 0.0);
    EXPECT_LE(p, 1.0);
  }
  o.out_dir = (root_ / "bundle_plain").string();
  o.hard_negative_share = 0;
  auto plain = TrainStage(o);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_TRUE(plain->hardest_negative.empty());
}

TEST_F(TrainTest, RefusesAnUnknownStageAndAnEmptyFolder) {
  TrainOptions o = Options("heart", root_ / "x");
  EXPECT_FALSE(TrainStage(o).ok());
  o = Options("lung", root_ / "y");
  o.data_dir = (root_ / "no_such_folder").string();
  auto report = TrainStage(o);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().reason().find("not a folder"), std::string::npos);
}

// `ctscreen train` refuses a stage's option given to another stage, which it would otherwise
// ignore without a word, and a share outside [0, 1].
TEST(TrainCommandTest, RefusesAnOptionOfAnotherStage) {
  const std::string bin = ::ctscreen::testing::BinaryDir() + "/src/app/ctscreen train ";
  const std::pair<std::string, std::string> refused[] = {
      {"--stage lesion --lung-lesion-share 0.3", "--lung-lesion-share is for --stage lung"},
      {"--stage lung --hard-negatives 0.5", "--hard-negatives is for --stage classifier"},
      {"--stage lung --lung-lesion-share 1.5", "--lung-lesion-share needs a share in [0, 1]"},
  };
  for (const auto& [args, reason] : refused) {
    auto run = ::ctscreen::testing::RunCommand(bin + "--data /nonexistent --out /nonexistent " +
                                               args + " 2>&1");
    EXPECT_EQ(run.exit_code, 2) << args << "\n" << run.output;
    EXPECT_NE(run.output.find(reason), std::string::npos) << args << "\n" << run.output;
  }
}

}  // namespace
}  // namespace ctscreen::training
