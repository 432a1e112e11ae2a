#include "torchscript_model.h"

#include <torch/script.h>

namespace ctscreen::inference::nn {
namespace {

class TorchScriptStageModel : public StageModel {
 public:
  TorchScriptStageModel(torch::jit::Module module, torch::Device device, torch::ScalarType dtype)
      : module_(std::move(module)), device_(device), dtype_(dtype) {}

  torch::Tensor Forward(const torch::Tensor& input) override {
    c10::InferenceMode guard;
    torch::IValue out = module_.forward({input.to(device_, dtype_)});
    // Models trained with deep supervision often return every head, full resolution first.
    if (out.isTuple()) out = out.toTupleRef().elements().at(0);
    if (out.isList()) out = out.toListRef().at(0);
    return out.toTensor().to(torch::kFloat);
  }

 private:
  torch::jit::Module module_;
  torch::Device device_;
  torch::ScalarType dtype_;
};

}  // namespace

core::Result<std::unique_ptr<StageModel>> LoadTorchScriptModel(const std::filesystem::path& file,
                                                               const torch::Device& device,
                                                               Precision precision) {
  try {
    torch::jit::Module module = torch::jit::load(file.string(), device);
    module.eval();
    module.to(ComputeDtype(precision));
    return std::unique_ptr<StageModel>(
        new TorchScriptStageModel(std::move(module), device, ComputeDtype(precision)));
  } catch (const std::exception& e) {
    std::string what = e.what();
    return core::Status(core::ErrorCode::kInvalidConfig,
                        file.filename().string() + ": not a loadable TorchScript model: " +
                            what.substr(0, what.find('\n')));
  }
}

}  // namespace ctscreen::inference::nn
