// Whether the listener takes new associations. An operator closes it (AdminService
// PauseIntake) to drain the appliance for maintenance; the PACS sees a transient refusal and
// retries later, so nothing is lost.
#pragma once

#include <mutex>
#include <string>

namespace ctscreen::core {

class IntakeGate {
 public:
  void Pause(const std::string& reason) {
    std::lock_guard lock(mutex_);
    paused_ = true;
    reason_ = reason;
  }
  void Resume() {
    std::lock_guard lock(mutex_);
    paused_ = false;
    reason_.clear();
  }
  // True (and the reason) while paused.
  bool IsPaused(std::string* reason = nullptr) const {
    std::lock_guard lock(mutex_);
    if (reason) *reason = reason_;
    return paused_;
  }

 private:
  mutable std::mutex mutex_;
  bool paused_ = false;  // guarded by mutex_
  std::string reason_;   // guarded by mutex_
};

}  // namespace ctscreen::core
