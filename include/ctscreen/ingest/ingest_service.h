// The listener's sink: free-space check, spool placement and series tracking for each
// received instance, the quiet-period timer, and the reconciliation of spool and index on
// start (so a kill -9 at any moment loses nothing that was acknowledged).
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "ctscreen/core/clock.h"
#include "ctscreen/core/config.h"
#include "ctscreen/dicom/instance_inspector.h"
#include "ctscreen/dicom/instance_sink.h"
#include "ctscreen/ingest/series_tracker.h"
#include "ctscreen/ingest/spool.h"
#include "ctscreen/jobs/job_store.h"

namespace ctscreen::ingest {

struct ReconcileReport {
  int temporaries_removed = 0;
  int files_indexed = 0;
  int files_quarantined = 0;
  int index_rows_dropped = 0;
  int jobs_requeued = 0;
  int series_resumed = 0;
};

class IngestService : public dicom::InstanceSink {
 public:
  IngestService(const core::Config& config, Spool& spool, jobs::JobStore& store,
                const core::Clock& clock);
  ~IngestService() override;

  // Brings spool and index back in step after any stop, clean or not. Call before Start().
  core::Result<ReconcileReport> Reconcile();
  // Starts the quiet-period timer thread.
  void StartTimer();
  void StopTimer();
  SeriesTracker& tracker() { return tracker_; }

  core::Status CanAccept() override;
  std::string NewTemporaryPath() override;
  core::Status Commit(const std::string& temporary_path, const dicom::InstanceInfo& info,
                      const dicom::PeerInfo& peer) override;

 private:
  const core::StorageOptions storage_;
  const dicom::InspectionLimits limits_;
  Spool& spool_;
  jobs::JobStore& store_;
  const core::Clock& clock_;
  SeriesTracker tracker_;

  std::mutex timer_mutex_;
  std::condition_variable timer_wake_;
  bool timer_stop_ = false;  // guarded by timer_mutex_
  std::thread timer_;
};

}  // namespace ctscreen::ingest
