#include "status_service.h"

#include <chrono>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "ctscreen/core/durable_file.h"
#include "ctscreen/jobs/job_latency.h"
#include "grpc_status.h"
#include "job_messages.h"

namespace ctscreen::api {

namespace {

// Start of today in local time, as epoch seconds: "today" for an IT person is their day.
double LocalMidnight(double now) {
  std::time_t t = static_cast<std::time_t>(now);
  std::tm tm{};
  localtime_r(&t, &tm);
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  return static_cast<double>(std::mktime(&tm));
}

void AddCounts(const std::vector<std::pair<jobs::JobState, std::int64_t>>& counts,
               google::protobuf::RepeatedPtrField<v1::StateCount>* out) {
  for (const auto& [state, n] : counts) {
    auto* c = out->Add();
    c->set_state(ToProto(state));
    c->set_count(n);
  }
}

}  // namespace

grpc::Status StatusServiceImpl::GetHealth(grpc::ServerContext* call, const v1::GetHealthRequest*,
                                          v1::GetHealthResponse* response) {
  Caller caller;
  if (auto s = Authorize(ctx_, call, Role::kViewer, &caller); !s.ok()) return s;
  std::string why;
  response->set_intake_paused(ctx_.gate.IsPaused(&why));
  response->set_intake_paused_reason(why);
  response->set_version(ctx_.version);
  response->set_uptime_s(ctx_.clock.Now() - ctx_.started_at);
  auto free_mb = core::FreeMegabytes(ctx_.config.storage.dir);
  if (!free_mb.ok()) {
    response->add_problems(free_mb.status().reason());
  } else if (*free_mb < ctx_.config.storage.min_free_mb) {
    response->add_problems("only " + std::to_string(*free_mb) + " MB free in " +
                           ctx_.config.storage.dir + " (storage.min_free_mb is " +
                           std::to_string(ctx_.config.storage.min_free_mb) +
                           "): new instances are refused");
  }
  if (auto last = ctx_.store.LastChangeId(); !last.ok()) {
    response->add_problems(last.status().reason());
  }
  response->set_serving(response->problems_size() == 0);
  return grpc::Status::OK;
}

grpc::Status StatusServiceImpl::ListJobs(grpc::ServerContext* call,
                                         const v1::ListJobsRequest* request,
                                         v1::ListJobsResponse* response) {
  Caller caller;
  if (auto s = Authorize(ctx_, call, Role::kViewer, &caller); !s.ok()) return s;
  jobs::JobFilter filter;
  for (int state : request->states()) {
    auto ours = FromProto(static_cast<v1::JobState>(state));
    if (!ours) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "unknown job state");
    filter.states.push_back(*ours);
  }
  filter.created_since = request->since();
  filter.created_until = request->until();
  filter.limit = request->page_size() <= 0 ? 100 : std::min(request->page_size(), 1000);
  if (!request->page_token().empty()) {
    try {
      filter.after_id = std::stoll(request->page_token());
    } catch (const std::exception&) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "page_token must be the next_page_token of a previous answer");
    }
  }
  // One more than asked tells whether another page follows.
  filter.limit += 1;
  auto found = ctx_.store.ListJobs(filter);
  if (!found.ok()) return ToGrpc(found.status());
  const int page = filter.limit - 1;
  for (int i = 0; i < static_cast<int>(found->size()) && i < page; ++i) {
    ToProto((*found)[i], response->add_jobs());
  }
  if (static_cast<int>(found->size()) > page) {
    response->set_next_page_token(std::to_string((*found)[page - 1].id));
  }
  return grpc::Status::OK;
}

grpc::Status StatusServiceImpl::GetJob(grpc::ServerContext* call, const v1::GetJobRequest* request,
                                       v1::Job* response) {
  Caller caller;
  if (auto s = Authorize(ctx_, call, Role::kViewer, &caller); !s.ok()) return s;
  auto job = ctx_.store.GetJob(request->id());
  if (!job.ok()) return ToGrpc(job.status());
  ToProto(*job, response);
  auto events = ctx_.store.Events(request->id());
  if (!events.ok()) return ToGrpc(events.status());
  auto deliveries = ctx_.store.DeliveriesOf(request->id());
  if (!deliveries.ok()) return ToGrpc(deliveries.status());
  std::map<std::string, v1::Delivery*> per_destination;
  for (const auto& d : *deliveries) {
    auto*& out = per_destination[d.destination];
    if (!out) {
      out = response->add_deliveries();
      out->set_destination(d.destination);
      out->set_state("sent");
    }
    // A destination is as far as its least advanced file.
    if (d.state == jobs::DeliveryState::kFailed) out->set_state("failed");
    if (d.state == jobs::DeliveryState::kPending && out->state() != "failed") {
      out->set_state("pending");
    }
    out->set_attempts(std::max(out->attempts(), d.attempts));
    if (!d.last_error.empty()) out->set_last_error(d.last_error);
  }
  for (const auto& e : *events) {
    auto* out = response->add_events();
    if (e.from) out->set_from(ToProto(*e.from));
    out->set_to(ToProto(e.to));
    out->set_at(e.at);
    out->set_reason(e.reason);
  }
  return grpc::Status::OK;
}

