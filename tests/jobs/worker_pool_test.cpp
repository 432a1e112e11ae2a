#include "ctscreen/jobs/worker_pool.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace ctscreen::jobs {
namespace {

namespace fs = std::filesystem;

class ScriptedRunner : public JobRunner {
 public:
  JobOutcome Run(const JobRecord& job, const std::string& device) override {
    ran.push_back(std::to_string(job.id) + "@" + device);
    JobOutcome o;
    o.kind = kind;
    o.reason = kind == JobOutcome::Kind::kScreened ? "screened: covid19_likely" : "no lungs";
    o.result.verdict = "covid19_likely";
    o.result.probability = 0.93;
    o.result.device = device;
    o.outputs = {{"/r/seg.dcm", "1.2.840.10008.5.1.4.1.1.66.4", "7.1"},
                 {"/r/sr.dcm", "1.2.840.10008.5.1.4.1.1.88.34", "7.2"}};
    return o;
  }
  JobOutcome::Kind kind = JobOutcome::Kind::kScreened;
  std::vector<std::string> ran;
};

class WorkerPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ctscreen-workers-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store_ = std::move(JobStore::Open((dir_ / "jobs.sqlite").string()).value());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  std::int64_t QueuedJob(const std::string& series) {
    auto job = store_->IngestJobFor(series, "1.2", clock_.Now());
    store_->Transition(job->id, JobState::kIngest, JobState::kQueued, "", clock_.Now());
    return job->id;
  }
  fs::path dir_;
  core::FakeClock clock_;
  std::unique_ptr<JobStore> store_;
  ScriptedRunner runner_;
};

TEST_F(WorkerPoolTest, ScreenedJobQueuesItsOutputsForEveryDestination) {
  auto job = QueuedJob("1.1");
  int poked = 0;
  WorkerPool pool(*store_, runner_, {"cpu"},
                  {{"pacs", "PACS", "h", 104, false}, {"archive", "ARCH", "h", 104, false}}, clock_,
                  [&] { ++poked; });
  EXPECT_TRUE(pool.RunOne("cpu"));
  EXPECT_FALSE(pool.RunOne("cpu"));
  auto done = store_->GetJob(job);
  EXPECT_EQ(done->state, JobState::kSending);
  EXPECT_EQ(done->verdict, "covid19_likely");
  EXPECT_DOUBLE_EQ(done->probability, 0.93);
  EXPECT_EQ(done->device, "cpu");
  EXPECT_EQ(store_->DeliveriesOf(job)->size(), 4u);
  EXPECT_EQ(poked, 1);
  auto events = store_->Events(job);
  EXPECT_EQ(events->back().reason, "screened: covid19_likely");
}

TEST_F(WorkerPoolTest, NoDestinationMeansSentAtOnce) {
  auto job = QueuedJob("1.2");
  WorkerPool pool(*store_, runner_, {"cpu"}, {}, clock_);
  pool.RunOne("cpu");
  EXPECT_EQ(store_->GetJob(job)->state, JobState::kSent);
  EXPECT_EQ(store_->GetJob(job)->reason, "no destinations configured");
}

TEST_F(WorkerPoolTest, RejectionAndFailureKeepTheirReasonAndOthersGoOn) {
  auto first = QueuedJob("1.3");
  auto second = QueuedJob("1.4");
  WorkerPool pool(*store_, runner_, {"cpu"}, {}, clock_);
  runner_.kind = JobOutcome::Kind::kRejected;
  pool.RunOne("cpu");
  runner_.kind = JobOutcome::Kind::kScreened;
  pool.RunOne("cpu");
  EXPECT_EQ(store_->GetJob(first)->state, JobState::kRejected);
  EXPECT_EQ(store_->GetJob(first)->reason, "no lungs");
  EXPECT_EQ(store_->GetJob(second)->state, JobState::kSent);
  EXPECT_EQ(runner_.ran, (std::vector<std::string>{"1@cpu", "2@cpu"}));
}

TEST_F(WorkerPoolTest, TwoWorkersNeverTakeTheSameJob) {
  for (int i = 0; i < 20; ++i) QueuedJob("2." + std::to_string(i));
  core::SystemClock clock;
  WorkerPool pool(*store_, runner_, {"cpu", "cuda:0"}, {}, clock);
  pool.Start(0.01);
  for (int i = 0; i < 200 && store_->ListJobs(JobState::kSent)->size() < 20; ++i) usleep(20000);
  pool.Stop();
  EXPECT_EQ(store_->ListJobs(JobState::kSent)->size(), 20u);
  EXPECT_EQ(runner_.ran.size(), 20u);
}

}  // namespace
}  // namespace ctscreen::jobs
