#include "ctscreen/jobs/job_latency.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace ctscreen::jobs {

namespace {

// The stage a job was in while it sat in `state`.
const char* StageOf(JobState state) {
  switch (state) {
    case JobState::kIngest:
      return "ingest";
    case JobState::kQueued:
      return "queue";
    case JobState::kProcessing:
      return "processing";
    case JobState::kSending:
      return "delivery";
    default:
      return nullptr;
  }
}

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  size_t rank = static_cast<size_t>(std::ceil(p * values.size()));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

}  // namespace

std::vector<StageSample> StageSamples(const std::vector<JobChange>& changes) {
  std::map<std::int64_t, const JobChange*> entered;  // job -> the move into its current state
  std::vector<StageSample> out;
  for (const auto& change : changes) {
    auto it = entered.find(change.job_id);
    if (it != entered.end()) {
      if (const char* stage = StageOf(it->second->to)) {
        out.push_back({stage, change.job_id, change.at - it->second->at});
      }
    }
    entered[change.job_id] = &change;
  }
  return out;
}

StageLatency SummarizeStage(const std::string& stage, std::vector<double> seconds) {
  if (seconds.empty()) return {stage, 0, 0, 0};
  return {stage, Percentile(seconds, 0.5), Percentile(seconds, 0.95),
          static_cast<std::int64_t>(seconds.size())};
}

std::vector<StageLatency> Summarize(const std::vector<StageSample>& samples) {
  std::vector<StageLatency> out;
  for (const char* stage : {"ingest", "queue", "processing", "delivery"}) {
    std::vector<double> values;
    for (const auto& s : samples) {
      if (s.stage == stage) values.push_back(s.seconds);
    }
    if (!values.empty()) out.push_back(SummarizeStage(stage, std::move(values)));
  }
  return out;
}

}  // namespace ctscreen::jobs
