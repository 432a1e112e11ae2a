#include "ctscreen/jobs/worker_pool.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>

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

// pipeline.devices [cuda:0, cuda:0]: two workers of one device, each running its own job at
// the same time, each shown busy in Activity.
class RendezvousRunner : public JobRunner {
 public:
  JobOutcome Run(const JobRecord&, const std::string& device) override {
    std::unique_lock lock(mutex);
    ++inside;
    most = std::max(most, inside);
    met.notify_all();
    // Waits (up to a second) for the other worker to be inside too.
    met.wait_for(lock, std::chrono::seconds(1), [&] { return most >= 2; });
    if (inside == 2 && pool) both_busy = pool->Activity();
    --inside;
    JobOutcome o;
    o.kind = JobOutcome::Kind::kScreened;
    o.result.device = device;
    return o;
  }
  std::mutex mutex;
  std::condition_variable met;
  int inside = 0, most = 0;
  WorkerPool* pool = nullptr;
  std::vector<DeviceActivity> both_busy;  // Activity() while both workers were inside
};

TEST_F(WorkerPoolTest, OneDeviceListedTwiceRunsTwoJobsAtOnce) {
  for (int i = 0; i < 4; ++i) QueuedJob("3." + std::to_string(i));
  core::SystemClock clock;
  RendezvousRunner runner;
  WorkerPool pool(*store_, runner, {"cuda:0", "cuda:0"}, {}, clock);
  runner.pool = &pool;
  ASSERT_EQ(pool.Activity().size(), 2u);
  pool.Start(0.01);
  for (int i = 0; i < 200 && store_->ListJobs(JobState::kSent)->size() < 4; ++i) usleep(20000);
  pool.Stop();
  EXPECT_EQ(store_->ListJobs(JobState::kSent)->size(), 4u);
  EXPECT_EQ(runner.most, 2);
  ASSERT_EQ(runner.both_busy.size(), 2u);
  EXPECT_NE(runner.both_busy[0].job_id, 0);
  EXPECT_NE(runner.both_busy[1].job_id, 0);
  EXPECT_NE(runner.both_busy[0].job_id, runner.both_busy[1].job_id) << "each worker its own job";
}

}  // namespace
}  // namespace ctscreen::jobs
