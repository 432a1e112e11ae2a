// Private to the inference module: TorchScript loading lives in its own translation unit
// (torch/script.h is the heaviest header of all), and the precision helpers both loaders share.
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <memory>

#include "ctscreen/core/status.h"
#include "ctscreen/inference/nn/stage_model.h"
#include "ctscreen/inference/precision.h"

namespace ctscreen::inference::nn {

// The dtype weights and activations use: half types for bf16/fp16, float otherwise (TF32 is
// a float32 mode of the CUDA kernels, switched on globally).
torch::ScalarType ComputeDtype(Precision precision);

// TF32 on or off for PRECISION and cuDNN's kernel timing on, for every CUDA model loaded.
void ApplyCudaSwitches(Precision precision);

core::Result<std::unique_ptr<StageModel>> LoadTorchScriptModel(const std::filesystem::path& file,
                                                               const torch::Device& device,
                                                               Precision precision);

}  // namespace ctscreen::inference::nn
