// The one list of job states and the one table of allowed moves between them. Every move goes
// through JobStore::Transition, which checks this table and records an event row.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ctscreen::jobs {

enum class JobState {
  kIngest,      // instances of this series revision are still arriving (quiet period running)
  kQueued,      // series complete, waiting for a worker
  kProcessing,  // a worker runs the screening pipeline
  kSending,     // results are in the outbox, being delivered
  kSent,        // every destination acknowledged the results
  kSkipped,     // series is not a screening candidate (localizer, too few slices, ...)
  kRejected,    // input cannot be screened safely (geometry, no lungs); reason says why
  kFailed,      // processing or delivery gave up; reason says why
  kCancelled,   // by an operator, or superseded by a newer revision of the same series
};

const char* JobStateName(JobState state);
std::optional<JobState> ParseJobState(const std::string& name);
std::vector<JobState> AllJobStates();

// True when `from -> to` is one of the allowed moves.
bool IsAllowedTransition(JobState from, JobState to);

// True for states a job never leaves on its own (sent, skipped, rejected, failed, cancelled).
bool IsTerminal(JobState state);

}  // namespace ctscreen::jobs
