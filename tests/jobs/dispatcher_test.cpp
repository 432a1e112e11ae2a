#include "ctscreen/jobs/dispatcher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <deque>
#include <filesystem>

namespace ctscreen::jobs {
namespace {

namespace fs = std::filesystem;

// Answers each Send with the next scripted kind, and records what it was asked.
class ScriptedSender : public DeliverySender {
 public:
  std::vector<SendResult> Send(const core::Destination& destination,
                               const std::vector<Delivery>& batch) override {
    std::vector<SendResult> out;
    for (size_t i = 0; i < batch.size(); ++i) {
      SendResult::Kind kind = script.empty() ? SendResult::Kind::kSent : script.front();
      if (!script.empty()) script.pop_front();
      out.push_back({kind, kind == SendResult::Kind::kSent ? "" : "PACS said no"});
      sent_to.push_back(destination.name + ":" + batch[i].sop_instance_uid);
    }
    return out;
  }
  std::deque<SendResult::Kind> script;
  std::vector<std::string> sent_to;
};

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ctscreen-dispatch-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store_ = std::move(JobStore::Open((dir_ / "jobs.sqlite").string()).value());
    destinations_ = {{"pacs", "PACS", "127.0.0.1", 4242, false}};
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  // A job in `sending` with `files` deliveries to pacs.
  std::int64_t SendingJob(int files) {
    auto job = store_->IngestJobFor("1.2.3", "1.2", clock_.Now());
    store_->Transition(job->id, JobState::kIngest, JobState::kQueued, "", clock_.Now());
    store_->Transition(job->id, JobState::kQueued, JobState::kProcessing, "", clock_.Now());
    for (int i = 0; i < files; ++i) {
      Delivery d;
      d.job_id = job->id;
      d.destination = "pacs";
      d.path = "/results/" + std::to_string(i) + ".dcm";
      d.sop_class_uid = "1.2.840.10008.5.1.4.1.1.66.4";
      d.sop_instance_uid = "9." + std::to_string(i);
      EXPECT_TRUE(store_->EnqueueDelivery(d, clock_.Now()).ok());
    }
    store_->Transition(job->id, JobState::kProcessing, JobState::kSending, "", clock_.Now());
    return job->id;
  }

  fs::path dir_;
  core::FakeClock clock_;
  std::unique_ptr<JobStore> store_;
  std::vector<core::Destination> destinations_;
  ScriptedSender sender_;
  RetryPolicy policy_{3, 5, 300};
};

TEST(RetryPolicyTest, DoublesUpToTheCap) {
  RetryPolicy p{100, 5, 60};
  EXPECT_DOUBLE_EQ(p.DelayAfter(1), 5);
  EXPECT_DOUBLE_EQ(p.DelayAfter(2), 10);
  EXPECT_DOUBLE_EQ(p.DelayAfter(4), 40);
  EXPECT_DOUBLE_EQ(p.DelayAfter(5), 60);
  EXPECT_DOUBLE_EQ(p.DelayAfter(1000), 60);
}

TEST_F(DispatcherTest, AllDeliveredMeansSent) {
  auto job = SendingJob(2);
  Dispatcher dispatcher(*store_, destinations_, policy_, sender_, clock_);
  EXPECT_EQ(dispatcher.RunOnce(), 2);
  EXPECT_EQ(store_->GetJob(job)->state, JobState::kSent);
  EXPECT_EQ(store_->GetJob(job)->reason, "delivered 2 files");
  EXPECT_EQ(dispatcher.RunOnce(), 0);  // nothing is sent twice
  EXPECT_EQ(sender_.sent_to.size(), 2u);
}

TEST_F(DispatcherTest, TransientFailuresBackOffThenSucceed) {
  auto job = SendingJob(1);
  sender_.script = {SendResult::Kind::kRetry, SendResult::Kind::kRetry};
  Dispatcher dispatcher(*store_, destinations_, policy_, sender_, clock_);
  EXPECT_EQ(dispatcher.RunOnce(), 1);
  EXPECT_EQ(dispatcher.RunOnce(), 0) << "retried before its backoff";
  clock_.Advance(5);
  EXPECT_EQ(dispatcher.RunOnce(), 1);
  clock_.Advance(9);
  EXPECT_EQ(dispatcher.RunOnce(), 0) << "second wait is 10 s";
  clock_.Advance(1);
  EXPECT_EQ(dispatcher.RunOnce(), 1);
  EXPECT_EQ(store_->GetJob(job)->state, JobState::kSent);
  EXPECT_EQ((*store_->DeliveriesOf(job))[0].attempts, 3);
}

TEST_F(DispatcherTest, GivesUpAfterMaxAttempts) {
  auto job = SendingJob(1);
  sender_.script = {SendResult::Kind::kRetry, SendResult::Kind::kRetry, SendResult::Kind::kRetry};
  Dispatcher dispatcher(*store_, destinations_, policy_, sender_, clock_);
  for (int i = 0; i < 3; ++i) {
    dispatcher.RunOnce();
    clock_.Advance(400);
  }
  auto failed = store_->GetJob(job);
  EXPECT_EQ(failed->state, JobState::kFailed);
  EXPECT_NE(failed->reason.find("gave up after 3 attempts"), std::string::npos) << failed->reason;
}

TEST_F(DispatcherTest, RefusalIsFinal) {
  auto job = SendingJob(2);
  sender_.script = {SendResult::Kind::kRefused, SendResult::Kind::kSent};
  Dispatcher dispatcher(*store_, destinations_, policy_, sender_, clock_);
  dispatcher.RunOnce();
  auto failed = store_->GetJob(job);
  EXPECT_EQ(failed->state, JobState::kFailed);
  EXPECT_EQ(failed->reason, "1 of 2 deliveries failed; last: pacs: PACS said no");
  // An operator retry puts the failed delivery back in the outbox.
  ASSERT_TRUE(store_->ResetFailedDeliveries(job, clock_.Now()).ok());
  ASSERT_TRUE(store_->Transition(job, JobState::kFailed, JobState::kSending, "retry", 0).ok());
  dispatcher.RunOnce();
  EXPECT_EQ(store_->GetJob(job)->state, JobState::kSent);
  EXPECT_EQ(sender_.sent_to.size(), 3u);
}

TEST_F(DispatcherTest, UnknownDestinationIsRefused) {
  auto job = SendingJob(1);
  Dispatcher dispatcher(*store_, {}, policy_, sender_, clock_);
  dispatcher.RunOnce();
  EXPECT_EQ(store_->GetJob(job)->state, JobState::kFailed);
  EXPECT_NE(store_->GetJob(job)->reason.find("'pacs' is no longer configured"), std::string::npos);
  EXPECT_TRUE(sender_.sent_to.empty());
}

}  // namespace
}  // namespace ctscreen::jobs
