// How long jobs spend in each stage, from their recorded moves: the figures behind the
// status API's latency percentiles and the metrics' histograms.
#pragma once

#include <string>
#include <vector>

#include "ctscreen/jobs/job_store.h"

namespace ctscreen::jobs {

struct StageSample {
  std::string stage;  // ingest (first instance -> complete), queue, processing, delivery
  std::int64_t job_id = 0;
  double seconds = 0;
};

struct StageLatency {
  std::string stage;
  double p50_s = 0;
  double p95_s = 0;
  std::int64_t samples = 0;
};

// One sample per completed stage, from moves ordered by event id.
std::vector<StageSample> StageSamples(const std::vector<JobChange>& changes);

// Nearest-rank p50 and p95 of one stage's samples (in seconds; none gives zeros).
StageLatency SummarizeStage(const std::string& stage, std::vector<double> seconds);

// Percentiles per stage (nearest rank), stages in the order ingest, queue, processing,
// delivery; stages without samples are left out.
std::vector<StageLatency> Summarize(const std::vector<StageSample>& samples);

}  // namespace ctscreen::jobs
