#include "ctscreen/ingest/series_tracker.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "ctscreen/core/logging.h"

namespace ctscreen::ingest {

using core::ErrorCode;
using core::Status;
using jobs::JobState;

SeriesTracker::SeriesTracker(jobs::JobStore& store, core::SeriesOptions options,
                             const core::Clock& clock)
    : store_(store), options_(std::move(options)), clock_(clock) {}

bool SeriesTracker::IsSkippedImageType(const std::string& image_type) const {
  std::stringstream values(image_type);
  std::string value;
  while (std::getline(values, value, '\\')) {
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    value.erase(0, value.find_first_not_of(' '));
    value.erase(value.find_last_not_of(' ') + 1);
    for (const auto& skip : options_.skip_image_types) {
      if (value == skip) return true;
    }
  }
  return false;
}

core::Result<Admission> SeriesTracker::Admit(const std::string& temporary,
                                             const dicom::InstanceInfo& info) {
  auto existing = store_.FindInstance(info.sop_instance_uid);
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) {
    auto incoming = DataSetDigest(temporary);
    auto stored = DataSetDigest((*existing)->path);
    if (!incoming.ok()) return incoming.status();
    if (stored.ok() && *incoming == *stored) return Admission::kIgnoreIdentical;
    auto log = core::Log("ingest");
    switch (options_.duplicate_policy) {
      case core::DuplicatePolicy::kKeepFirst:
        log->warn(
            "instance {} arrived again with different content; keeping the first copy "
            "(series.duplicate_policy: keep_first)",
            info.sop_instance_uid);
        return Admission::kKeepFirst;
      case core::DuplicatePolicy::kReject:
        return Status(ErrorCode::kDuplicateRejected,
                      "SOP Instance UID " + info.sop_instance_uid +
                          " is already stored with different content "
                          "(series.duplicate_policy: reject)");
      case core::DuplicatePolicy::kReplace:
        log->warn(
            "instance {} arrived again with different content; replacing the stored copy "
            "(series.duplicate_policy: replace)",
            info.sop_instance_uid);
        return Admission::kStore;
    }
  }
  auto count = store_.CountInstances(info.series_uid, false);
  if (!count.ok()) return count.status();
  if (*count >= options_.max_instances) {
    return Status(ErrorCode::kSeriesLimit, "series " + info.series_uid + " already has " +
                                               std::to_string(*count) +
                                               " instances; series.max_instances is " +
                                               std::to_string(options_.max_instances));
  }
  return Admission::kStore;
}

Status SeriesTracker::Record(const std::string& path, const dicom::InstanceInfo& info,
                             const dicom::PeerInfo& peer) {
  std::lock_guard lock(mutex_);
  const double now = clock_.Now();
  jobs::InstanceRecord record;
  record.sop_instance_uid = info.sop_instance_uid;
  record.series_uid = info.series_uid;
  record.study_uid = info.study_uid;
  record.sop_class_uid = info.sop_class_uid;
  record.transfer_syntax = info.transfer_syntax;
  record.path = path;
  record.size_bytes = info.file_size;
  record.image_type = info.image_type;
  record.usable = !IsSkippedImageType(info.image_type);
  record.calling_aet = peer.calling_aet;
  record.received_at = now;
  auto job = store_.RecordInstance(std::move(record), now);
  return job.ok() ? Status::Ok() : job.status();
}

int SeriesTracker::Tick() {
  auto ingesting = store_.ListJobs(JobState::kIngest);
  if (!ingesting.ok()) {
    core::Log("ingest")->error("cannot read jobs: {}", ingesting.status().reason());
    return 0;
  }
  int completed = 0;
  for (const auto& job : *ingesting) {
    std::lock_guard lock(mutex_);
    const double now = clock_.Now();
    // Re-read under the lock: an instance may have arrived since the list was taken.
    auto fresh = store_.GetJob(job.id);
    if (!fresh.ok() || fresh->state != JobState::kIngest) continue;
    if (now - fresh->last_instance_at < options_.quiet_period_s) continue;
    if (auto s = Complete(*fresh, now); !s.ok()) {
      core::Log("ingest")->error("job {}: cannot complete series {}: {}", job.id, job.series_uid,
                                 s.reason());
      continue;
    }
    ++completed;
  }
  return completed;
}

Status SeriesTracker::Complete(const jobs::JobRecord& job, double now) {
  auto log = core::Log("ingest");
  auto usable = store_.CountInstances(job.series_uid, true);
  auto total = store_.CountInstances(job.series_uid, false);
  if (!usable.ok()) return usable.status();
  if (!total.ok()) return total.status();
  if (auto s = store_.SetInstanceCount(job.id, *usable); !s.ok()) return s;

  std::string reason;
  JobState next = JobState::kQueued;
  if (*usable == 0) {
    next = JobState::kSkipped;
    reason = "every instance (" + std::to_string(*total) +
             ") has a skipped image type (series.skip_image_types)";
  } else if (*usable < options_.min_slices) {
    next = JobState::kSkipped;
    reason = std::to_string(*usable) + " usable slices; series.min_slices is " +
             std::to_string(options_.min_slices);
  } else {
    reason = "series complete: " + std::to_string(*usable) + " slices";
    if (*total > *usable) reason += " (" + std::to_string(*total - *usable) + " skipped)";
  }
  if (auto s = store_.Transition(job.id, JobState::kIngest, next, reason, now); !s.ok()) return s;
  log->info("job {}: series {} revision {} -> {}: {}", job.id, job.series_uid, job.revision,
            jobs::JobStateName(next), reason);

  // An older revision still waiting would screen a subset of what this one holds.
  if (next == JobState::kQueued) {
    auto all = store_.JobsOfSeries(job.series_uid);
    if (!all.ok()) return all.status();
    for (const auto& older : *all) {
      if (older.revision < job.revision && older.state == JobState::kQueued) {
        store_.Transition(older.id, JobState::kQueued, JobState::kCancelled,
                          "superseded by revision " + std::to_string(job.revision), now);
      }
    }
  }
  return Status::Ok();
}

}  // namespace ctscreen::ingest
