#include <sstream>

#include "ctscreen/api/api_server.h"
#include "ctscreen/core/durable_file.h"
#include "ctscreen/jobs/job_latency.h"

namespace ctscreen::api {

namespace {

void Header(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

}  // namespace

std::string RenderMetrics(jobs::JobStore& store, const core::Config& config,
                          const core::IngestCounters* counters, const core::IntakeGate& gate) {
  std::ostringstream out;
  if (counters) {
    Header(out, "ctscreen_associations_total", "counter", "DICOM associations accepted.");
    out << "ctscreen_associations_total " << counters->associations << '\n';
    Header(out, "ctscreen_associations_refused_total", "counter",
           "DICOM associations refused (allow-list, called AE, limit, paused intake).");
    out << "ctscreen_associations_refused_total " << counters->associations_refused << '\n';
    Header(out, "ctscreen_instances_stored_total", "counter",
           "Instances acknowledged after they were durable.");
    out << "ctscreen_instances_stored_total " << counters->instances_stored << '\n';
    Header(out, "ctscreen_bytes_stored_total", "counter", "Bytes of acknowledged instances.");
    out << "ctscreen_bytes_stored_total " << counters->bytes_stored << '\n';
    Header(out, "ctscreen_instances_refused_total", "counter",
           "Instances refused with a failure status, by reason.");
    for (int i = 1; i < core::IngestCounters::kCodes; ++i) {
      out << "ctscreen_instances_refused_total{reason=\""
          << core::ErrorCodeName(static_cast<core::ErrorCode>(i)) << "\"} "
          << counters->instances_refused[i] << '\n';
    }
  }
  Header(out, "ctscreen_jobs", "gauge", "Jobs by current state.");
  auto counts = store.CountByState(0);
  for (auto state : jobs::AllJobStates()) {
    std::int64_t n = 0;
    if (counts.ok()) {
      for (const auto& [s, c] : *counts) {
        if (s == state) n = c;
      }
    }
    out << "ctscreen_jobs{state=\"" << jobs::JobStateName(state) << "\"} " << n << '\n';
  }
  Header(out, "ctscreen_jobs_verdict_total", "counter", "Screened jobs by verdict.");
  auto verdicts = store.CountByVerdict(0);
  for (const char* verdict :
       {"covid19_likely", "covid19_unlikely", "no_lesion", "not_assessable"}) {
    std::int64_t n = 0;
    if (verdicts.ok()) {
      for (const auto& [v, c] : *verdicts) {
        if (v == verdict) n = c;
      }
    }
    out << "ctscreen_jobs_verdict_total{verdict=\"" << verdict << "\"} " << n << '\n';
  }
  Header(out, "ctscreen_stage_duration_seconds", "histogram",
         "Time jobs spent in each stage (ingest includes the quiet period).");
  static const double kBuckets[] = {0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800};
  if (auto changes = store.ChangesAfter(0, 1 << 30); changes.ok()) {
    auto samples = jobs::StageSamples(*changes);
    for (const char* stage : {"ingest", "queue", "processing", "delivery"}) {
      double sum = 0;
      std::int64_t count = 0;
      std::vector<std::int64_t> in_bucket(std::size(kBuckets), 0);
      for (const auto& s : samples) {
        if (s.stage != stage) continue;
        sum += s.seconds;
        ++count;
        for (size_t b = 0; b < std::size(kBuckets); ++b) {
          if (s.seconds <= kBuckets[b]) ++in_bucket[b];
        }
      }
      for (size_t b = 0; b < std::size(kBuckets); ++b) {
        out << "ctscreen_stage_duration_seconds_bucket{stage=\"" << stage << "\",le=\""
            << kBuckets[b] << "\"} " << in_bucket[b] << '\n';
      }
      out << "ctscreen_stage_duration_seconds_bucket{stage=\"" << stage << "\",le=\"+Inf\"} "
          << count << '\n';
      out << "ctscreen_stage_duration_seconds_sum{stage=\"" << stage << "\"} " << sum << '\n';
      out << "ctscreen_stage_duration_seconds_count{stage=\"" << stage << "\"} " << count << '\n';
    }
  }
  Header(out, "ctscreen_delivery_retries_total", "counter",
         "C-STORE retries to destinations (result delivery is not active in this release).");
  out << "ctscreen_delivery_retries_total 0\n";
  Header(out, "ctscreen_disk_free_bytes", "gauge", "Free space in storage.dir.");
  auto free_mb = core::FreeMegabytes(config.storage.dir);
  out << "ctscreen_disk_free_bytes " << (free_mb.ok() ? *free_mb * 1024 * 1024 : 0) << '\n';
  Header(out, "ctscreen_intake_paused", "gauge", "1 while an operator has paused intake.");
  out << "ctscreen_intake_paused " << (gate.IsPaused() ? 1 : 0) << '\n';
  return out.str();
}

}  // namespace ctscreen::api
