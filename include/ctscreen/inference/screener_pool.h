// One screener per entry of pipeline.devices, so that every worker has its own: a GPU listed
// twice ([cuda:0, cuda:0]) gets two screeners, each running on its own CUDA stream, and one
// job's CPU work (reading, components, writing) overlaps the other's kernels. A worker borrows a
// free screener of its device for the length of one job.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/inference/screener.h"

namespace ctscreen::inference {

class ScreenerPool {
 public:
  // Loads the bundle once per listed device. Refuses an empty list, cpu listed twice (its one
  // worker already uses every core it is given), an unavailable device or a bundle that does
  // not load, with the reason.
  // CPU_THREADS (pipeline.cpu_threads, 0: every core) is what a CPU worker's jobs use.
  static core::Result<std::unique_ptr<ScreenerPool>> Create(const std::filesystem::path& bundle,
                                                            const std::vector<std::string>& devices,
                                                            const std::string& precision,
                                                            int cpu_threads);

  // A borrowed screener, given back when the lease ends.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Screener* operator->() const { return screener_; }
    Screener& operator*() const { return *screener_; }

   private:
    friend class ScreenerPool;
    Lease(ScreenerPool* pool, std::size_t slot);
    ScreenerPool* pool_;
    std::size_t slot_;
    Screener* screener_;
  };

  // Waits for a free screener of DEVICE (as written in the list) and sets the calling thread's
  // CPU threads for it: cpu_threads for the CPU, one for a GPU (its CPU work is feeding the
  // GPU). A device not in the list is refused with the reason.
  core::Result<Lease> Acquire(const std::string& device);

  const Manifest& manifest() const { return screeners_.front()->manifest(); }
  const std::vector<std::string>& devices() const { return devices_; }

 private:
  ScreenerPool() = default;
  void Release(std::size_t slot);

  std::vector<std::string> devices_;
  int cpu_threads_ = 0;
  std::vector<std::unique_ptr<Screener>> screeners_;  // one per entry of devices_
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<bool> busy_;  // guarded by mutex_
};

}  // namespace ctscreen::inference
