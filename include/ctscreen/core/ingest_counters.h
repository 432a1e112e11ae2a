// Counters the listener keeps and the metrics endpoint reads: plain atomics, so counting on
// the hot path costs no lock.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "ctscreen/core/status.h"

namespace ctscreen::core {

struct IngestCounters {
  static constexpr int kCodes = static_cast<int>(ErrorCode::kInternal) + 1;

  std::atomic<std::int64_t> associations{0};
  std::atomic<std::int64_t> associations_refused{0};
  std::atomic<std::int64_t> instances_stored{0};
  std::atomic<std::int64_t> bytes_stored{0};
  // Refused instances by reason (index: ErrorCode).
  std::array<std::atomic<std::int64_t>, kCodes> instances_refused{};

  void Refused(ErrorCode code) { instances_refused[static_cast<int>(code)]++; }
};

}  // namespace ctscreen::core
