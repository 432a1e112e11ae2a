#include "ctscreen/jobs/job_store.h"

#include <sqlite3.h>

#include "sqlite_statement.h"

namespace ctscreen::jobs {
namespace {

using core::ErrorCode;
using core::Result;
using core::Status;

// Numbered migrations; the database records how many it has applied.
constexpr const char* kMigrations[] = {
    R"sql(
    CREATE TABLE instances (
      sop_instance_uid TEXT PRIMARY KEY,
      series_uid TEXT NOT NULL,
      study_uid TEXT NOT NULL,
      sop_class_uid TEXT NOT NULL,
      transfer_syntax TEXT NOT NULL,
      path TEXT NOT NULL,
      size_bytes INTEGER NOT NULL,
      image_type TEXT NOT NULL,
      usable INTEGER NOT NULL,
      calling_aet TEXT NOT NULL,
      received_at REAL NOT NULL,
      revision INTEGER NOT NULL);
    CREATE INDEX instances_by_series ON instances(series_uid);
    CREATE TABLE jobs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      series_uid TEXT NOT NULL,
      study_uid TEXT NOT NULL,
      revision INTEGER NOT NULL,
      state TEXT NOT NULL,
      reason TEXT NOT NULL DEFAULT '',
      instance_count INTEGER NOT NULL DEFAULT 0,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at REAL,
      created_at REAL NOT NULL,
      updated_at REAL NOT NULL,
      last_instance_at REAL NOT NULL,
      UNIQUE(series_uid, revision));
    CREATE INDEX jobs_by_state ON jobs(state);
    CREATE TABLE job_events (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      job_id INTEGER NOT NULL REFERENCES jobs(id),
      from_state TEXT,
      to_state TEXT NOT NULL,
      at REAL NOT NULL,
      reason TEXT NOT NULL DEFAULT '');
    CREATE INDEX job_events_by_job ON job_events(job_id);
    )sql",
    R"sql(
    CREATE TABLE deliveries (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      job_id INTEGER NOT NULL REFERENCES jobs(id),
      destination TEXT NOT NULL,
      path TEXT NOT NULL,
      sop_class_uid TEXT NOT NULL,
      sop_instance_uid TEXT NOT NULL,
      state TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at REAL NOT NULL,
      last_error TEXT NOT NULL DEFAULT '',
      created_at REAL NOT NULL,
      updated_at REAL NOT NULL,
      UNIQUE(job_id, destination, sop_instance_uid));
    CREATE INDEX deliveries_due ON deliveries(state, next_attempt_at);
    )sql",
    R"sql(
    ALTER TABLE jobs ADD COLUMN verdict TEXT NOT NULL DEFAULT '';
    ALTER TABLE jobs ADD COLUMN probability REAL NOT NULL DEFAULT 0;
    ALTER TABLE jobs ADD COLUMN timings_json TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE jobs ADD COLUMN result_dir TEXT NOT NULL DEFAULT '';
    ALTER TABLE jobs ADD COLUMN device TEXT NOT NULL DEFAULT '';
    )sql",
};

constexpr const char* kJobColumns =
    "id, series_uid, study_uid, revision, state, reason, instance_count, attempts, created_at, "
    "updated_at, last_instance_at, verdict, probability, timings_json, result_dir, device";

JobRecord ReadJob(const SqliteStatement& s) {
  JobRecord j;
  j.id = s.Int(0);
  j.series_uid = s.Text(1);
  j.study_uid = s.Text(2);
  j.revision = static_cast<int>(s.Int(3));
  j.state = ParseJobState(s.Text(4)).value_or(JobState::kFailed);
  j.reason = s.Text(5);
  j.instance_count = static_cast<int>(s.Int(6));
  j.attempts = static_cast<int>(s.Int(7));
  j.created_at = s.Real(8);
  j.updated_at = s.Real(9);
  j.last_instance_at = s.Real(10);
  j.verdict = s.Text(11);
  j.probability = s.Real(12);
  j.timings_json = s.Text(13);
  j.result_dir = s.Text(14);
  j.device = s.Text(15);
  return j;
}

constexpr const char* kInstanceColumns =
    "sop_instance_uid, series_uid, study_uid, sop_class_uid, transfer_syntax, path, size_bytes, "
    "image_type, usable, calling_aet, received_at, revision";

