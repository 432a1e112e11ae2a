#include "ctscreen/jobs/job_latency.h"

#include <gtest/gtest.h>

namespace ctscreen::jobs {
namespace {

JobChange Move(std::int64_t job, std::optional<JobState> from, JobState to, double at) {
  JobChange c;
  c.job_id = job;
  c.from = from;
  c.to = to;
  c.at = at;
  return c;
}

TEST(JobLatencyTest, SamplesAreTimeSpentInEachState) {
  std::vector<JobChange> changes = {
      Move(1, std::nullopt, JobState::kIngest, 100),
      Move(2, std::nullopt, JobState::kIngest, 101),
      Move(1, JobState::kIngest, JobState::kQueued, 110),
      Move(1, JobState::kQueued, JobState::kProcessing, 112),
      Move(2, JobState::kIngest, JobState::kSkipped, 121),
      Move(1, JobState::kProcessing, JobState::kSending, 117),
      Move(1, JobState::kSending, JobState::kSent, 118),
  };
  auto samples = StageSamples(changes);
  ASSERT_EQ(samples.size(), 5u);
  auto summary = Summarize(samples);
  ASSERT_EQ(summary.size(), 4u);
  EXPECT_EQ(summary[0].stage, "ingest");
  EXPECT_EQ(summary[0].samples, 2);
  EXPECT_DOUBLE_EQ(summary[0].p50_s, 10);  // nearest rank of {10, 20}
  EXPECT_DOUBLE_EQ(summary[0].p95_s, 20);
  EXPECT_EQ(summary[1].stage, "queue");
  EXPECT_DOUBLE_EQ(summary[1].p50_s, 2);
  EXPECT_EQ(summary[2].stage, "processing");
  EXPECT_DOUBLE_EQ(summary[2].p50_s, 5);
  EXPECT_EQ(summary[3].stage, "delivery");
  EXPECT_DOUBLE_EQ(summary[3].p95_s, 1);
}

TEST(JobLatencyTest, NothingCompletedNothingReported) {
  EXPECT_TRUE(Summarize(StageSamples({Move(1, std::nullopt, JobState::kIngest, 1)})).empty());
}

}  // namespace
}  // namespace ctscreen::jobs