grpc::Status StatusServiceImpl::WatchJobs(grpc::ServerContext* call,
                                          const v1::WatchJobsRequest* request,
                                          grpc::ServerWriter<v1::JobChange>* writer) {
  Caller caller;
  if (auto s = Authorize(ctx_, call, Role::kViewer, &caller); !s.ok()) return s;
  std::set<int> wanted(request->states().begin(), request->states().end());
  auto last = ctx_.store.LastChangeId();
  if (!last.ok()) return ToGrpc(last.status());
  std::int64_t after = *last;
  // The job store is the only source of truth for moves (workers may run in other threads or
  // a later process); polling its event ids keeps the stream exact and gap-free.
  while (!call->IsCancelled() && !stopping_) {
    auto changes = ctx_.store.ChangesAfter(after, 500);
    if (!changes.ok()) return ToGrpc(changes.status());
    for (const auto& c : *changes) {
      after = c.event_id;
      if (!wanted.empty() && !wanted.count(ToProto(c.to))) continue;
      v1::JobChange out;
      out.set_job_id(c.job_id);
      out.set_series_uid(c.series_uid);
      if (c.from) out.set_from(ToProto(*c.from));
      out.set_to(ToProto(c.to));
      out.set_at(c.at);
      out.set_reason(c.reason);
      if (!writer->Write(out)) return grpc::Status::OK;  // the client went away
    }
    if (changes->empty()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return grpc::Status::OK;
}

grpc::Status StatusServiceImpl::GetStats(grpc::ServerContext* call, const v1::GetStatsRequest*,
                                         v1::GetStatsResponse* response) {
  Caller caller;
  if (auto s = Authorize(ctx_, call, Role::kViewer, &caller); !s.ok()) return s;
  const double now = ctx_.clock.Now();
  const double week_ago = now - 7 * 86400.0;
  auto today = ctx_.store.CountByState(LocalMidnight(now));
  auto week = ctx_.store.CountByState(week_ago);
  if (!today.ok()) return ToGrpc(today.status());
  if (!week.ok()) return ToGrpc(week.status());
  AddCounts(*today, response->mutable_today());
  AddCounts(*week, response->mutable_last_7_days());

  auto changes = ctx_.store.ChangesAfter(0, 1 << 30);
  if (!changes.ok()) return ToGrpc(changes.status());
  std::vector<jobs::JobChange> recent;
  std::int64_t completed_last_day = 0;
  for (const auto& c : *changes) {
    if (c.at < week_ago) continue;
    recent.push_back(c);
    if (c.at >= now - 86400.0 && c.from == jobs::JobState::kIngest &&
        c.to == jobs::JobState::kQueued) {
      ++completed_last_day;
    }
  }
  response->set_studies_per_hour(completed_last_day / 24.0);
  for (const auto& l : jobs::Summarize(jobs::StageSamples(recent))) {
    auto* out = response->add_latencies();
    out->set_stage(l.stage);
    out->set_p50_ms(l.p50_s * 1000);
    out->set_p95_ms(l.p95_s * 1000);
    out->set_samples(l.samples);
  }
  // Pipeline stages as each job's result.json recorded them, so these figures and result.json
  // agree for the same job.
  jobs::JobFilter screened;
  screened.created_since = week_ago;
  screened.limit = -1;
  auto recent_jobs = ctx_.store.ListJobs(screened);
  if (!recent_jobs.ok()) return ToGrpc(recent_jobs.status());
  std::map<std::string, std::vector<double>> pipeline_seconds;
  for (const auto& job : *recent_jobs) {
    if (job.verdict.empty()) continue;
    auto timings = nlohmann::json::parse(job.timings_json, nullptr, false);
    if (!timings.is_object()) continue;
    for (const auto& [stage, ms] : timings.items()) {
      if (ms.is_number()) pipeline_seconds["pipeline." + stage].push_back(ms.get<double>() / 1000);
    }
  }
  for (auto& [stage, seconds] : pipeline_seconds) {
    const jobs::StageLatency l = jobs::SummarizeStage(stage, std::move(seconds));
    auto* out = response->add_latencies();
    out->set_stage(l.stage);
    out->set_p50_ms(l.p50_s * 1000);
    out->set_p95_ms(l.p95_s * 1000);
    out->set_samples(l.samples);
  }

  auto queued = ctx_.store.ListJobs(jobs::JobState::kQueued);
  if (!queued.ok()) return ToGrpc(queued.status());
  response->set_queue_depth(static_cast<std::int64_t>(queued->size()));
  if (ctx_.activity) {
    for (const auto& a : ctx_.activity()) {
      auto* d = response->add_devices();
      d->set_device(a.device);
      d->set_job_id(a.job_id);
      d->set_activity(a.job_id ? "screening job " + std::to_string(a.job_id) : "idle");
    }
  } else {
    for (const auto& device : ctx_.config.pipeline.devices) {
      auto* d = response->add_devices();
      d->set_device(device);
      d->set_activity("not screening (no model bundle loaded)");
    }
  }
  for (const auto& [since, out] :
       {std::pair{LocalMidnight(now), response->mutable_verdicts_today()},
        std::pair{week_ago, response->mutable_verdicts_7_days()}}) {
    auto verdicts = ctx_.store.CountByVerdict(since);
    if (!verdicts.ok()) return ToGrpc(verdicts.status());
    for (const auto& [verdict, n] : *verdicts) {
      auto* v = out->Add();
      v->set_verdict(verdict);
      v->set_count(n);
    }
  }
  if (auto free_mb = core::FreeMegabytes(ctx_.config.storage.dir); free_mb.ok()) {
    response->set_free_disk_mb(*free_mb);
  }
  response->set_bundle_name(ctx_.bundle_name.empty() ? ctx_.config.pipeline.bundle
                                                     : ctx_.bundle_name);
  response->set_bundle_version(ctx_.bundle_version.empty() ? "not loaded" : ctx_.bundle_version);
  auto instances = ctx_.store.CountAllInstances();
  if (!instances.ok()) return ToGrpc(instances.status());
  response->set_instances_stored(*instances);
  return grpc::Status::OK;
}

}  // namespace ctscreen::api
