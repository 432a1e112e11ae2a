#include "ctscreen/jobs/job_state.h"

#include <gtest/gtest.h>

namespace ctscreen::jobs {
namespace {

TEST(JobStateTest, NamesRoundTrip) {
  for (JobState s : AllJobStates()) {
    auto parsed = ParseJobState(JobStateName(s));
    ASSERT_TRUE(parsed.has_value()) << JobStateName(s);
    EXPECT_EQ(*parsed, s);
  }
  EXPECT_FALSE(ParseJobState("done").has_value());
}

TEST(JobStateTest, HappyPathIsAllowed) {
  EXPECT_TRUE(IsAllowedTransition(JobState::kIngest, JobState::kQueued));
  EXPECT_TRUE(IsAllowedTransition(JobState::kQueued, JobState::kProcessing));
  EXPECT_TRUE(IsAllowedTransition(JobState::kProcessing, JobState::kSending));
  EXPECT_TRUE(IsAllowedTransition(JobState::kSending, JobState::kSent));
}

TEST(JobStateTest, ShortcutsAndBackwardMovesAreRefused) {
  EXPECT_FALSE(IsAllowedTransition(JobState::kIngest, JobState::kSent));
  EXPECT_FALSE(IsAllowedTransition(JobState::kQueued, JobState::kIngest));
  EXPECT_FALSE(IsAllowedTransition(JobState::kSent, JobState::kIngest));
  EXPECT_FALSE(IsAllowedTransition(JobState::kSkipped, JobState::kSent));
  for (JobState s : AllJobStates()) EXPECT_FALSE(IsAllowedTransition(s, s)) << JobStateName(s);
}

TEST(JobStateTest, NothingMovesBackIntoIngest) {
  for (JobState s : AllJobStates()) {
    EXPECT_FALSE(IsAllowedTransition(s, JobState::kIngest)) << JobStateName(s);
  }
}

TEST(JobStateTest, TerminalStates) {
  EXPECT_TRUE(IsTerminal(JobState::kSent));
  EXPECT_TRUE(IsTerminal(JobState::kRejected));
  EXPECT_FALSE(IsTerminal(JobState::kIngest));
  EXPECT_FALSE(IsTerminal(JobState::kQueued));
}

}  // namespace
}  // namespace ctscreen::jobs
