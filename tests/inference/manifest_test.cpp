#include "ctscreen/inference/manifest.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ctscreen/inference/untrained_bundle.h"

namespace ctscreen::inference {
namespace {

using nlohmann::json;

json Valid() {
  Manifest m = UntrainedManifest({});
  for (StageSpec* s : {&m.lung, &m.lesion, &m.classifier}) s->sha256 = std::string(64, 'a');
  return json::parse(ManifestToJson(m));
}

std::string Reason(const json& j) {
  core::Result<Manifest> m = ParseManifest(j.dump(), "b/manifest.json");
  EXPECT_FALSE(m.ok());
  return m.ok() ? "" : m.status().reason();
}

TEST(ManifestTest, RoundTrip) {
  core::Result<Manifest> m = ParseManifest(Valid().dump(), "b/manifest.json");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->name, "untrained-test-bundle");
  EXPECT_EQ(m->lesion.architecture, "unetpp3d");
  EXPECT_TRUE(m->lesion.params.deep_supervision);
  EXPECT_EQ(m->lung.window[0], -150.0);
  EXPECT_EQ(m->classifier.params.in_channels, 2);
  EXPECT_EQ(m->lung.patch_size_xyz, (std::array<int, 3>{32, 32, 16}));
  EXPECT_EQ(m->combine, Combine::kMax);
  EXPECT_EQ(ManifestToJson(*m), Valid().dump(2) + "\n");
}

TEST(ManifestTest, StemNormReadAndWrittenOnlyWhenOff) {
  json j = Valid();
  EXPECT_FALSE(j["stages"]["lesion"]["params"].contains("stem_norm"));  // bundles before it
  j["stages"]["lesion"]["params"]["stem_norm"] = false;
  core::Result<Manifest> m = ParseManifest(j.dump(), "b/manifest.json");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_FALSE(m->lesion.params.stem_norm);
  EXPECT_TRUE(m->lung.params.stem_norm);
  EXPECT_EQ(ManifestToJson(*m), j.dump(2) + "\n");
  j["stages"]["lung"]["params"]["stem_norm"] = "no";
  j["stages"]["classifier"]["params"]["stem_norm"] = false;  // a ResNet has no such stem
  std::string reason = Reason(j);
  EXPECT_NE(reason.find("stages.lung.params.stem_norm: must be true or false"), std::string::npos)
      << reason;
  EXPECT_NE(reason.find("stages.classifier.params.stem_norm: unknown field"), std::string::npos)
      << reason;
}

TEST(ManifestTest, ClassifierCropRuleReadAndWrittenOnlyWhenAtScale) {
  json j = Valid();
  EXPECT_FALSE(j["stages"]["classifier"].contains("crop"));  // bundles before it: lesion boxes
  core::Result<Manifest> plain = ParseManifest(j.dump(), "b/manifest.json");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->classifier.crop, CropRule::kLesionBox);
  j["stages"]["classifier"]["crop"] = "at_scale";
  core::Result<Manifest> m = ParseManifest(j.dump(), "b/manifest.json");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->classifier.crop, CropRule::kAtScale);
  EXPECT_EQ(ManifestToJson(*m), j.dump(2) + "\n");
  j["stages"]["classifier"]["crop"] = "lobe";
  j["stages"]["lesion"]["crop"] = "at_scale";  // segmentation stages cut no crops
  std::string reason = Reason(j);
  EXPECT_NE(reason.find("stages.classifier.crop: is 'lobe'; allowed: lesion_box, at_scale"),
            std::string::npos)
      << reason;
  EXPECT_NE(reason.find("stages.lesion.crop: unknown field"), std::string::npos) << reason;
}

TEST(ManifestTest, ForegroundThresholdReadAndWrittenOnlyWhenNotTheArgmax) {
  json j = Valid();
  EXPECT_FALSE(j["stages"]["lesion"].contains("foreground_threshold"));
  core::Result<Manifest> plain = ParseManifest(j.dump(), "b/manifest.json");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->lesion.foreground_threshold, 0.5);
  j["stages"]["lesion"]["foreground_threshold"] = 0.3;
  core::Result<Manifest> m = ParseManifest(j.dump(), "b/manifest.json");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->lesion.foreground_threshold, 0.3);
  EXPECT_EQ(ManifestToJson(*m), j.dump(2) + "\n");
  j["stages"]["lesion"]["foreground_threshold"] = 1.0;  // nothing would ever be foreground
  j["stages"]["classifier"]["foreground_threshold"] = 0.3;
  std::string reason = Reason(j);
  EXPECT_NE(reason.find("stages.lesion.foreground_threshold"), std::string::npos) << reason;
  EXPECT_NE(reason.find("stages.classifier.foreground_threshold: unknown field"), std::string::npos)
      << reason;
}

