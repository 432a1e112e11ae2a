#include "ctscreen/ingest/ingest_service.h"

#include <gtest/gtest.h>

#include <fstream>

#include "ingest_test_support.h"

namespace ctscreen::ingest {
namespace {

namespace fs = std::filesystem;
using jobs::JobState;

class IngestServiceTest : public IngestFixture {};

TEST_F(IngestServiceTest, CommittedInstanceIsInTheSpoolAndIndexed) {
  auto files = Series(1, "1.2.4.1");
  ASSERT_TRUE(Receive(files[0]).ok());
  const std::string uid = ::ctscreen::testing::SopInstanceUidOf(files[0]);
  auto rec = store_->FindInstance(uid);
  ASSERT_TRUE(rec->has_value());
  EXPECT_EQ((*rec)->path, config_.storage.dir + "/spool/1.2.4.1/" + uid + ".dcm");
  EXPECT_TRUE(fs::exists((*rec)->path));
  EXPECT_TRUE(fs::is_empty(config_.storage.dir + "/incoming"));
}

// The crash window between rename and index: a file in the spool that the index does not
// know is indexed on start, and its series resumes the quiet period.
TEST_F(IngestServiceTest, ReconcileIndexesRenamedButUnindexedFiles) {
  auto files = Series(3, "1.2.4.2");
  fs::create_directories(config_.storage.dir + "/spool/1.2.4.2");
  for (const auto& f : files) {
    fs::copy_file(f, config_.storage.dir + "/spool/1.2.4.2/" +
                         ::ctscreen::testing::SopInstanceUidOf(f) + ".dcm");
  }
  std::ofstream(config_.storage.dir + "/incoming/123-4.tmp") << "half a data set";
  Open();
  auto report = service_->Reconcile();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->files_indexed, 3);
  EXPECT_EQ(report->temporaries_removed, 1);
  EXPECT_EQ(report->series_resumed, 1);
  EXPECT_EQ(*store_->CountInstances("1.2.4.2", true), 3);
  clock_.Advance(11);
  service_->tracker().Tick();
  EXPECT_EQ((*store_->JobsOfSeries("1.2.4.2"))[0].state, JobState::kQueued);
}

TEST_F(IngestServiceTest, ReconcileQuarantinesUnreadableSpoolFiles) {
  fs::create_directories(config_.storage.dir + "/spool/1.2.4.3");
  std::ofstream(config_.storage.dir + "/spool/1.2.4.3/9.9.dcm") << "not dicom";
  auto report = service_->Reconcile();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->files_quarantined, 1);
  EXPECT_TRUE(fs::exists(config_.storage.dir + "/quarantine/1.2.4.3-9.9.dcm"));
}

TEST_F(IngestServiceTest, ReconcileDropsIndexRowsWithoutFiles) {
  auto files = Series(1, "1.2.4.4");
  ASSERT_TRUE(Receive(files[0]).ok());
  const std::string uid = ::ctscreen::testing::SopInstanceUidOf(files[0]);
  fs::remove((*store_->FindInstance(uid))->path);
  auto report = service_->Reconcile();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->index_rows_dropped, 1);
  EXPECT_FALSE(store_->FindInstance(uid)->has_value());
}

TEST_F(IngestServiceTest, ReconcileRequeuesInterruptedProcessing) {
  auto job = store_->IngestJobFor("1.2.4.5", "1.2", clock_.Now());
  store_->Transition(job->id, JobState::kIngest, JobState::kQueued, "complete", clock_.Now());
  store_->Transition(job->id, JobState::kQueued, JobState::kProcessing, "worker", clock_.Now());
  auto report = service_->Reconcile();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->jobs_requeued, 1);
  EXPECT_EQ(store_->GetJob(job->id)->state, JobState::kQueued);
}

TEST_F(IngestServiceTest, RefusesBelowMinimumFreeSpace) {
  config_.storage.min_free_mb = 1'000'000'000;
  Open();
  auto s = service_->CanAccept();
  EXPECT_EQ(s.code(), core::ErrorCode::kDiskFull);
  EXPECT_NE(s.reason().find("storage.min_free_mb"), std::string::npos);
}

}  // namespace
}  // namespace ctscreen::ingest
