#include "ctscreen/jobs/dispatcher.h"

#include <map>

#include "ctscreen/core/logging.h"

namespace ctscreen::jobs {

Dispatcher::Dispatcher(JobStore& store, std::vector<core::Destination> destinations,
                       RetryPolicy policy, DeliverySender& sender, const core::Clock& clock)
    : store_(store),
      destinations_(std::move(destinations)),
      policy_(policy),
      sender_(sender),
      clock_(clock) {}

Dispatcher::~Dispatcher() {
  Stop();
}

int Dispatcher::RunOnce() {
  auto log = core::Log("jobs");
  auto due = store_.DueDeliveries(clock_.Now(), 1000);
  if (!due.ok()) {
    log->error("outbox: {}", due.status().reason());
    return 0;
  }
  std::map<std::string, std::vector<Delivery>> by_destination;
  for (auto& d : *due) by_destination[d.destination].push_back(std::move(d));
  int attempted = 0;
  for (auto& [name, batch] : by_destination) {
    const core::Destination* destination = nullptr;
    for (const auto& d : destinations_) {
      if (d.name == name) destination = &d;
    }
    std::vector<SendResult> results;
    if (destination == nullptr) {
      results.assign(batch.size(), {SendResult::Kind::kRefused,
                                    "destination '" + name + "' is no longer configured"});
    } else {
      results = sender_.Send(*destination, batch);
      results.resize(batch.size(), {SendResult::Kind::kRetry, "no result from the sender"});
    }
    int sent = 0, retry = 0, refused = 0;
    std::string last_problem;
    for (size_t i = 0; i < batch.size(); ++i) {
      const Delivery& d = batch[i];
      const SendResult& r = results[i];
      const double now = clock_.Now();
      ++attempted;
      if (r.kind == SendResult::Kind::kSent) {
        store_.MarkDelivered(d.id, now);
        ++sent;
        continue;
      }
      last_problem = r.detail;
      const bool final =
          r.kind == SendResult::Kind::kRefused || d.attempts + 1 >= policy_.max_attempts;
      const double next = now + policy_.DelayAfter(d.attempts + 1);
      std::string error = r.detail;
      if (r.kind == SendResult::Kind::kRetry && final) {
        error += " (gave up after " + std::to_string(d.attempts + 1) +
                 " attempts; delivery.max_attempts)";
      }
      store_.MarkAttemptFailed(d.id, error, next, final, now);
      (final ? refused : retry)++;
    }
    if (retry + refused == 0) {
      log->info("delivered {} files to {}", sent, name);
    } else {
      log->warn("delivery to {}: {} sent, {} to retry, {} failed for good: {}", name, sent, retry,
                refused, last_problem);
    }
  }
  Settle();
  return attempted;
}

void Dispatcher::Settle() {
  auto sending = store_.ListJobs(JobState::kSending);
  if (!sending.ok()) return;
  for (const auto& job : *sending) {
    auto deliveries = store_.DeliveriesOf(job.id);
    if (!deliveries.ok()) continue;
    int pending = 0, failed = 0, sent = 0;
    std::string error;
    for (const auto& d : *deliveries) {
      if (d.state == DeliveryState::kPending) ++pending;
      if (d.state == DeliveryState::kSent) ++sent;
      if (d.state == DeliveryState::kFailed) {
        ++failed;
        error = d.destination + ": " + d.last_error;
      }
    }
    if (pending > 0) continue;
    const double now = clock_.Now();
    if (failed == 0) {
      store_.Transition(job.id, JobState::kSending, JobState::kSent,
                        "delivered " + std::to_string(sent) + " files", now);
    } else {
      store_.Transition(job.id, JobState::kSending, JobState::kFailed,
                        std::to_string(failed) + " of " + std::to_string(failed + sent) +
                            " deliveries failed; last: " + error,
                        now);
    }
  }
}

void Dispatcher::Start(double interval_s) {
  thread_ = std::thread([this, interval_s] {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      poked_ = false;
      lock.unlock();
      RunOnce();
      lock.lock();
      wake_.wait_for(lock, std::chrono::duration<double>(interval_s),
                     [this] { return stop_ || poked_; });
    }
  });
}

void Dispatcher::Stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Dispatcher::Poke() {
  {
    std::lock_guard lock(mutex_);
    poked_ = true;
  }
  wake_.notify_all();
}

}  // namespace ctscreen::jobs
