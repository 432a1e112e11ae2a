#include "ctscreen/inference/untrained_bundle.h"

#include <torch/torch.h>

#include <fstream>

#include "ctscreen/inference/nn/stage_model.h"

namespace ctscreen::inference {
namespace {

StageSpec Segmentation(const std::string& name, const std::string& architecture,
                       const UntrainedBundleOptions& o) {
  StageSpec s;
  s.name = name;
  s.format = ModelFormat::kNative;
  s.architecture = architecture;
  s.params.in_channels = 1;
  s.params.base_width =
      name == "lung" && o.lung_base_width > 0 ? o.lung_base_width : o.seg_base_width;
  s.params.depth = o.seg_depth;
  s.params.max_width = 320;
  s.params.norm = o.seg_norm;
  s.params.deep_supervision = architecture == "unetpp3d";
  s.file = name + ".pt";
  s.input_spacing_xyz = {1.0, 1.0, 2.5};
  s.window =
      name == "lung" ? std::array<double, 2>{-150.0, 350.0} : std::array<double, 2>{-1024.0, 350.0};
  s.patch_size_xyz = o.seg_patch_xyz;
  s.overlap = 0.5;
  s.batch_size = 2;
  s.output_classes = {"background", name};
  return s;
}

}  // namespace

Manifest UntrainedManifest(const UntrainedBundleOptions& o) {
  Manifest m;
  m.name = "untrained-test-bundle";
  m.version = "0.0.0-untrained";
  m.description =
      "UNTRAINED: random weights for testing the inference machinery only. Its verdicts mean "
      "nothing; never use it to screen patients.";
  m.precision = {"fp32", "tf32", "bf16", "fp16"};
  m.min_lesion_volume_ml = 0.05;
  m.min_lung_volume_ml = o.min_lung_volume_ml;
  m.threshold = 0.5;
  m.combine = Combine::kMax;
  m.lung = Segmentation("lung", "unet3d", o);
  m.lesion = Segmentation("lesion", "unetpp3d", o);
  StageSpec& c = m.classifier;
  c.name = "classifier";
  c.format = ModelFormat::kNative;
  c.architecture = "resnet3d";
  c.params.in_channels = 2;
  c.params.base_width = o.classifier_base_width;
  c.params.depth = o.classifier_depth;
  c.file = "classifier.pt";
  c.input_spacing_xyz = {1.0, 1.0, 2.5};
  c.window = {-1024.0, 350.0};
  c.patch_size_xyz = o.classifier_patch_xyz;
  c.batch_size = 8;
  c.output_classes = {"other", "covid19_like"};
  return m;
}

core::Status WriteUntrainedBundle(const std::filesystem::path& dir,
                                  const UntrainedBundleOptions& options) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return core::Status(core::ErrorCode::kIoError,
                        dir.string() + ": cannot create: " + error.message());
  }
  torch::manual_seed(options.seed);
  Manifest m = UntrainedManifest(options);
  for (StageSpec* stage : {&m.lung, &m.lesion, &m.classifier}) {
    core::Result<nn::NativeNet> net = nn::BuildNativeNet(*stage);
    if (!net.ok()) return net.status();
    core::Status saved = nn::SaveNativeWeights(*net, dir / stage->file);
    if (!saved.ok()) return saved;
    core::Result<std::string> sha = Sha256OfFile(dir / stage->file);
    if (!sha.ok()) return sha.status();
    stage->sha256 = *sha;
  }
  std::ofstream out(dir / "manifest.json");
  out << ManifestToJson(m);
  out.close();
  if (!out) {
    return core::Status(core::ErrorCode::kIoError,
                        (dir / "manifest.json").string() + ": write failed");
  }
  return core::Status::Ok();
}

}  // namespace ctscreen::inference
