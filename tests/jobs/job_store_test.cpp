#include "ctscreen/jobs/job_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace ctscreen::jobs {
namespace {

namespace fs = std::filesystem;

class JobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ctscreen-jobstore-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "jobs.sqlite").string();
    auto s = JobStore::Open(path_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s.value());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  static InstanceRecord Instance(const std::string& sop, const std::string& series) {
    InstanceRecord r;
    r.sop_instance_uid = sop;
    r.series_uid = series;
    r.study_uid = "1.2.3";
    r.sop_class_uid = "1.2.840.10008.5.1.4.1.1.2";
    r.transfer_syntax = "1.2.840.10008.1.2.1";
    r.path = "/spool/" + sop + ".dcm";
    r.size_bytes = 100;
    r.image_type = "ORIGINAL\\PRIMARY\\AXIAL";
    r.calling_aet = "PACS";
    r.received_at = 1.0;
    return r;
  }

  fs::path dir_;
  std::string path_;
  std::unique_ptr<JobStore> store_;
};

TEST_F(JobStoreTest, InstancesAreIndexedAndCounted) {
  ASSERT_TRUE(store_->PutInstance(Instance("1.1", "9.9")).ok());
  auto localizer = Instance("1.2", "9.9");
  localizer.usable = false;
  ASSERT_TRUE(store_->PutInstance(localizer).ok());
  EXPECT_EQ(*store_->CountInstances("9.9", false), 2);
  EXPECT_EQ(*store_->CountInstances("9.9", true), 1);
  auto found = store_->FindInstance("1.1");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->path, "/spool/1.1.dcm");
  EXPECT_FALSE(store_->FindInstance("7.7")->has_value());
}

TEST_F(JobStoreTest, IngestJobIsReusedUntilItMovesOn) {
  auto a = store_->IngestJobFor("9.9", "1.2.3", 10.0);
  ASSERT_TRUE(a.ok());
  auto b = store_->IngestJobFor("9.9", "1.2.3", 11.0);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->id, b->id);
  EXPECT_EQ(a->revision, 1);
  ASSERT_TRUE(store_->Transition(a->id, JobState::kIngest, JobState::kQueued, "complete", 12).ok());
  auto c = store_->IngestJobFor("9.9", "1.2.3", 13.0);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(c->id, a->id);
  EXPECT_EQ(c->revision, 2);
}

TEST_F(JobStoreTest, TransitionIsCompareAndSetAndRecorded) {
  auto job = store_->IngestJobFor("9.9", "1.2.3", 10.0);
  ASSERT_TRUE(job.ok());
  EXPECT_TRUE(store_->Transition(job->id, JobState::kIngest, JobState::kQueued, "done", 11).ok());
  // A second mover that still believes the job is in ingest loses.
  auto again = store_->Transition(job->id, JobState::kIngest, JobState::kSkipped, "late", 12);
  EXPECT_EQ(again.code(), core::ErrorCode::kIllegalTransition);
  // A move outside the table is refused before touching the database.
  auto illegal = store_->Transition(job->id, JobState::kQueued, JobState::kSent, "skip", 13);
  EXPECT_EQ(illegal.code(), core::ErrorCode::kIllegalTransition);
  EXPECT_EQ(store_->GetJob(job->id)->state, JobState::kQueued);

  auto events = store_->Events(job->id);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_FALSE((*events)[0].from.has_value());
  EXPECT_EQ((*events)[0].to, JobState::kIngest);
  EXPECT_EQ((*events)[1].from, JobState::kIngest);
  EXPECT_EQ((*events)[1].to, JobState::kQueued);
  EXPECT_EQ((*events)[1].reason, "done");
}

TEST_F(JobStoreTest, ContentSurvivesReopen) {
  auto job = store_->IngestJobFor("9.9", "1.2.3", 10.0);
  ASSERT_TRUE(store_->PutInstance(Instance("1.1", "9.9")).ok());
  store_.reset();
  auto reopened = JobStore::Open(path_);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(*(*reopened)->CountInstances("9.9", true), 1);
  auto jobs = (*reopened)->ListJobs(JobState::kIngest);
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].id, job->id);
}

TEST_F(JobStoreTest, UnwritableLocationIsRefusedWithReason) {
  auto bad = JobStore::Open("/proc/no/such/dir/jobs.sqlite");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().reason().find("storage.dir"), std::string::npos);
}

}  // namespace
}  // namespace ctscreen::jobs
