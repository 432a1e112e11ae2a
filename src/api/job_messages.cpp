#include "job_messages.h"

#include <filesystem>
#include <nlohmann/json.hpp>

namespace ctscreen::api {

namespace {

using jobs::JobState;

constexpr std::pair<JobState, v1::JobState> kStates[] = {
    {JobState::kIngest, v1::INGEST},
    {JobState::kQueued, v1::QUEUED},
    {JobState::kProcessing, v1::PROCESSING},
    {JobState::kSending, v1::SENDING},
    {JobState::kSent, v1::SENT},
    {JobState::kSkipped, v1::SKIPPED},
    {JobState::kRejected, v1::REJECTED},
    {JobState::kFailed, v1::FAILED},
    {JobState::kCancelled, v1::CANCELLED},
};

}  // namespace

v1::JobState ToProto(JobState state) {
  for (const auto& [ours, theirs] : kStates) {
    if (ours == state) return theirs;
  }
  return v1::JOB_STATE_UNSPECIFIED;
}

std::optional<JobState> FromProto(v1::JobState state) {
  for (const auto& [ours, theirs] : kStates) {
    if (theirs == state) return ours;
  }
  return std::nullopt;
}

void ToProto(const jobs::JobRecord& r, v1::Job* job) {
  job->set_id(r.id);
  job->set_study_uid(r.study_uid);
  job->set_series_uid(r.series_uid);
  job->set_revision(r.revision);
  job->set_state(ToProto(r.state));
  job->set_reason(r.reason);
  job->set_instance_count(r.instance_count);
  job->set_attempts(r.attempts);
  job->set_created_at(r.created_at);
  job->set_updated_at(r.updated_at);
  job->set_verdict(r.verdict);
  job->set_probability(r.probability);
  // Stage timings are stored as result.json writes them: {"read": 812.5, ...}.
  auto timings = nlohmann::json::parse(r.timings_json.empty() ? "{}" : r.timings_json, nullptr,
                                       /*allow_exceptions=*/false);
  if (timings.is_object()) {
    for (const auto& [stage, ms] : timings.items()) {
      if (!ms.is_number()) continue;
      auto* t = job->add_timings();
      t->set_stage(stage);
      t->set_ms(ms.get<double>());
    }
  }
  if (!r.result_dir.empty()) {
    for (const char* name : {"result.json", "seg.dcm", "sr.dcm"}) {
      if (std::filesystem::exists(r.result_dir + "/" + name)) {
        job->add_outputs(r.result_dir + "/" + name);
      }
    }
  }
}

}  // namespace ctscreen::api