InstanceRecord ReadInstance(const SqliteStatement& s) {
  InstanceRecord r;
  r.sop_instance_uid = s.Text(0);
  r.series_uid = s.Text(1);
  r.study_uid = s.Text(2);
  r.sop_class_uid = s.Text(3);
  r.transfer_syntax = s.Text(4);
  r.path = s.Text(5);
  r.size_bytes = s.Int(6);
  r.image_type = s.Text(7);
  r.usable = s.Int(8) != 0;
  r.calling_aet = s.Text(9);
  r.received_at = s.Real(10);
  r.revision = static_cast<int>(s.Int(11));
  return r;
}

// Inserts or replaces one instance row.
Status InsertInstance(sqlite3* db, const InstanceRecord& r) {
  SqliteStatement s(db, (std::string("INSERT OR REPLACE INTO instances(") + kInstanceColumns +
                         ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                            .c_str());
  s.Bind(1, r.sop_instance_uid)
      .Bind(2, r.series_uid)
      .Bind(3, r.study_uid)
      .Bind(4, r.sop_class_uid)
      .Bind(5, r.transfer_syntax)
      .Bind(6, r.path)
      .Bind(7, r.size_bytes)
      .Bind(8, r.image_type)
      .Bind(9, r.usable ? 1 : 0)
      .Bind(10, r.calling_aet)
      .Bind(11, r.received_at)
      .Bind(12, r.revision);
  s.Step();
  return s.status();
}

// Inserts the event row of a move (or of a creation when from is empty).
Status RecordEvent(sqlite3* db, std::int64_t job_id, const char* from, JobState to,
                   const std::string& reason, double now) {
  SqliteStatement ev(db,
                     "INSERT INTO job_events(job_id, from_state, to_state, at, reason) "
                     "VALUES (?, ?, ?, ?, ?)");
  ev.Bind(1, job_id);
  if (from) {
    ev.Bind(2, std::string(from));
  } else {
    ev.BindNull(2);
  }
  ev.Bind(3, std::string(JobStateName(to))).Bind(4, now).Bind(5, reason);
  ev.Step();
  return ev.status();
}

}  // namespace

JobStore::JobStore(sqlite3* db) : db_(db) {}

JobStore::~JobStore() {
  sqlite3_close_v2(db_);
}

Result<std::unique_ptr<JobStore>> JobStore::Open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Status(ErrorCode::kDatabase, "cannot open job store " + path + ": " + msg +
                                            "; check storage.dir exists and is writable");
  }
  sqlite3_busy_timeout(db, 5000);
  std::unique_ptr<JobStore> store(new JobStore(db));
  // WAL: readers (the API, `ctscreen inventory`) never block the listener. synchronous=NORMAL
  // is enough because the index can be rebuilt from the spool, which is fsync'd file by file.
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"}) {
    if (auto s = store->Exec(pragma); !s.ok()) return s;
  }
  if (auto s = store->Migrate(); !s.ok()) return s;
  return store;
}

Status JobStore::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Status(ErrorCode::kDatabase, "job store (SQLite): " + msg);
  }
  return Status::Ok();
}

Status JobStore::Migrate() {
  std::lock_guard lock(mutex_);
  SqliteStatement v(db_, "PRAGMA user_version");
  v.Step();
  int applied = static_cast<int>(v.Int(0));
  int total = static_cast<int>(std::size(kMigrations));
  if (applied > total) {
    return Status(ErrorCode::kDatabase,
                  "job store was written by a newer ctscreen (schema " + std::to_string(applied) +
                      ", this build knows " + std::to_string(total) +
                      "); install that version again or move storage.dir aside");
  }
  for (int i = applied; i < total; ++i) {
    if (auto s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    Status s = Exec(kMigrations[i]);
    if (s.ok()) s = Exec(("PRAGMA user_version=" + std::to_string(i + 1)).c_str());
    if (!s.ok()) {
      Exec("ROLLBACK");
      return s;
    }
    if (auto c = Exec("COMMIT"); !c.ok()) return c;
  }
  return Status::Ok();
}

Result<std::optional<InstanceRecord>> JobStore::FindInstance(const std::string& uid) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, (std::string("SELECT ") + kInstanceColumns +
                          " FROM instances WHERE sop_instance_uid = ?")
                             .c_str());
  s.Bind(1, uid);
  if (s.Step()) return std::optional<InstanceRecord>(ReadInstance(s));
  if (!s.status().ok()) return s.status();
  return std::optional<InstanceRecord>();
}

Status JobStore::PutInstance(const InstanceRecord& r) {
  std::lock_guard lock(mutex_);
  return InsertInstance(db_, r);
}

