// The dispatcher: works through the outbox, one association per destination and pass, with
// retries and exponential backoff; settles jobs in `sending` as `sent` or `failed`. It knows
// jobs and destinations, not DICOM: files go out through a DeliverySender.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ctscreen/core/clock.h"
#include "ctscreen/core/config.h"
#include "ctscreen/jobs/job_store.h"

namespace ctscreen::jobs {

struct SendResult {
  enum class Kind { kSent, kRetry, kRefused };
  Kind kind = Kind::kRetry;
  std::string detail;  // why, for the outbox row and the log
};

class DeliverySender {
 public:
  virtual ~DeliverySender() = default;
  // Sends the files to one destination; one result per delivery, in the same order.
  virtual std::vector<SendResult> Send(const core::Destination& destination,
                                       const std::vector<Delivery>& batch) = 0;
};

class Dispatcher {
 public:
  Dispatcher(JobStore& store, std::vector<core::Destination> destinations, RetryPolicy policy,
             DeliverySender& sender, const core::Clock& clock);
  ~Dispatcher();

  // One pass: sends every due delivery, then settles jobs in `sending`. Returns how many
  // deliveries were attempted.
  int RunOnce();
  // Runs passes on a thread of its own, so sending never blocks processing.
  void Start(double interval_s = 0.5);
  void Stop();
  // Wakes the thread early (new deliveries were queued).
  void Poke();

 private:
  void Settle();

  JobStore& store_;
  const std::vector<core::Destination> destinations_;
  const RetryPolicy policy_;
  DeliverySender& sender_;
  const core::Clock& clock_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;   // guarded by mutex_
  bool poked_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace ctscreen::jobs
