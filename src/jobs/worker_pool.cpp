#include "ctscreen/jobs/worker_pool.h"

#include "ctscreen/core/logging.h"

namespace ctscreen::jobs {

WorkerPool::WorkerPool(JobStore& store, JobRunner& runner, std::vector<std::string> devices,
                       std::vector<core::Destination> destinations, const core::Clock& clock,
                       std::function<void()> on_outputs)
    : store_(store),
      runner_(runner),
      devices_(std::move(devices)),
      destinations_(std::move(destinations)),
      clock_(clock),
      on_outputs_(std::move(on_outputs)),
      running_(devices_.size(), 0) {}

WorkerPool::~WorkerPool() {
  Stop();
}

bool WorkerPool::RunOne(const std::string& device) {
  std::size_t slot = devices_.size();
  {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < devices_.size() && slot == devices_.size(); ++i) {
      if (devices_[i] == device && running_[i] == 0) slot = i;
    }
  }
  return slot < devices_.size() && RunOneOn(slot);
}

bool WorkerPool::RunOneOn(std::size_t slot) {
  auto log = core::Log("jobs");
  const std::string& device = devices_[slot];
  for (;;) {
    JobFilter oldest;
    oldest.states = {JobState::kQueued};
    oldest.limit = 1;
    auto queued = store_.ListJobs(oldest);
    if (!queued.ok() || queued->empty()) return false;
    const JobRecord& job = (*queued)[0];
    // Another worker may take it first; then try the next one.
    if (!store_
             .Transition(job.id, JobState::kQueued, JobState::kProcessing, "on " + device,
                         clock_.Now())
             .ok()) {
      continue;
    }
    {
      std::lock_guard lock(mutex_);
      running_[slot] = job.id;
    }
    log->info("job {}: screening series {} revision {} on {} (worker {})", job.id, job.series_uid,
              job.revision, device, slot);
    JobOutcome outcome = runner_.Run(job, device);
    Finish(job, outcome);
    {
      std::lock_guard lock(mutex_);
      running_[slot] = 0;
    }
    return true;
  }
}

void WorkerPool::Finish(const JobRecord& job, const JobOutcome& outcome) {
  auto log = core::Log("jobs");
  const double now = clock_.Now();
  if (outcome.kind == JobOutcome::Kind::kRejected) {
    store_.Transition(job.id, JobState::kProcessing, JobState::kRejected, outcome.reason, now);
    log->warn("job {}: rejected: {}", job.id, outcome.reason);
    return;
  }
  if (outcome.kind == JobOutcome::Kind::kFailed) {
    store_.Transition(job.id, JobState::kProcessing, JobState::kFailed, outcome.reason, now);
    log->error("job {}: failed: {}", job.id, outcome.reason);
    return;
  }
  store_.RecordResult(job.id, outcome.result);
  int queued = 0;
  for (const auto& destination : destinations_) {
    for (const auto& file : outcome.outputs) {
      Delivery d;
      d.job_id = job.id;
      d.destination = destination.name;
      d.path = file.path;
      d.sop_class_uid = file.sop_class_uid;
      d.sop_instance_uid = file.sop_instance_uid;
      if (store_.EnqueueDelivery(d, now).ok()) ++queued;
    }
  }
  store_.Transition(job.id, JobState::kProcessing, JobState::kSending, outcome.reason, now);
  log->info("job {}: {} ({} files queued for {} destinations)", job.id, outcome.reason, queued,
            destinations_.size());
  if (queued == 0) {
    store_.Transition(job.id, JobState::kSending, JobState::kSent,
                      destinations_.empty() ? "no destinations configured" : "nothing to send",
                      now);
  } else if (on_outputs_) {
    on_outputs_();
  }
}

void WorkerPool::Start(double poll_interval_s) {
  for (std::size_t slot = 0; slot < devices_.size(); ++slot) {
    threads_.emplace_back([this, slot, poll_interval_s] {
      std::unique_lock lock(mutex_);
      while (!stop_) {
        lock.unlock();
        bool worked = RunOneOn(slot);
        lock.lock();
        if (!worked) {
          wake_.wait_for(lock, std::chrono::duration<double>(poll_interval_s),
                         [this] { return stop_; });
        }
      }
    });
  }
}

void WorkerPool::Stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

std::vector<DeviceActivity> WorkerPool::Activity() const {
  std::lock_guard lock(mutex_);
  std::vector<DeviceActivity> out;
  for (size_t i = 0; i < devices_.size(); ++i) out.push_back({devices_[i], running_[i]});
  return out;
}

}  // namespace ctscreen::jobs
