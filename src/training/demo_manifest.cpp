#include "ctscreen/training/train.h"

namespace ctscreen::training {
namespace {

constexpr std::array<double, 3> kSpacing{2.0, 2.0, 2.5};

inference::StageSpec Segmentation(const std::string& name, const std::string& architecture) {
  inference::StageSpec s;
  s.name = name;
  s.format = inference::ModelFormat::kNative;
  s.architecture = architecture;
  s.params.in_channels = 1;
  s.params.base_width = 8;
  s.params.depth = 3;
  s.params.max_width = 64;
  s.params.norm = "instance";
  s.params.deep_supervision = architecture == "unetpp3d";
  s.file = name + ".pt";
  s.sha256 = std::string(64, '0');
  s.input_spacing_xyz = kSpacing;
  // Not the seed method's lung window [-150, 350]: it maps lung parenchyma (-850 HU in the
  // phantoms) and the air around the body to the same 0, and a model that sees 13 cm at a
  // time then took outside air for lung. [-1024, 350] keeps the 150 HU between them.
  s.window = {-1024.0, 350.0};
  s.patch_size_xyz = {64, 64, 32};
  // Inference only (training draws patches): 0.25 took about twice the time on two cores.
  s.overlap = 0.1;
  s.batch_size = 2;
  s.output_classes = {"background", name};
  return s;
}

}  // namespace

inference::Manifest DemoManifest() {
  inference::Manifest m;
  m.name = "ctscreen-phantom-demo";
  m.version = "0.1.0";
  m.description =
      "Trained only on synthetic phantoms (ctscreen phantom), for demonstration. NOT for "
      "clinical use: it has never seen a patient's CT and its verdicts mean nothing for one.";
  m.precision = {"fp32", "tf32"};
  m.min_lesion_volume_ml = 0.1;
  m.min_lung_volume_ml = 500.0;
  m.threshold = 0.5;
  m.combine = inference::Combine::kMax;
  m.lung = Segmentation("lung", "unet3d");
  m.lesion = Segmentation("lesion", "unetpp3d");
  // Lesion edges fall between windows more often than the lungs' do: the lesion stage pays
  // for 0.25 (it runs on the lung box only).
  m.lesion.overlap = 0.25;
  // The level of the HU is what tells ground glass from lung; an instance norm on the first
  // conv hides it (blocks.h). Measured on the validation phantoms: lesion Dice 0.362 -> 0.437.
  m.lesion.params.stem_norm = false;
  inference::StageSpec& c = m.classifier;
  c.name = "classifier";
  c.format = inference::ModelFormat::kNative;
  c.architecture = "resnet3d";
  c.params.in_channels = 2;
  c.params.base_width = 8;
  c.params.depth = 14;
  c.file = "classifier.pt";
  c.sha256 = std::string(64, '0');
  c.input_spacing_xyz = kSpacing;
  c.window = {-1024.0, 350.0};
  c.patch_size_xyz = {32, 32, 32};
  c.batch_size = 8;
  c.output_classes = {"other", "covid19_like"};
  return m;
}

}  // namespace ctscreen::training
