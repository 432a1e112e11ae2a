// The outbox: durable rows, one per result file and destination, that the dispatcher works
// through. Rows survive restarts, so nothing queued for a PACS is forgotten; each row keeps its
// attempts, next attempt time and last error, so IT can see why a delivery is late.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ctscreen/core/status.h"

namespace ctscreen::jobs {

enum class DeliveryState { kPending, kSent, kFailed };
const char* DeliveryStateName(DeliveryState state);

struct Delivery {
  std::int64_t id = 0;
  std::int64_t job_id = 0;
  std::string destination;  // name from `destinations`
  std::string path;         // the DICOM file to send
  std::string sop_class_uid;
  std::string sop_instance_uid;
  DeliveryState state = DeliveryState::kPending;
  int attempts = 0;
  double next_attempt_at = 0;
  std::string last_error;
};

// Exponential backoff: the wait before attempt `attempts + 1` after `attempts` failures.
struct RetryPolicy {
  int max_attempts = 100;
  double initial_backoff_s = 5;
  double max_backoff_s = 300;
  double DelayAfter(int failures) const;
};

}  // namespace ctscreen::jobs