Result<int> JobStore::CountInstances(const std::string& series_uid, bool usable_only) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, usable_only
                             ? "SELECT COUNT(*) FROM instances WHERE series_uid = ? AND usable = 1"
                             : "SELECT COUNT(*) FROM instances WHERE series_uid = ?");
  s.Bind(1, series_uid);
  if (!s.Step()) return s.status();
  return static_cast<int>(s.Int(0));
}

Result<std::vector<InstanceRecord>> JobStore::InstancesOfSeries(const std::string& series_uid) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, (std::string("SELECT ") + kInstanceColumns +
                          " FROM instances WHERE series_uid = ? ORDER BY received_at")
                             .c_str());
  s.Bind(1, series_uid);
  std::vector<InstanceRecord> out;
  while (s.Step()) out.push_back(ReadInstance(s));
  if (!s.status().ok()) return s.status();
  return out;
}

Result<std::vector<std::string>> JobStore::AllInstancePaths() {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, "SELECT path FROM instances");
  std::vector<std::string> out;
  while (s.Step()) out.push_back(s.Text(0));
  if (!s.status().ok()) return s.status();
  return out;
}

Status JobStore::DeleteInstance(const std::string& uid) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, "DELETE FROM instances WHERE sop_instance_uid = ?");
  s.Bind(1, uid);
  s.Step();
  return s.status();
}

Result<JobRecord> JobStore::IngestJobFor(const std::string& series_uid,
                                         const std::string& study_uid, double now) {
  std::lock_guard lock(mutex_);
  if (auto s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  auto job = IngestJobLocked(series_uid, study_uid, now);
  if (!job.ok()) {
    Exec("ROLLBACK");
    return job;
  }
  if (auto s = Exec("COMMIT"); !s.ok()) return s;
  return job;
}

Result<JobRecord> JobStore::RecordInstance(InstanceRecord record, double now) {
  std::lock_guard lock(mutex_);
  if (auto s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  auto job = IngestJobLocked(record.series_uid, record.study_uid, now);
  Status st = job.ok() ? Status::Ok() : job.status();
  if (st.ok()) {
    record.revision = job->revision;
    st = InsertInstance(db_, record);
  }
  if (st.ok()) {
    SqliteStatement touch(db_, "UPDATE jobs SET last_instance_at = ? WHERE id = ?");
    touch.Bind(1, now).Bind(2, job->id);
    touch.Step();
    st = touch.status();
  }
  if (!st.ok()) {
    Exec("ROLLBACK");
    return st;
  }
  if (auto s = Exec("COMMIT"); !s.ok()) return s;
  job->last_instance_at = now;
  return job;
}

// Caller holds mutex_ and an open transaction.
Result<JobRecord> JobStore::IngestJobLocked(const std::string& series_uid,
                                            const std::string& study_uid, double now) {
  {
    SqliteStatement s(db_, (std::string("SELECT ") + kJobColumns +
                            " FROM jobs WHERE series_uid = ? AND state = 'ingest'")
                               .c_str());
    s.Bind(1, series_uid);
    if (s.Step()) return ReadJob(s);
    if (!s.status().ok()) return s.status();
  }
  int revision = 1;
  {
    SqliteStatement s(db_, "SELECT COALESCE(MAX(revision), 0) FROM jobs WHERE series_uid = ?");
    s.Bind(1, series_uid);
    if (s.Step()) revision = static_cast<int>(s.Int(0)) + 1;
  }
  SqliteStatement ins(db_,
                      "INSERT INTO jobs(series_uid, study_uid, revision, state, created_at, "
                      "updated_at, last_instance_at) VALUES (?, ?, ?, 'ingest', ?, ?, ?)");
  ins.Bind(1, series_uid)
      .Bind(2, study_uid)
      .Bind(3, revision)
      .Bind(4, now)
      .Bind(5, now)
      .Bind(6, now);
  ins.Step();
  Status st = ins.status();
  JobRecord job;
  if (st.ok()) {
    job.id = sqlite3_last_insert_rowid(db_);
    job.series_uid = series_uid;
    job.study_uid = study_uid;
    job.revision = revision;
    job.created_at = job.updated_at = job.last_instance_at = now;
    st = RecordEvent(db_, job.id, nullptr, JobState::kIngest,
                     "first instance of revision " + std::to_string(revision), now);
  }
  if (!st.ok()) return st;
  return job;
}

Status JobStore::SetInstanceCount(std::int64_t job_id, int count) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, "UPDATE jobs SET instance_count = ? WHERE id = ?");
  s.Bind(1, count).Bind(2, job_id);
  s.Step();
  return s.status();
}

