// One worker thread per listed device; each takes the next job from one shared queue, so a job
// runs on whichever device is free and a device runs one job at a time (a 3D U-Net++ pass
// fills a GPU's memory; two at once would only thrash).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/inference/device.h"

namespace ctscreen::inference {

class DeviceScheduler {
 public:
  // Refuses an unparseable, duplicated or unavailable device with the reason
  // ("cuda:0 requested but this build/machine has no CUDA").
  static core::Result<std::unique_ptr<DeviceScheduler>> Create(
      const std::vector<std::string>& devices, int cpu_threads);
  ~DeviceScheduler();  // finishes queued jobs, then joins the workers
  DeviceScheduler(const DeviceScheduler&) = delete;
  DeviceScheduler& operator=(const DeviceScheduler&) = delete;

  // Queues JOB, called as JOB(const Device&) on the worker of the device that takes it.
  template <typename F>
  auto Submit(F job) -> std::future<std::invoke_result_t<F, const Device&>> {
    using R = std::invoke_result_t<F, const Device&>;
    auto task = std::make_shared<std::packaged_task<R(const Device&)>>(std::move(job));
    std::future<R> future = task->get_future();
    Enqueue([task](const Device& device) { (*task)(device); });
    return future;
  }

  const std::vector<Device>& devices() const { return devices_; }

 private:
  DeviceScheduler(std::vector<Device> devices, int cpu_threads);
  void Enqueue(std::function<void(const Device&)> job);
  void WorkerLoop(const Device& device);

  const std::vector<Device> devices_;
  const int cpu_threads_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void(const Device&)>> queue_;  // guarded by mutex_
  bool stopping_ = false;                                 // guarded by mutex_
  std::vector<std::thread> workers_;                      // owned: joined in the destructor
};

}  // namespace ctscreen::inference
