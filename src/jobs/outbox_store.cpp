// The outbox half of JobStore: delivery rows in the same database, so a job's move to `sent`
// and its last delivery can be read consistently.
#include <sqlite3.h>

#include <algorithm>
#include <cmath>

#include "ctscreen/jobs/job_store.h"
#include "sqlite_statement.h"

namespace ctscreen::jobs {

using core::Result;
using core::Status;

namespace {

constexpr const char* kColumns =
    "id, job_id, destination, path, sop_class_uid, sop_instance_uid, state, attempts, "
    "next_attempt_at, last_error";

DeliveryState ParseState(const std::string& s) {
  if (s == "sent") return DeliveryState::kSent;
  if (s == "failed") return DeliveryState::kFailed;
  return DeliveryState::kPending;
}

Delivery ReadDelivery(const SqliteStatement& s) {
  Delivery d;
  d.id = s.Int(0);
  d.job_id = s.Int(1);
  d.destination = s.Text(2);
  d.path = s.Text(3);
  d.sop_class_uid = s.Text(4);
  d.sop_instance_uid = s.Text(5);
  d.state = ParseState(s.Text(6));
  d.attempts = static_cast<int>(s.Int(7));
  d.next_attempt_at = s.Real(8);
  d.last_error = s.Text(9);
  return d;
}

}  // namespace

const char* DeliveryStateName(DeliveryState state) {
  switch (state) {
    case DeliveryState::kPending:
      return "pending";
    case DeliveryState::kSent:
      return "sent";
    case DeliveryState::kFailed:
      return "failed";
  }
  return "pending";
}

double RetryPolicy::DelayAfter(int failures) const {
  if (failures <= 0) return 0;
  double delay = initial_backoff_s * std::pow(2.0, std::min(failures - 1, 30));
  return std::min(delay, max_backoff_s);
}

Status JobStore::EnqueueDelivery(const Delivery& d, double now) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_,
                    "INSERT OR IGNORE INTO deliveries(job_id, destination, path, sop_class_uid, "
                    "sop_instance_uid, state, next_attempt_at, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)");
  s.Bind(1, d.job_id)
      .Bind(2, d.destination)
      .Bind(3, d.path)
      .Bind(4, d.sop_class_uid)
      .Bind(5, d.sop_instance_uid)
      .Bind(6, now)
      .Bind(7, now)
      .Bind(8, now);
  s.Step();
  return s.status();
}

Result<std::vector<Delivery>> JobStore::DueDeliveries(double now, int limit) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_, (std::string("SELECT ") + kColumns +
                          " FROM deliveries WHERE state = 'pending' AND next_attempt_at <= ? "
                          "ORDER BY id LIMIT ?")
                             .c_str());
  s.Bind(1, now).Bind(2, limit);
  std::vector<Delivery> out;
  while (s.Step()) out.push_back(ReadDelivery(s));
  if (!s.status().ok()) return s.status();
  return out;
}

Result<std::vector<Delivery>> JobStore::DeliveriesOf(std::int64_t job_id) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(
      db_, (std::string("SELECT ") + kColumns + " FROM deliveries WHERE job_id = ? ORDER BY id")
               .c_str());
  s.Bind(1, job_id);
  std::vector<Delivery> out;
  while (s.Step()) out.push_back(ReadDelivery(s));
  if (!s.status().ok()) return s.status();
  return out;
}

Status JobStore::MarkDelivered(std::int64_t id, double now) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_,
                    "UPDATE deliveries SET state = 'sent', attempts = attempts + 1, "
                    "last_error = '', updated_at = ? WHERE id = ?");
  s.Bind(1, now).Bind(2, id);
  s.Step();
  return s.status();
}

Status JobStore::MarkAttemptFailed(std::int64_t id, const std::string& error,
                                   double next_attempt_at, bool final, double now) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_,
                    "UPDATE deliveries SET state = ?, attempts = attempts + 1, last_error = ?, "
                    "next_attempt_at = ?, updated_at = ? WHERE id = ?");
  s.Bind(1, std::string(final ? "failed" : "pending"))
      .Bind(2, error)
      .Bind(3, next_attempt_at)
      .Bind(4, now)
      .Bind(5, id);
  s.Step();
  return s.status();
}

Status JobStore::ResetFailedDeliveries(std::int64_t job_id, double now) {
  std::lock_guard lock(mutex_);
  SqliteStatement s(db_,
                    "UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = ?, "
                    "updated_at = ? WHERE job_id = ? AND state = 'failed'");
  s.Bind(1, now).Bind(2, now).Bind(3, job_id);
  s.Step();
  return s.status();
}

}  // namespace ctscreen::jobs
