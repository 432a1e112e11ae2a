#include "ctscreen/inference/device.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include <cctype>
#include <thread>

namespace ctscreen::inference {

std::string Device::ToString() const {
  return kind == Kind::kCpu ? "cpu" : "cuda:" + std::to_string(index);
}

core::Result<Device> ParseDevice(const std::string& text) {
  Device device;
  if (text == "cpu") return device;
  const std::string prefix = "cuda:";
  if (text.rfind(prefix, 0) == 0 && text.size() > prefix.size() &&
      text.size() <= prefix.size() + 3) {
    std::string digits = text.substr(prefix.size());
    bool all_digits = true;
    for (char c : digits) all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
    if (all_digits) {
      device.kind = Device::Kind::kCuda;
      device.index = std::stoi(digits);
      return device;
    }
  }
  return core::Status(core::ErrorCode::kInvalidConfig,
                      "device '" + text + "' is not understood; allowed: cpu, cuda:N");
}

core::Status CheckDeviceAvailable(const Device& device) {
  if (!device.is_cuda()) return core::Status::Ok();
  if (!torch::cuda::is_available()) {
    return core::Status(core::ErrorCode::kInvalidConfig,
                        device.ToString() + " requested but this build/machine has no CUDA");
  }
  auto count = static_cast<int>(torch::cuda::device_count());
  if (device.index >= count) {
    return core::Status(core::ErrorCode::kInvalidConfig,
                        device.ToString() + " requested but this machine has " +
                            std::to_string(count) +
                            " CUDA device(s) (cuda:0 .. cuda:" + std::to_string(count - 1) + ")");
  }
  return core::Status::Ok();
}

void SetCpuThreads(int cpu_threads) {
  int threads =
      cpu_threads > 0 ? cpu_threads : static_cast<int>(std::thread::hardware_concurrency());
  at::set_num_threads(threads > 0 ? threads : 1);
}

}  // namespace ctscreen::inference
