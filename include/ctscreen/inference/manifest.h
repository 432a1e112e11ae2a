// A model bundle's manifest.json: what each stage's model is, how its input is prepared, and
// how the case is decided. Sizes and spacings are written (x, y, z) as in the paper; tensors
// inside are (N, C, D, H, W) = (..., z, y, x).
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/inference/verdict.h"

namespace ctscreen::inference {

enum class ModelFormat { kNative, kTorchScript };

// How the classifier's crop around a lesion is cut (nn/lesion_crop.h): the lesion's own box
// resized to the patch (the seed method's ROI, "lesion_box"), or the patch's field of view at
// the model grid's scale, shrunk only for lesions larger than it ("at_scale").
enum class CropRule { kLesionBox, kAtScale };

// Parameters of the project's own architectures (format native). Those that an architecture
// does not use are refused when present, so a typo cannot silently change nothing.
struct ModelParams {
  int in_channels = 1;
  int base_width = 16;
  int depth = 4;                  // U-Net levels; ResNet: 14, 26, 50 or 101 (bottleneck layers)
  int max_width = 320;            // U-Net channel cap
  std::string norm = "instance";  // instance | batch (U-Nets)
  bool deep_supervision = false;  // U-Net++
  bool stem_norm = true;          // U-Nets: false leaves the first conv unnormalised
};

struct StageSpec {
  std::string name;  // lung | lesion | classifier
  ModelFormat format = ModelFormat::kNative;
  std::string architecture;  // unet3d | unetpp3d | resnet3d (informative for torchscript)
  ModelParams params;
  std::string file;    // relative to the bundle folder
  std::string sha256;  // lower-case hex
  std::array<double, 3> input_spacing_xyz{1.0, 1.0, 2.5};
  std::array<double, 2> window{-1024.0, 350.0};  // HU mapped to [0, 1]
  std::array<int, 3> patch_size_xyz{0, 0, 0};    // classifier: the ROI crop is resized to it
  double overlap = 0.5;                          // segmentation stages
  // Segmentation stages: a voxel is foreground from this probability on (0.5: the argmax).
  double foreground_threshold = 0.5;
  CropRule crop = CropRule::kLesionBox;  // classifier
  int batch_size = 1;
  std::vector<std::string> output_classes;
};

struct Manifest {
  std::string name;
  std::string version;
  std::string description;
  std::vector<std::string> precision{"fp32"};  // allowed on CUDA, most preferred first
  double min_lesion_volume_ml = 0.1;
  double min_lung_volume_ml = 500.0;
  double threshold = 0.5;
  Combine combine = Combine::kMax;
  StageSpec lung;
  StageSpec lesion;
  StageSpec classifier;

  // The grid the pipeline resamples a study to: the lesion stage's, which the classifier shares
  // (its crops are cut from it). The lung stage may be coarser; the screener resamples for it.
  const std::array<double, 3>& model_spacing_xyz() const { return lesion.input_spacing_xyz; }
};

// SOURCE names the text in reasons ("models/default/manifest.json: ...").
core::Result<Manifest> ParseManifest(const std::string& json_text, const std::string& source);
core::Result<Manifest> ReadManifest(const std::filesystem::path& bundle_dir);
std::string ManifestToJson(const Manifest& manifest);

core::Result<std::string> Sha256OfFile(const std::filesystem::path& file);
// "lesion.pt: sha256 is X, manifest says Y; the bundle was altered or damaged".
core::Status VerifyStageFile(const std::filesystem::path& bundle_dir, const StageSpec& stage);

}  // namespace ctscreen::inference
