// Times one forward pass of the lesion U-Net++ on one patch, per configuration: the number
// that decides which bundle a CPU appliance can run and what a GPU buys. Prints Markdown rows
// for bench/RESULTS.md.
//
//   inference_bench [--device cpu|cuda:N] [--precision fp32|tf32|bf16|fp16] [--threads N]
//                   [--repeat N] [--full]
// --full adds the full-size patch (256, 256, 128) at base width 32 (~10+ GB on CPU).
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "ctscreen/inference/device.h"
#include "ctscreen/inference/nn/unetpp3d.h"

namespace {

using ctscreen::inference::nn::Norm;
using ctscreen::inference::nn::UNetPlusPlus3d;
using ctscreen::inference::nn::UNetPlusPlus3dOptions;

struct Config {
  const char* label;
  int base;
  int depth;
  std::int64_t x, y, z;
};

}  // namespace

int main(int argc, char** argv) {
  std::string device_name = "cpu", precision = "fp32";
  int threads = 0, repeat = 3;
  bool full = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--device" && i + 1 < argc)
      device_name = argv[++i];
    else if (a == "--precision" && i + 1 < argc)
      precision = argv[++i];
    else if (a == "--threads" && i + 1 < argc)
      threads = std::atoi(argv[++i]);
    else if (a == "--repeat" && i + 1 < argc)
      repeat = std::max(1, std::atoi(argv[++i]));
    else if (a == "--full")
      full = true;
    else {
      std::fprintf(stderr, "unknown argument %s\n", argv[i]);
      return 2;
    }
  }
  auto parsed = ctscreen::inference::ParseDevice(device_name);
  if (!parsed.ok() || !ctscreen::inference::CheckDeviceAvailable(*parsed).ok()) {
    std::fprintf(stderr, "%s\n",
                 parsed.ok() ? ctscreen::inference::CheckDeviceAvailable(*parsed).reason().c_str()
                             : parsed.status().reason().c_str());
    return 2;
  }
  torch::Device device =
      parsed->is_cuda() ? torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(parsed->index))
                        : torch::Device(torch::kCPU);
  torch::ScalarType dtype = precision == "bf16"   ? torch::kBFloat16
                            : precision == "fp16" ? torch::kHalf
                                                  : torch::kFloat;
  at::globalContext().setAllowTF32CuDNN(precision == "tf32");
  at::globalContext().setAllowTF32CuBLAS(precision == "tf32");
  at::globalContext().setBenchmarkCuDNN(true);
  ctscreen::inference::SetCpuThreads(threads);

  std::vector<Config> configs = {
      {"U-Net++ small", 8, 3, 64, 64, 32},
      {"U-Net++ medium", 16, 4, 128, 128, 64},
      {"U-Net++ full-size net, 1/8 patch", 32, 4, 128, 128, 64},
  };
  if (full) configs.push_back({"U-Net++ full-size", 32, 4, 256, 256, 128});

  std::printf("device %s, precision %s, %d CPU threads, median of %d after one warm-up\n\n",
              device_name.c_str(), precision.c_str(), at::get_num_threads(), repeat);
  std::printf("| model | base | depth | patch (x, y, z) | parameters | forward ms |\n");
  std::printf("|---|---|---|---|---|---|\n");
  c10::InferenceMode guard;
  for (const Config& c : configs) {
    torch::manual_seed(0);
    UNetPlusPlus3d net(UNetPlusPlus3dOptions{1, 2, c.base, c.depth, 320, Norm::kInstance, true});
    net->eval();
    net->to(device, dtype);
    std::int64_t parameters = 0;
    for (const auto& p : net->parameters()) parameters += p.numel();
    torch::Tensor x = torch::rand({1, 1, c.z, c.y, c.x}).to(device, dtype);
    std::vector<double> ms;
    for (int r = 0; r <= repeat; ++r) {
      auto start = std::chrono::steady_clock::now();
      // Reading one value back waits for the device to finish.
      net->forward(x).sum().item<float>();
      double elapsed =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      if (r > 0) ms.push_back(elapsed);
    }
    std::sort(ms.begin(), ms.end());
    std::printf("| %s | %d | %d | (%lld, %lld, %lld) | %.2fM | %.0f |\n", c.label, c.base, c.depth,
                static_cast<long long>(c.x), static_cast<long long>(c.y),
                static_cast<long long>(c.z), parameters / 1e6, ms[ms.size() / 2]);
    std::fflush(stdout);
  }
  return 0;
}