Status JobStore::Transition(std::int64_t id, JobState from, JobState to, const std::string& reason,
                            double now) {
  if (!IsAllowedTransition(from, to)) {
    return Status(ErrorCode::kIllegalTransition,
                  std::string("job ") + std::to_string(id) + ": a job cannot move from " +
                      JobStateName(from) + " to " + JobStateName(to));
  }
  std::lock_guard lock(mutex_);
  if (auto s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  SqliteStatement up(db_,
                     "UPDATE jobs SET state = ?, reason = ?, updated_at = ?, "
                     "attempts = attempts + (CASE WHEN ? = 'processing' THEN 1 ELSE 0 END) "
                     "WHERE id = ? AND state = ?");
  std::string to_name = JobStateName(to);
  up.Bind(1, to_name)
      .Bind(2, reason)
      .Bind(3, now)
      .Bind(4, to_name)
      .Bind(5, id)
      .Bind(6, std::string(JobStateName(from)));
  up.Step();
  Status st = up.status();
  if (st.ok() && sqlite3_changes(db_) != 1) {
    st = Status(ErrorCode::kIllegalTransition, "job " + std::to_string(id) + " is not in state " +
                                                   JobStateName(from) + " (moved concurrently)");
  }
  if (st.ok()) st = RecordEvent(db_, id, JobStateName(from), to, reason, now);
  if (!st.ok()) {
    Exec("ROLLBACK");
    return st;
  }
  return Exec("COMMIT");
}

Result<JobRecord> JobStore::GetJob(std::int64_t id) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_,
                    (std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?").c_str());
  s.Bind(1, id);
  if (s.Step()) return ReadJob(s);
  if (!s.status().ok()) return s.status();
  return Status(ErrorCode::kNotFound, "no job with id " + std::to_string(id));
}

Result<std::vector<JobRecord>> JobStore::ListJobs(std::optional<JobState> state) {
  JobFilter filter;
  if (state) filter.states.push_back(*state);
  filter.limit = -1;  // SQLite: no limit
  return ListJobs(filter);
}

Result<std::vector<JobRecord>> JobStore::JobsOfSeries(const std::string& series_uid) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, (std::string("SELECT ") + kJobColumns +
                          " FROM jobs WHERE series_uid = ? ORDER BY revision")
                             .c_str());
  s.Bind(1, series_uid);
  std::vector<JobRecord> out;
  while (s.Step()) out.push_back(ReadJob(s));
  if (!s.status().ok()) return s.status();
  return out;
}

Result<std::vector<JobEvent>> JobStore::Events(std::int64_t job_id) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_,
                    "SELECT job_id, from_state, to_state, at, reason FROM job_events "
                    "WHERE job_id = ? ORDER BY id");
  s.Bind(1, job_id);
  std::vector<JobEvent> out;
  while (s.Step()) {
    JobEvent e;
    e.job_id = s.Int(0);
    if (!s.IsNull(1)) e.from = ParseJobState(s.Text(1));
    e.to = ParseJobState(s.Text(2)).value_or(JobState::kFailed);
    e.at = s.Real(3);
    e.reason = s.Text(4);
    out.push_back(std::move(e));
  }
  if (!s.status().ok()) return s.status();
  return out;
}

Result<std::vector<JobRecord>> JobStore::ListJobs(const JobFilter& filter) {
  std::lock_guard lock(mutex_);
  std::string sql = std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id > ?";
  if (filter.created_since > 0) sql += " AND created_at >= ?";
  if (filter.created_until > 0) sql += " AND created_at < ?";
  if (!filter.states.empty()) {
    sql += " AND state IN (";
    for (size_t i = 0; i < filter.states.size(); ++i) sql += i ? ", ?" : "?";
    sql += ")";
  }
  sql += " ORDER BY id LIMIT ?";
  SqliteStatement s(db_, sql.c_str());
  int i = 1;
  s.Bind(i++, filter.after_id);
  if (filter.created_since > 0) s.Bind(i++, filter.created_since);
  if (filter.created_until > 0) s.Bind(i++, filter.created_until);
  for (JobState state : filter.states) s.Bind(i++, std::string(JobStateName(state)));
  s.Bind(i, filter.limit);
  std::vector<JobRecord> out;
  while (s.Step()) out.push_back(ReadJob(s));
  if (!s.status().ok()) return s.status();
  return out;
}

