#include "ctscreen/jobs/job_state.h"

#include <array>
#include <utility>

namespace ctscreen::jobs {
namespace {

using S = JobState;

// The allowed moves. Anything not listed is refused by JobStore::Transition.
constexpr std::array<std::pair<S, S>, 19> kAllowed = {{
    {S::kIngest, S::kQueued},        {S::kIngest, S::kSkipped},
    {S::kIngest, S::kCancelled},     {S::kQueued, S::kProcessing},
    {S::kQueued, S::kCancelled},     {S::kProcessing, S::kSending},
    {S::kProcessing, S::kRejected},  {S::kProcessing, S::kFailed},
    {S::kProcessing, S::kQueued},  // resumed after a restart or a lost worker
    {S::kProcessing, S::kCancelled}, {S::kSending, S::kSent},
    {S::kSending, S::kFailed},       {S::kSending, S::kCancelled},
    {S::kFailed, S::kQueued},    // operator: reprocess
    {S::kFailed, S::kSending},   // operator: retry delivery
    {S::kRejected, S::kQueued},  // operator: reprocess after fixing the cause
    {S::kSent, S::kSending},     // operator: deliver again
    {S::kSkipped, S::kQueued},   // operator: screen it anyway
    {S::kCancelled, S::kQueued},
}};

constexpr std::array<std::pair<S, const char*>, 9> kNames = {{
    {S::kIngest, "ingest"},
    {S::kQueued, "queued"},
    {S::kProcessing, "processing"},
    {S::kSending, "sending"},
    {S::kSent, "sent"},
    {S::kSkipped, "skipped"},
    {S::kRejected, "rejected"},
    {S::kFailed, "failed"},
    {S::kCancelled, "cancelled"},
}};

}  // namespace

const char* JobStateName(JobState state) {
  for (const auto& [s, name] : kNames) {
    if (s == state) return name;
  }
  return "unknown";
}

std::optional<JobState> ParseJobState(const std::string& name) {
  for (const auto& [s, n] : kNames) {
    if (name == n) return s;
  }
  return std::nullopt;
}

std::vector<JobState> AllJobStates() {
  std::vector<JobState> all;
  for (const auto& [s, name] : kNames) all.push_back(s);
  return all;
}

bool IsAllowedTransition(JobState from, JobState to) {
  for (const auto& [f, t] : kAllowed) {
    if (f == from && t == to) return true;
  }
  return false;
}

bool IsTerminal(JobState state) {
  return state == S::kSent || state == S::kSkipped || state == S::kRejected ||
         state == S::kFailed || state == S::kCancelled;
}

}  // namespace ctscreen::jobs
