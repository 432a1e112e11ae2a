#include "ctscreen/inference/nn/stage_model.h"

#include <ATen/Context.h>

#include <map>
#include <sstream>

#include "ctscreen/inference/nn/resnet3d.h"
#include "ctscreen/inference/nn/unet3d.h"
#include "ctscreen/inference/nn/unetpp3d.h"
#include "torchscript_model.h"

namespace ctscreen::inference::nn {
namespace {

class NativeStageModel : public StageModel {
 public:
  NativeStageModel(NativeNet net, torch::Device device, torch::ScalarType dtype)
      : net_(std::move(net)), device_(device), dtype_(dtype) {}

  torch::Tensor Forward(const torch::Tensor& input) override {
    c10::InferenceMode guard;
    return net_.forward(input.to(device_, dtype_)).to(torch::kFloat);
  }

 private:
  NativeNet net_;
  torch::Device device_;
  torch::ScalarType dtype_;
};

std::string Shape(const torch::Tensor& t) {
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

// Names and shapes of every parameter and buffer: torch::load replaces a tensor of another
// shape without complaint, so the comparison has to be ours.
std::map<std::string, std::string> Signature(const torch::nn::Module& module) {
  std::map<std::string, std::string> out;
  for (const auto& p : module.named_parameters()) out[p.key()] = Shape(p.value());
  for (const auto& b : module.named_buffers()) out[b.key()] = Shape(b.value());
  return out;
}

}  // namespace

void ApplyCudaSwitches(Precision precision) {
  // Process-wide: pipeline.precision is one setting for every CUDA device.
  at::globalContext().setAllowTF32CuDNN(precision == Precision::kTf32);
  at::globalContext().setAllowTF32CuBLAS(precision == Precision::kTf32);
  // Fixed patch shapes: cuDNN times its kernels once per shape and keeps the fastest.
  at::globalContext().setBenchmarkCuDNN(true);
}

torch::ScalarType ComputeDtype(Precision precision) {
  switch (precision) {
    case Precision::kBf16:
      return torch::kBFloat16;
    case Precision::kFp16:
      return torch::kHalf;
    default:
      return torch::kFloat;
  }
}

core::Result<NativeNet> BuildNativeNet(const StageSpec& stage) {
  const ModelParams& p = stage.params;
  const int classes = static_cast<int>(stage.output_classes.size());
  const Norm norm = p.norm == "batch" ? Norm::kBatch : Norm::kInstance;
  NativeNet net;
  if (stage.architecture == "unet3d") {
    UNet3d model(UNet3dOptions{p.in_channels, classes, p.base_width, p.depth, p.max_width, norm,
                               p.stem_norm});
    net.module = model.ptr();
    net.forward = [model](const torch::Tensor& x) mutable { return model->forward(x); };
  } else if (stage.architecture == "unetpp3d") {
    UNetPlusPlus3d model(UNetPlusPlus3dOptions{p.in_channels, classes, p.base_width, p.depth,
                                               p.max_width, norm, p.deep_supervision, p.stem_norm});
    net.module = model.ptr();
    net.forward = [model](const torch::Tensor& x) mutable { return model->forward(x); };
  } else if (stage.architecture == "resnet3d") {
    std::vector<int> blocks = ResNetBlocksForDepth(p.depth);
    if (blocks.empty()) {
      return core::Status(
          core::ErrorCode::kInvalidConfig,
          "resnet3d depth " + std::to_string(p.depth) + " is not built; allowed: 14, 26, 50, 101");
    }
    ResNet3d model(ResNet3dOptions{p.in_channels, classes, p.base_width, blocks});
    net.module = model.ptr();
    net.forward = [model](const torch::Tensor& x) mutable { return model->forward(x); };
  } else {
    return core::Status(core::ErrorCode::kInvalidConfig,
                        "architecture '" + stage.architecture +
                            "' is not in the native library (unet3d, unetpp3d, resnet3d)");
  }
  return net;
}

core::Status SaveNativeWeights(const NativeNet& net, const std::filesystem::path& file) {
  try {
    torch::save(net.module, file.string());
  } catch (const std::exception& e) {
    return core::Status(core::ErrorCode::kIoError, file.string() + ": saving weights failed: " +
                                                       std::string(e.what()).substr(0, 300));
  }
  return core::Status::Ok();
}

core::Status LoadNativeWeights(const std::filesystem::path& file, NativeNet* net) {
  const std::map<std::string, std::string> expected = Signature(*net->module);
  try {
    torch::load(net->module, file.string());
  } catch (const std::exception& e) {
    // The first line of a c10::Error says what; the rest is a C++ backtrace.
    std::string what = e.what();
    return core::Status(core::ErrorCode::kInvalidConfig,
                        file.filename().string() + ": weights do not fit the architecture: " +
                            what.substr(0, what.find('\n')));
  }
  const std::map<std::string, std::string> loaded = Signature(*net->module);
  for (const auto& [name, shape] : expected) {
    if (loaded.at(name) != shape) {
      return core::Status(core::ErrorCode::kInvalidConfig,
                          file.filename().string() +
                              ": weights do not fit the architecture: " + name + " is " +
                              loaded.at(name) + ", the manifest's parameters give " + shape);
    }
  }
  return core::Status::Ok();
}

namespace {

// STORED is a conv weight (out, in, ...) that TARGET has with more input channels.
bool WidensInputs(const torch::Tensor& stored, const torch::Tensor& target) {
  if (stored.dim() < 3 || stored.dim() != target.dim() || stored.size(1) >= target.size(1)) {
    return false;
  }
  for (std::int64_t d = 0; d < stored.dim(); ++d) {
    if (d != 1 && stored.size(d) != target.size(d)) return false;
  }
  return true;
}

// torch::save nests each submodule's tensors in an archive of its own under the child's name.
void CopyMatching(torch::nn::Module& module, torch::serialize::InputArchive& archive,
                  const std::string& prefix, int* copied, std::vector<std::string>* fresh) {
  torch::NoGradGuard no_grad;
  auto copy = [&](const std::string& key, torch::Tensor& target, bool is_buffer) {
    torch::Tensor stored;
    if (!archive.try_read(key, stored, is_buffer)) {
      fresh->push_back(prefix + key);
    } else if (stored.sizes() == target.sizes()) {
      target.copy_(stored);
      ++*copied;
    } else if (WidensInputs(stored, target)) {
      // A stem given another input channel: the old channels' weights carry over and the new
      // ones start at 0, so the model starts out as it was and learns what the new input adds.
      target.zero_();
      target.narrow(1, 0, stored.size(1)).copy_(stored);
      ++*copied;
      fresh->push_back(prefix + key + " (input channels " + std::to_string(stored.size(1)) +
                       " -> " + std::to_string(target.size(1)) + ", the new ones at 0)");
    } else {
      fresh->push_back(prefix + key);
    }
  };
  for (auto& p : module.named_parameters(/*recurse=*/false)) copy(p.key(), p.value(), false);
  for (auto& b : module.named_buffers(/*recurse=*/false)) copy(b.key(), b.value(), true);
  for (auto& child : module.named_children()) {
    torch::serialize::InputArchive child_archive;
    if (archive.try_read(child.key(), child_archive)) {
      CopyMatching(*child.value(), child_archive, prefix + child.key() + ".", copied, fresh);
    } else {
      for (const auto& p : child.value()->named_parameters()) {
        fresh->push_back(prefix + child.key() + "." + p.key());
      }
      for (const auto& b : child.value()->named_buffers()) {
        fresh->push_back(prefix + child.key() + "." + b.key());
      }
    }
  }
}

}  // namespace

core::Status LoadMatchingWeights(const std::filesystem::path& file, NativeNet* net,
                                 std::vector<std::string>* fresh) {
  fresh->clear();
  int copied = 0;
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(file.string());
    CopyMatching(*net->module, archive, "", &copied, fresh);
  } catch (const std::exception& e) {
    std::string what = e.what();
    return core::Status(
        core::ErrorCode::kInvalidConfig,
        file.filename().string() + ": not readable as weights: " + what.substr(0, what.find('\n')));
  }
  if (copied == 0) {
    return core::Status(core::ErrorCode::kInvalidConfig,
                        file.filename().string() + ": no tensor matches the architecture");
  }
  return core::Status::Ok();
}

core::Result<std::unique_ptr<StageModel>> LoadStageModel(const std::filesystem::path& bundle_dir,
                                                         const StageSpec& stage,
                                                         const torch::Device& device,
                                                         Precision precision) {
  core::Status verified = VerifyStageFile(bundle_dir, stage);
  if (!verified.ok()) return verified;
  const std::filesystem::path file = bundle_dir / stage.file;
  if (device.is_cuda()) ApplyCudaSwitches(precision);
  if (stage.format == ModelFormat::kTorchScript) {
    return LoadTorchScriptModel(file, device, precision);
  }
  core::Result<NativeNet> net = BuildNativeNet(stage);
  if (!net.ok()) return net.status();
  core::Status loaded = LoadNativeWeights(file, &*net);
  if (!loaded.ok()) return loaded;
  try {
    net->module->eval();
    net->module->to(device, ComputeDtype(precision));
  } catch (const std::exception& e) {
    std::string what = e.what();
    return core::Status(
        core::ErrorCode::kInternal,
        stage.file + ": moving to " + device.str() + " failed: " + what.substr(0, what.find('\n')));
  }
  return std::unique_ptr<StageModel>(
      new NativeStageModel(std::move(*net), device, ComputeDtype(precision)));
}

}  // namespace ctscreen::inference::nn