Result<JobRecord> JobStore::CreateQueuedJob(const std::string& series_uid,
                                            const std::string& study_uid, const std::string& reason,
                                            double now) {
  std::lock_guard lock(mutex_);
  if (auto s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  JobRecord job;
  job.series_uid = series_uid;
  job.study_uid = study_uid;
  job.state = JobState::kQueued;
  job.reason = reason;
  job.created_at = job.updated_at = job.last_instance_at = now;
  Status st;
  {
    SqliteStatement r(db_, "SELECT COALESCE(MAX(revision), 0) + 1 FROM jobs WHERE series_uid = ?");
    r.Bind(1, series_uid);
    if (r.Step()) job.revision = static_cast<int>(r.Int(0));
    SqliteStatement c(db_, "SELECT COUNT(*) FROM instances WHERE series_uid = ? AND usable = 1");
    c.Bind(1, series_uid);
    if (c.Step()) job.instance_count = static_cast<int>(c.Int(0));
    st = c.status();
  }
  if (st.ok()) {
    SqliteStatement ins(db_,
                        "INSERT INTO jobs(series_uid, study_uid, revision, state, reason, "
                        "instance_count, created_at, updated_at, last_instance_at) "
                        "VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?)");
    ins.Bind(1, series_uid)
        .Bind(2, study_uid)
        .Bind(3, job.revision)
        .Bind(4, reason)
        .Bind(5, job.instance_count)
        .Bind(6, now)
        .Bind(7, now)
        .Bind(8, now);
    ins.Step();
    st = ins.status();
  }
  if (st.ok()) {
    job.id = sqlite3_last_insert_rowid(db_);
    st = RecordEvent(db_, job.id, nullptr, JobState::kQueued, reason, now);
  }
  if (!st.ok()) {
    Exec("ROLLBACK");
    return st;
  }
  if (auto s = Exec("COMMIT"); !s.ok()) return s;
  return job;
}

Result<std::vector<JobChange>> JobStore::ChangesAfter(std::int64_t after_event_id, int limit) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_,
                    "SELECT e.id, e.job_id, j.series_uid, e.from_state, e.to_state, e.at, "
                    "e.reason FROM job_events e JOIN jobs j ON j.id = e.job_id "
                    "WHERE e.id > ? ORDER BY e.id LIMIT ?");
  s.Bind(1, after_event_id).Bind(2, limit);
  std::vector<JobChange> out;
  while (s.Step()) {
    JobChange c;
    c.event_id = s.Int(0);
    c.job_id = s.Int(1);
    c.series_uid = s.Text(2);
    if (!s.IsNull(3)) c.from = ParseJobState(s.Text(3));
    c.to = ParseJobState(s.Text(4)).value_or(JobState::kFailed);
    c.at = s.Real(5);
    c.reason = s.Text(6);
    out.push_back(std::move(c));
  }
  if (!s.status().ok()) return s.status();
  return out;
}

Result<std::int64_t> JobStore::LastChangeId() {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, "SELECT COALESCE(MAX(id), 0) FROM job_events");
  if (!s.Step()) return s.status();
  return s.Int(0);
}

Result<std::vector<std::pair<JobState, std::int64_t>>> JobStore::CountByState(double since) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, "SELECT state, COUNT(*) FROM jobs WHERE created_at >= ? GROUP BY state");
  s.Bind(1, since);
  std::vector<std::pair<JobState, std::int64_t>> out;
  while (s.Step()) {
    if (auto state = ParseJobState(s.Text(0))) out.emplace_back(*state, s.Int(1));
  }
  if (!s.status().ok()) return s.status();
  return out;
}

Result<std::int64_t> JobStore::CountAllInstances() {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, "SELECT COUNT(*) FROM instances");
  if (!s.Step()) return s.status();
  return s.Int(0);
}

Status JobStore::RecordResult(std::int64_t job_id, const JobResult& result) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_,
                    "UPDATE jobs SET verdict = ?, probability = ?, timings_json = ?, "
                    "result_dir = ?, device = ? WHERE id = ?");
  s.Bind(1, result.verdict)
      .Bind(2, result.probability)
      .Bind(3, result.timings_json)
      .Bind(4, result.result_dir)
      .Bind(5, result.device)
      .Bind(6, job_id);
  s.Step();
  return s.status();
}

Result<std::vector<std::pair<std::string, std::int64_t>>> JobStore::CountByVerdict(double since) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_,
                    "SELECT verdict, COUNT(*) FROM jobs WHERE created_at >= ? AND verdict != '' "
                    "GROUP BY verdict");
  s.Bind(1, since);
  std::vector<std::pair<std::string, std::int64_t>> out;
  while (s.Step()) out.emplace_back(s.Text(0), s.Int(1));
  if (!s.status().ok()) return s.status();
  return out;
}

}  // namespace ctscreen::jobs
