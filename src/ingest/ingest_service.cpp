#include "ctscreen/ingest/ingest_service.h"

#include <unistd.h>

#include <set>

#include "ctscreen/core/durable_file.h"
#include "ctscreen/core/logging.h"

namespace ctscreen::ingest {

using core::ErrorCode;
using core::Status;
using jobs::JobState;

IngestService::IngestService(const core::Config& config, Spool& spool, jobs::JobStore& store,
                             const core::Clock& clock)
    : storage_(config.storage),
      limits_{config.series.max_rows_columns, 5000},
      spool_(spool),
      store_(store),
      clock_(clock),
      tracker_(store, config.series, clock) {}

IngestService::~IngestService() {
  StopTimer();
}

Status IngestService::CanAccept() {
  auto free_mb = core::FreeMegabytes(storage_.dir);
  if (!free_mb.ok()) return Status(ErrorCode::kIoError, free_mb.status().reason());
  if (*free_mb < storage_.min_free_mb) {
    return Status(ErrorCode::kDiskFull, "only " + std::to_string(*free_mb) + " MB free in " +
                                            storage_.dir + "; storage.min_free_mb is " +
                                            std::to_string(storage_.min_free_mb) +
                                            " (free disk space or lower the limit)");
  }
  return Status::Ok();
}

std::string IngestService::NewTemporaryPath() {
  return spool_.NewTemporaryPath();
}

Status IngestService::Commit(const std::string& temporary, const dicom::InstanceInfo& info,
                             const dicom::PeerInfo& peer) {
  auto admission = tracker_.Admit(temporary, info);
  if (!admission.ok() || *admission != Admission::kStore) {
    ::unlink(temporary.c_str());
    if (!admission.ok()) return admission.status();
    core::Log("ingest")->debug("instance {} already stored; acknowledged without storing",
                               info.sop_instance_uid);
    return Status::Ok();
  }
  auto placed = spool_.Place(temporary, info.series_uid, info.sop_instance_uid);
  if (!placed.ok()) {
    ::unlink(temporary.c_str());
    return placed.status();
  }
  // The file is durable from here on; if indexing fails, Reconcile() indexes it on start,
  // but the sender is told to retry since we cannot promise it will be processed now.
  return tracker_.Record(*placed, info, peer);
}

core::Result<ReconcileReport> IngestService::Reconcile() {
  auto log = core::Log("ingest");
  ReconcileReport report;
  report.temporaries_removed = spool_.RemoveTemporaries();

  auto indexed_paths = store_.AllInstancePaths();
  if (!indexed_paths.ok()) return indexed_paths.status();
  std::set<std::string> indexed(indexed_paths->begin(), indexed_paths->end());
  std::set<std::string> on_disk;
  for (const auto& path : spool_.ListStoredFiles()) {
    on_disk.insert(path);
    if (indexed.count(path)) continue;
    // Renamed in before a crash but not yet indexed: it was inspected and acknowledged (or
    // about to be), so it is indexed now exactly as if it had just arrived.
    auto info = dicom::InspectInstance(path, {}, limits_);
    if (!info.ok()) {
      log->warn("spool file {} cannot be indexed ({}); moved to quarantine/", path,
                info.status().reason());
      spool_.Quarantine(path);
      ++report.files_quarantined;
      continue;
    }
    dicom::PeerInfo recovered;
    recovered.calling_aet = "(recovered)";
    if (auto s = tracker_.Record(path, *info, recovered); !s.ok()) return s;
    ++report.files_indexed;
  }
  for (const auto& path : indexed) {
    if (on_disk.count(path)) continue;
    auto base = path.substr(path.find_last_of('/') + 1);
    store_.DeleteInstance(base.substr(0, base.size() - 4));
    ++report.index_rows_dropped;
  }
  if (report.index_rows_dropped > 0) {
    log->warn("{} indexed instances were missing from the spool and were dropped from the index",
              report.index_rows_dropped);
  }

  auto processing = store_.ListJobs(JobState::kProcessing);
  if (!processing.ok()) return processing.status();
  for (const auto& job : *processing) {
    if (store_
            .Transition(job.id, JobState::kProcessing, JobState::kQueued, "resumed after restart",
                        clock_.Now())
            .ok()) {
      ++report.jobs_requeued;
    }
  }
  auto ingesting = store_.ListJobs(JobState::kIngest);
  if (!ingesting.ok()) return ingesting.status();
  report.series_resumed = static_cast<int>(ingesting->size());
  log->info(
      "spool reconciled: {} temporary files removed, {} files indexed, {} quarantined, "
      "{} jobs re-queued, {} series resume their quiet period",
      report.temporaries_removed, report.files_indexed, report.files_quarantined,
      report.jobs_requeued, report.series_resumed);
  return report;
}

void IngestService::StartTimer() {
  timer_ = std::thread([this] {
    std::unique_lock lock(timer_mutex_);
    while (!timer_stop_) {
      lock.unlock();
      tracker_.Tick();
      lock.lock();
      timer_wake_.wait_for(lock, std::chrono::milliseconds(200), [this] { return timer_stop_; });
    }
  });
}

void IngestService::StopTimer() {
  {
    std::lock_guard lock(timer_mutex_);
    timer_stop_ = true;
  }
  timer_wake_.notify_all();
  if (timer_.joinable()) timer_.join();
}

}  // namespace ctscreen::ingest
