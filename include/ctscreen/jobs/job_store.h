// The job store: one SQLite database (WAL) under storage.dir that indexes received instances,
// series revisions and jobs. Job states change only through Transition(), a compare-and-set
// that also writes an event row, so every job's history can be replayed.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/jobs/job_state.h"
#include "ctscreen/jobs/outbox.h"

struct sqlite3;

namespace ctscreen::jobs {

// One stored file. The store does not look inside it: `usable` and `image_type` are decided
// by the ingest side.
struct InstanceRecord {
  std::string sop_instance_uid;
  std::string series_uid;
  std::string study_uid;
  std::string sop_class_uid;
  std::string transfer_syntax;
  std::string path;
  std::int64_t size_bytes = 0;
  std::string image_type;  // as received, e.g. "ORIGINAL\PRIMARY\AXIAL"
  bool usable = true;      // false when a skip rule (e.g. LOCALIZER) excludes it from screening
  std::string calling_aet;
  double received_at = 0;  // seconds since the Unix epoch
  int revision = 1;        // series revision the instance arrived in
};

struct JobRecord {
  std::int64_t id = 0;
  std::string series_uid;
  std::string study_uid;
  int revision = 1;
  JobState state = JobState::kIngest;
  std::string reason;
  int instance_count = 0;
  int attempts = 0;
  double created_at = 0;
  double updated_at = 0;
  double last_instance_at = 0;
  // What screening found (empty until screened).
  std::string verdict;
  double probability = 0;
  std::string timings_json = "{}";  // per-stage milliseconds, as in result.json
  std::string result_dir;           // where result.json, seg.dcm and sr.dcm were written
  std::string device;               // where it ran
};

// What a worker records when a job has been screened.
struct JobResult {
  std::string verdict;
  double probability = 0;
  std::string timings_json = "{}";
  std::string result_dir;
  std::string device;
};

struct JobEvent {
  std::int64_t job_id = 0;
  std::optional<JobState> from;  // empty for the creation event
  JobState to = JobState::kIngest;
  double at = 0;
  std::string reason;
};

// One recorded move, with the id that orders all moves (for watchers that poll).
struct JobChange {
  std::int64_t event_id = 0;
  std::int64_t job_id = 0;
  std::string series_uid;
  std::optional<JobState> from;
  JobState to = JobState::kIngest;
  double at = 0;
  std::string reason;
};

// Which jobs ListJobs returns: by state (any when empty), creation time, and a page that
// starts after job id `after_id`.
struct JobFilter {
  std::vector<JobState> states;
  double created_since = 0;  // 0: no bound
  double created_until = 0;  // 0: no bound
  std::int64_t after_id = 0;
  int limit = 100;
};

class JobStore {
 public:
  // Opens (creating and migrating as needed) the database at `path`.
  static core::Result<std::unique_ptr<JobStore>> Open(const std::string& path);
  ~JobStore();
  JobStore(const JobStore&) = delete;
  JobStore& operator=(const JobStore&) = delete;

  // --- instances ---
  core::Result<std::optional<InstanceRecord>> FindInstance(const std::string& sop_instance_uid);
  // Inserts or replaces (same SOP Instance UID) the record.
  core::Status PutInstance(const InstanceRecord& record);
  core::Result<int> CountInstances(const std::string& series_uid, bool usable_only);
  core::Result<std::vector<InstanceRecord>> InstancesOfSeries(const std::string& series_uid);
  // Every indexed path, for reconciling the spool with the index on start.
  core::Result<std::vector<std::string>> AllInstancePaths();
  core::Status DeleteInstance(const std::string& sop_instance_uid);

  // --- jobs ---
  // The job collecting instances of this series now: the one in `ingest` if there is one,
  // otherwise a new job (revision = previous + 1) created in `ingest`.
  core::Result<JobRecord> IngestJobFor(const std::string& series_uid, const std::string& study_uid,
                                       double now);
  // One transaction for the listener's hot path: finds or opens the series' ingest job (as
  // IngestJobFor), stores the instance under that job's revision, and moves the job's
  // last-instance time to `now`. Returns the job.
  core::Result<JobRecord> RecordInstance(InstanceRecord record, double now);
  core::Status SetInstanceCount(std::int64_t job_id, int count);
  // Compare-and-set: moves job `id` from `from` to `to` if it is in `from` and the move is
  // allowed; records an event with `reason`.
  core::Status Transition(std::int64_t id, JobState from, JobState to, const std::string& reason,
                          double now);
  core::Result<JobRecord> GetJob(std::int64_t id);
  // Jobs in `state` (all jobs when empty), oldest first.
  core::Result<std::vector<JobRecord>> ListJobs(std::optional<JobState> state);
  core::Result<std::vector<JobRecord>> ListJobs(const JobFilter& filter);
  core::Result<std::vector<JobRecord>> JobsOfSeries(const std::string& series_uid);
  // A new job for a series whose instances are all stored (an operator's reprocess): next
  // revision, created directly in `queued` with the usable instance count.
  core::Result<JobRecord> CreateQueuedJob(const std::string& series_uid,
                                          const std::string& study_uid, const std::string& reason,
                                          double now);
  // Moves recorded after `after_event_id`, oldest first, at most `limit`.
  core::Result<std::vector<JobChange>> ChangesAfter(std::int64_t after_event_id, int limit);
  core::Result<std::int64_t> LastChangeId();
  // Jobs created at or after `since`, counted by their current state.
  core::Result<std::vector<std::pair<JobState, std::int64_t>>> CountByState(double since);
  core::Result<std::int64_t> CountAllInstances();
  core::Status RecordResult(std::int64_t job_id, const JobResult& result);
  // Screened jobs created at or after `since`, counted by verdict.
  core::Result<std::vector<std::pair<std::string, std::int64_t>>> CountByVerdict(double since);

  // --- outbox (src/jobs/outbox_store.cpp) ---
  // Adds a pending delivery due now (idempotent per job, destination and SOP Instance UID).
  core::Status EnqueueDelivery(const Delivery& delivery, double now);
  // Pending deliveries whose next attempt is due, oldest first.
  core::Result<std::vector<Delivery>> DueDeliveries(double now, int limit);
  core::Result<std::vector<Delivery>> DeliveriesOf(std::int64_t job_id);
  core::Status MarkDelivered(std::int64_t delivery_id, double now);
  // One failed attempt: pending again at `next_attempt_at`, or failed for good when `final`.
  core::Status MarkAttemptFailed(std::int64_t delivery_id, const std::string& error,
                                 double next_attempt_at, bool final, double now);
  // Makes a failed job's deliveries pending again (operator retry).
  core::Status ResetFailedDeliveries(std::int64_t job_id, double now);
  core::Result<std::vector<JobEvent>> Events(std::int64_t job_id);

 private:
  explicit JobStore(sqlite3* db);
  core::Status Exec(const char* sql);
  core::Status Migrate();
  core::Result<JobRecord> IngestJobLocked(const std::string& series_uid,
                                          const std::string& study_uid, double now);

  std::mutex mutex_;
  sqlite3* db_;  // guarded by mutex_
};

}  // namespace ctscreen::jobs
