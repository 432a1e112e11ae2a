// One stage's model behind one interface, whether built by this library (native) or exported
// from PyTorch (torchscript).
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/inference/manifest.h"
#include "ctscreen/inference/precision.h"

namespace ctscreen::inference::nn {

// A native architecture: the module (for weights) and its forward pass.
struct NativeNet {
  std::shared_ptr<torch::nn::Module> module;
  std::function<torch::Tensor(const torch::Tensor&)> forward;
};

// Builds STAGE's native architecture with fresh (random) weights.
core::Result<NativeNet> BuildNativeNet(const StageSpec& stage);

core::Status SaveNativeWeights(const NativeNet& net, const std::filesystem::path& file);
// Refuses weights whose tensors do not match the architecture's names and shapes.
core::Status LoadNativeWeights(const std::filesystem::path& file, NativeNet* net);
// Fine-tuning into a changed architecture: copies each tensor of FILE whose name and shape
// match one of NET's, leaves the others as NET has them and lists those in FRESH. A conv
// weight NET has with more input channels (a stem given a second input) keeps FILE's channels
// and starts the new ones at 0, and is listed in FRESH with a note. Refuses a
// file that matches nothing (another stage's weights, or not weights at all).
core::Status LoadMatchingWeights(const std::filesystem::path& file, NativeNet* net,
                                 std::vector<std::string>* fresh);

class StageModel {
 public:
  virtual ~StageModel() = default;
  // Takes float input on any device; returns float logits on the model's device.
  virtual torch::Tensor Forward(const torch::Tensor& input) = 0;
};

// Verifies the file's sha256, then loads it for inference (eval mode, no grad) on DEVICE at
// PRECISION.
core::Result<std::unique_ptr<StageModel>> LoadStageModel(const std::filesystem::path& bundle_dir,
                                                         const StageSpec& stage,
                                                         const torch::Device& device,
                                                         Precision precision);

}  // namespace ctscreen::inference::nn
