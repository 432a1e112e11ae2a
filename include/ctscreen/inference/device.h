// Devices named in pipeline.devices: "cpu", "cuda:0", "cuda:1", ...
#pragma once

#include <string>

#include "ctscreen/core/status.h"

namespace ctscreen::inference {

struct Device {
  enum class Kind { kCpu, kCuda };
  Kind kind = Kind::kCpu;
  int index = 0;  // CUDA ordinal

  bool is_cuda() const { return kind == Kind::kCuda; }
  std::string ToString() const;
  bool operator==(const Device& other) const {
    return kind == other.kind && (kind == Kind::kCpu || index == other.index);
  }
};

// Syntax only: "cpu" or "cuda:N".
core::Result<Device> ParseDevice(const std::string& text);

// Whether this build and machine can run on DEVICE, with the reason when not.
core::Status CheckDeviceAvailable(const Device& device);

// Threads for CPU work in the calling thread: CPU_THREADS, or one per hardware core when 0.
// LibTorch's thread count is per thread (OpenMP), so each worker calls this for itself.
void SetCpuThreads(int cpu_threads);

}  // namespace ctscreen::inference
