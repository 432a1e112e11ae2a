// Decides what happens to each received instance and when a series is complete.
//  - Admit: duplicate SOP Instance UIDs (identical: ignored; different: series.duplicate_policy)
//    and the per-series limit, before anything is placed in the spool.
//  - Record: indexes a placed file under the series' collecting job (state `ingest`); a late
//    instance after completion opens the next revision.
//  - Tick: a job whose last instance is series.quiet_period_s old is complete: `queued`, or
//    `skipped` with the rule that excluded it (skip image types, series.min_slices).
// Timing lives in the job store (last_instance_at), so quiet periods resume after a restart.
#pragma once

#include <mutex>
#include <string>

#include "ctscreen/core/clock.h"
#include "ctscreen/core/config.h"
#include "ctscreen/core/status.h"
#include "ctscreen/dicom/instance_info.h"
#include "ctscreen/jobs/job_store.h"

namespace ctscreen::ingest {

enum class Admission {
  kStore,            // new, or a changed copy to replace the stored one
  kIgnoreIdentical,  // the same content is already stored: acknowledge, store nothing
  kKeepFirst,        // changed copy, policy keep_first: acknowledge, drop it
};

class SeriesTracker {
 public:
  SeriesTracker(jobs::JobStore& store, core::SeriesOptions options, const core::Clock& clock);

  // `temporary` is the received file (compared with a stored copy on duplicates).
  core::Result<Admission> Admit(const std::string& temporary, const dicom::InstanceInfo& info);
  core::Status Record(const std::string& path, const dicom::InstanceInfo& info,
                      const dicom::PeerInfo& peer);
  // Completes every series whose quiet period has passed; returns how many.
  int Tick();

  // True when the image type (backslash-separated values) names a series.skip_image_types.
  bool IsSkippedImageType(const std::string& image_type) const;

 private:
  core::Status Complete(const jobs::JobRecord& job, double now);

  jobs::JobStore& store_;
  const core::SeriesOptions options_;
  const core::Clock& clock_;
  // Serializes decisions about series (record vs. completion) so no instance slips between
  // a job's count and its move to `queued`.
  std::mutex mutex_;
};

// SHA-256 of a DICOM file's data set, leaving out the file meta header, which differs between
// senders (Source AE Title) even when the image is the same.
core::Result<std::string> DataSetDigest(const std::string& path);

}  // namespace ctscreen::ingest
