#include "ctscreen/inference/nn/stage_model.h"

#include <gtest/gtest.h>

#include <fstream>

#include "ctscreen/inference/untrained_bundle.h"
#include "test_dir.h"

namespace ctscreen::inference::nn {
namespace {

TEST(StageModelTest, UntrainedBundleSaysSoAndLoads) {
  TestDir dir;
  ASSERT_TRUE(WriteUntrainedBundle(dir.path(), {}).ok());
  core::Result<Manifest> m = ReadManifest(dir.path());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_NE(m->description.find("UNTRAINED"), std::string::npos);
  for (const StageSpec* s : {&m->lung, &m->lesion, &m->classifier}) {
    auto model = LoadStageModel(dir.path(), *s, torch::kCPU, Precision::kFp32);
    EXPECT_TRUE(model.ok()) << model.status().ToString();
  }
}

TEST(StageModelTest, WeightsRoundTripExactly) {
  TestDir dir;
  Manifest m = UntrainedManifest({});
  torch::manual_seed(7);
  core::Result<NativeNet> saved = BuildNativeNet(m.lesion);
  ASSERT_TRUE(saved.ok());
  ASSERT_TRUE(SaveNativeWeights(*saved, dir.path() / "lesion.pt").ok());
  core::Result<NativeNet> loaded = BuildNativeNet(m.lesion);  // other random weights
  ASSERT_TRUE(LoadNativeWeights(dir.path() / "lesion.pt", &*loaded).ok());
  saved->module->eval();
  loaded->module->eval();
  torch::NoGradGuard no_grad;
  torch::Tensor x = torch::rand({1, 1, 16, 32, 32});
  EXPECT_TRUE(torch::equal(saved->forward(x), loaded->forward(x)));
}

TEST(StageModelTest, TamperedWeightsRefused) {
  TestDir dir;
  ASSERT_TRUE(WriteUntrainedBundle(dir.path(), {}).ok());
  core::Result<Manifest> m = ReadManifest(dir.path());
  ASSERT_TRUE(m.ok());
  {
    std::fstream f(dir.path() / "lesion.pt", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(200);
    f.put('\x5a');
  }
  auto model = LoadStageModel(dir.path(), m->lesion, torch::kCPU, Precision::kFp32);
  ASSERT_FALSE(model.ok());
  const std::string& reason = model.status().reason();
  EXPECT_EQ(reason.rfind("lesion.pt: sha256 is ", 0), 0u) << reason;
  EXPECT_NE(
      reason.find(", manifest says " + m->lesion.sha256 + "; the bundle was altered or damaged"),
      std::string::npos)
      << reason;
}

TEST(StageModelTest, MissingWeightsFileRefused) {
  TestDir dir;
  ASSERT_TRUE(WriteUntrainedBundle(dir.path(), {}).ok());
  std::filesystem::remove(dir.path() / "classifier.pt");
  core::Result<Manifest> m = ReadManifest(dir.path());
  auto model = LoadStageModel(dir.path(), m->classifier, torch::kCPU, Precision::kFp32);
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().reason().find("classifier.pt: cannot be read"), std::string::npos);
}

// Weights with a genuine sha256 but made for other parameters (a manifest edited after the
// weights were exported) must not load silently.
TEST(StageModelTest, WeightsOfAnotherWidthRefused) {
  TestDir dir;
  Manifest m = UntrainedManifest({});
  StageSpec wider = m.lung;
  wider.params.base_width = 8;
  core::Result<NativeNet> net = BuildNativeNet(wider);
  ASSERT_TRUE(SaveNativeWeights(*net, dir.path() / "lung.pt").ok());
  m.lung.sha256 = *Sha256OfFile(dir.path() / "lung.pt");
  auto model = LoadStageModel(dir.path(), m.lung, torch::kCPU, Precision::kFp32);
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().reason().find("lung.pt: weights do not fit the architecture"),
            std::string::npos)
      << model.status().reason();
}

// Fine-tuning into an unnormalised stem: every tensor that still fits is taken, the stem's new
// bias starts fresh, and nothing is taken from weights of another kind.
TEST(StageModelTest, MatchingWeightsLoadIntoAChangedStem) {
  TestDir dir;
  Manifest m = UntrainedManifest({});
  torch::manual_seed(7);
  core::Result<NativeNet> saved = BuildNativeNet(m.lesion);
  ASSERT_TRUE(SaveNativeWeights(*saved, dir.path() / "lesion.pt").ok());
  StageSpec plain = m.lesion;
  plain.params.stem_norm = false;
  core::Result<NativeNet> loaded = BuildNativeNet(plain);
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(LoadNativeWeights(dir.path() / "lesion.pt", &*loaded).ok());
  std::vector<std::string> fresh;
  ASSERT_TRUE(LoadMatchingWeights(dir.path() / "lesion.pt", &*loaded, &fresh).ok());
  EXPECT_EQ(fresh, std::vector<std::string>{"x0_0.0.bias"});
  auto a = saved->module->named_parameters(), b = loaded->module->named_parameters();
  for (const auto& p : b) {
    if (p.key() == "x0_0.0.bias") continue;
    EXPECT_TRUE(torch::equal(a[p.key()], p.value())) << p.key();
  }
  core::Result<NativeNet> classifier = BuildNativeNet(m.classifier);
  ASSERT_TRUE(SaveNativeWeights(*classifier, dir.path() / "classifier.pt").ok());
  core::Status st = LoadMatchingWeights(dir.path() / "classifier.pt", &*loaded, &fresh);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.reason(), "classifier.pt: no tensor matches the architecture");
}

TEST(StageModelTest, TorchScriptFormatLoadsThroughTheSameInterface) {
  TestDir dir;
  // Not a TorchScript archive: refused with a reason rather than a crash.
  Manifest m = UntrainedManifest({});
  m.lung.format = ModelFormat::kTorchScript;
  m.lung.file = "lung.ts";
  { std::ofstream(dir.path() / "lung.ts") << "not a model"; }
  m.lung.sha256 = *Sha256OfFile(dir.path() / "lung.ts");
  auto model = LoadStageModel(dir.path(), m.lung, torch::kCPU, Precision::kFp32);
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().reason().find("lung.ts: not a loadable TorchScript model"),
            std::string::npos)
      << model.status().reason();
}

}  // namespace
}  // namespace ctscreen::inference::nn
