#include "ctscreen/inference/screener_pool.h"

#include <algorithm>

#include "ctscreen/inference/device.h"

namespace ctscreen::inference {

core::Result<std::unique_ptr<ScreenerPool>> ScreenerPool::Create(
    const std::filesystem::path& bundle, const std::vector<std::string>& devices,
    const std::string& precision, int cpu_threads) {
  if (devices.empty()) {
    return core::Status(core::ErrorCode::kInvalidConfig,
                        "pipeline.devices is empty; list at least one ('cpu' or 'cuda:N')");
  }
  if (std::count(devices.begin(), devices.end(), "cpu") > 1) {
    return core::Status(core::ErrorCode::kInvalidConfig,
                        "device cpu is listed twice in pipeline.devices; its one worker already "
                        "uses every core it is given (pipeline.cpu_threads)");
  }
  std::unique_ptr<ScreenerPool> pool(new ScreenerPool());
  for (const std::string& device : devices) {
    core::Result<std::unique_ptr<Screener>> screener =
        Screener::Create(bundle, {device, precision});
    if (!screener.ok()) {
      return core::Status(screener.status().code(), "model bundle " + bundle.string() + " on " +
                                                        device + ": " + screener.status().reason());
    }
    pool->screeners_.push_back(std::move(*screener));
  }
  pool->devices_ = devices;
  pool->cpu_threads_ = cpu_threads;
  pool->busy_.assign(devices.size(), false);
  return pool;
}

core::Result<ScreenerPool::Lease> ScreenerPool::Acquire(const std::string& device) {
  if (std::find(devices_.begin(), devices_.end(), device) == devices_.end()) {
    return core::Status(core::ErrorCode::kInvalidArgument,
                        "device " + device + " is not in pipeline.devices");
  }
  SetCpuThreads(device == "cpu" ? cpu_threads_ : 1);
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    for (std::size_t slot = 0; slot < devices_.size(); ++slot) {
      if (devices_[slot] == device && !busy_[slot]) {
        busy_[slot] = true;
        return Lease(this, slot);
      }
    }
    freed_.wait(lock);
  }
}

void ScreenerPool::Release(std::size_t slot) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    busy_[slot] = false;
  }
  freed_.notify_all();
}

ScreenerPool::Lease::Lease(ScreenerPool* pool, std::size_t slot)
    : pool_(pool), slot_(slot), screener_(pool->screeners_[slot].get()) {}

ScreenerPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), slot_(other.slot_), screener_(other.screener_) {
  other.pool_ = nullptr;
}

ScreenerPool::Lease::~Lease() {
  if (pool_) pool_->Release(slot_);
}

}  // namespace ctscreen::inference