TEST(ManifestTest, LungStageMayBeCoarserThanTheModelGridNeverFiner) {
  json j = Valid();
  j["stages"]["lesion"]["input_spacing"] = json::array({1.0, 1.0, 2.5});
  j["stages"]["classifier"]["input_spacing"] = json::array({1.0, 1.0, 2.5});
  j["stages"]["lung"]["input_spacing"] = json::array({2.0, 2.0, 2.5});
  core::Result<Manifest> m = ParseManifest(j.dump(), "b/manifest.json");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->model_spacing_xyz(), (std::array<double, 3>{1.0, 1.0, 2.5}));

  j["stages"]["lung"]["input_spacing"] = json::array({2.0, 0.5, 2.5});
  std::string reason = Reason(j);
  EXPECT_NE(reason.find("stages.lung.input_spacing: must not be finer than "
                        "stages.lesion.input_spacing"),
            std::string::npos)
      << reason;
  j["stages"]["lung"]["input_spacing"] = json::array({2.0, 2.0, 2.5});
  j["stages"]["classifier"]["input_spacing"] = json::array({2.0, 2.0, 2.5});
  reason = Reason(j);
  EXPECT_NE(reason.find("stages.classifier.input_spacing: must equal stages.lesion.input_spacing"),
            std::string::npos)
      << reason;
}

TEST(ManifestTest, UnknownFieldRefused) {
  json j = Valid();
  j["stages"]["lung"]["overlapp"] = 0.5;
  std::string reason = Reason(j);
  EXPECT_NE(reason.find("b/manifest.json: stages.lung.overlapp: unknown field"), std::string::npos)
      << reason;
}

TEST(ManifestTest, MissingStageRefused) {
  json j = Valid();
  j["stages"].erase("classifier");
  EXPECT_NE(Reason(j).find("stages.classifier: missing"), std::string::npos);
}

TEST(ManifestTest, BadValuesEachNamed) {
  json j = Valid();
  j["case"]["combine"] = "median";
  j["stages"]["lesion"]["sha256"] = "xyz";
  j["stages"]["lung"]["window"] = json::array({350, -150});
  j["stages"]["lung"]["patch_size"] = json::array({30, 32, 16});  // depth 3 needs multiples of 4
  j["stages"]["classifier"]["output_classes"] = json::array({"a", "b"});
  j["stages"]["classifier"]["params"]["in_channels"] = 1;
  j["precision"] = json::array({"fp8"});
  std::string reason = Reason(j);
  for (const char* expected :
       {"case.combine", "stages.lesion.sha256", "stages.lung.window", "divisible by 4",
        "covid19_like", "CT crop and lesion mask", "fp8"}) {
    EXPECT_NE(reason.find(expected), std::string::npos) << expected << " not in: " << reason;
  }
}

// The lesion stage may take the lung stage's mask as a second channel; nothing else may take
// another input than the CT (and the classifier its lesion mask).
TEST(ManifestTest, OnlyTheLesionStageMayTakeTheLungMask) {
  json j = Valid();
  j["stages"]["lesion"]["params"]["in_channels"] = 2;
  auto m = ParseManifest(j.dump(), "manifest.json");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->lesion.params.in_channels, 2);
  j["stages"]["lesion"]["params"]["in_channels"] = 3;
  EXPECT_NE(Reason(j).find("stages.lesion.params.in_channels: must be 1 (CT) or 2"),
            std::string::npos);
  j = Valid();
  j["stages"]["lung"]["params"]["in_channels"] = 2;
  EXPECT_NE(Reason(j).find("stages.lung.params.in_channels: must be 1 (CT)"), std::string::npos);
}

TEST(ManifestTest, NativeArchitectureMustFitStage) {
  json j = Valid();
  j["stages"]["lesion"]["architecture"] = "unet3d";
  j["stages"]["lesion"]["params"].erase("deep_supervision");
  EXPECT_NE(Reason(j).find("the lesion stage's native model is unetpp3d"), std::string::npos);
}

TEST(ManifestTest, NotJson) {
  core::Result<Manifest> m = ParseManifest("{", "b/manifest.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().reason(), "b/manifest.json: not valid JSON");
}

}  // namespace
}  // namespace ctscreen::inference
