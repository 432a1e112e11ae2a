// Workers: one per entry of pipeline.devices (a GPU listed twice has two), each taking the oldest
// `queued` job (a compare-and-set to `processing`, so two workers never take the same job), running
// it through a JobRunner, recording what it found, and handing its output files to the outbox for
// every destination. A failure in one job never stops the others; a crash mid-job is re-queued on
// start (IngestService::Reconcile). Jobs know nothing of DICOM: the runner does the screening.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ctscreen/core/clock.h"
#include "ctscreen/core/config.h"
#include "ctscreen/jobs/job_store.h"

namespace ctscreen::jobs {

struct OutputFile {
  std::string path;
  std::string sop_class_uid;
  std::string sop_instance_uid;
};

struct JobOutcome {
  enum class Kind { kScreened, kRejected, kFailed };
  Kind kind = Kind::kFailed;
  std::string reason;  // why rejected/failed; a summary when screened
  JobResult result;
  std::vector<OutputFile> outputs;  // delivered to every destination
};

class JobRunner {
 public:
  virtual ~JobRunner() = default;
  // Screens one job on `device`. Must not throw; every problem is an outcome with a reason.
  virtual JobOutcome Run(const JobRecord& job, const std::string& device) = 0;
};

struct DeviceActivity {
  std::string device;
  std::int64_t job_id = 0;  // 0: idle
};

class WorkerPool {
 public:
  // `on_outputs` is called after deliveries were queued (to wake the dispatcher).
  WorkerPool(JobStore& store, JobRunner& runner, std::vector<std::string> devices,
             std::vector<core::Destination> destinations, const core::Clock& clock,
             std::function<void()> on_outputs = {});
  ~WorkerPool();

  // Takes the oldest queued job and runs it on an idle worker of `device`; false when there
  // was none (or no idle worker of that device).
  bool RunOne(const std::string& device);
  void Start(double poll_interval_s = 0.5);
  void Stop();
  std::vector<DeviceActivity> Activity() const;

 private:
  bool RunOneOn(std::size_t slot);
  void Finish(const JobRecord& job, const JobOutcome& outcome);

  JobStore& store_;
  JobRunner& runner_;
  const std::vector<std::string> devices_;
  const std::vector<core::Destination> destinations_;
  const core::Clock& clock_;
  std::function<void()> on_outputs_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;                  // guarded by mutex_
  std::vector<std::int64_t> running_;  // per worker, guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace ctscreen::jobs
