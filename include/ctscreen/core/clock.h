// Wall-clock time behind an interface, so quiet periods and retries can be tested without
// sleeping.
#pragma once

#include <atomic>
#include <chrono>

namespace ctscreen::core {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since the Unix epoch.
  virtual double Now() const = 0;
};

class SystemClock : public Clock {
 public:
  double Now() const override {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

class FakeClock : public Clock {
 public:
  explicit FakeClock(double start = 1'000'000.0) : now_(start) {}
  double Now() const override { return now_; }
  void Advance(double seconds) { now_ = now_ + seconds; }

 private:
  std::atomic<double> now_;
};

}  // namespace ctscreen::core
