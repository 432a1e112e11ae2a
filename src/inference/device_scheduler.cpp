#include "ctscreen/inference/device_scheduler.h"

#include <algorithm>

#include "ctscreen/core/logging.h"

namespace ctscreen::inference {

core::Result<std::unique_ptr<DeviceScheduler>> DeviceScheduler::Create(
    const std::vector<std::string>& names, int cpu_threads) {
  if (names.empty()) {
    return core::Status(core::ErrorCode::kInvalidConfig,
                        "pipeline.devices is empty; list at least one ('cpu' or 'cuda:N')");
  }
  std::vector<Device> devices;
  for (const std::string& name : names) {
    core::Result<Device> device = ParseDevice(name);
    if (!device.ok()) return device.status();
    if (std::find(devices.begin(), devices.end(), *device) != devices.end()) {
      return core::Status(core::ErrorCode::kInvalidConfig,
                          "device " + name + " is listed twice; each device gets one worker");
    }
    core::Status available = CheckDeviceAvailable(*device);
    if (!available.ok()) return available;
    devices.push_back(*device);
  }
  return std::unique_ptr<DeviceScheduler>(new DeviceScheduler(std::move(devices), cpu_threads));
}

DeviceScheduler::DeviceScheduler(std::vector<Device> devices, int cpu_threads)
    : devices_(std::move(devices)), cpu_threads_(cpu_threads) {
  for (const Device& device : devices_) {
    workers_.emplace_back([this, device] { WorkerLoop(device); });
  }
}

DeviceScheduler::~DeviceScheduler() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

void DeviceScheduler::Enqueue(std::function<void(const Device&)> job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void DeviceScheduler::WorkerLoop(const Device& device) {
  // CPU work of a CUDA worker is feeding the GPU; one thread does that.
  SetCpuThreads(device.is_cuda() ? 1 : cpu_threads_);
  core::Log("inference")->info("worker for {} started", device.ToString());
  for (;;) {
    std::function<void(const Device&)> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and every queued job has run
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job(device);  // a packaged_task: exceptions land in the job's future
  }
}

}  // namespace ctscreen::inference
