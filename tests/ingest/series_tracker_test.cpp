#include "ctscreen/ingest/series_tracker.h"

#include <gtest/gtest.h>

#include "ingest_test_support.h"

namespace ctscreen::ingest {
namespace {

using jobs::JobState;

class SeriesTrackerTest : public IngestFixture {};

TEST_F(SeriesTrackerTest, SeriesCompletesOnlyAfterTheQuietPeriod) {
  for (const auto& f : Series(5, "1.2.3.1")) ASSERT_TRUE(Receive(f).ok());
  EXPECT_EQ(service_->tracker().Tick(), 0);
  clock_.Advance(9.9);
  EXPECT_EQ(service_->tracker().Tick(), 0);
  // Another instance restarts the clock.
  auto more = Series(1, "1.2.3.1");
  ASSERT_TRUE(Receive(more[0]).ok());
  clock_.Advance(9.9);
  EXPECT_EQ(service_->tracker().Tick(), 0);
  clock_.Advance(0.2);
  EXPECT_EQ(service_->tracker().Tick(), 1);
  auto jobs = store_->JobsOfSeries("1.2.3.1");
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].state, JobState::kQueued);
  EXPECT_EQ((*jobs)[0].instance_count, 6);
}

TEST_F(SeriesTrackerTest, SkipRules) {
  for (const auto& f : Series(4, "1.2.3.2", "ORIGINAL\\PRIMARY\\LOCALIZER")) Receive(f);
  for (const auto& f : Series(2, "1.2.3.3")) Receive(f);
  clock_.Advance(11);
  EXPECT_EQ(service_->tracker().Tick(), 2);
  auto scout = (*store_->JobsOfSeries("1.2.3.2"))[0];
  EXPECT_EQ(scout.state, JobState::kSkipped);
  EXPECT_EQ(scout.reason, "every instance (4) has a skipped image type (series.skip_image_types)");
  auto tiny = (*store_->JobsOfSeries("1.2.3.3"))[0];
  EXPECT_EQ(tiny.state, JobState::kSkipped);
  EXPECT_EQ(tiny.reason, "2 usable slices; series.min_slices is 3");
}

TEST_F(SeriesTrackerTest, MixedSeriesCountsOnlyUsableSlices) {
  for (const auto& f : Series(4, "1.2.3.4")) Receive(f);
  for (const auto& f : Series(2, "1.2.3.4", "ORIGINAL\\PRIMARY\\LOCALIZER")) Receive(f);
  clock_.Advance(11);
  service_->tracker().Tick();
  auto job = (*store_->JobsOfSeries("1.2.3.4"))[0];
  EXPECT_EQ(job.state, JobState::kQueued);
  EXPECT_EQ(job.instance_count, 4);
  EXPECT_EQ(job.reason, "series complete: 4 slices (2 skipped)");
}

TEST_F(SeriesTrackerTest, ImageTypeMatchIsPerValueAndCaseInsensitive) {
  EXPECT_TRUE(service_->tracker().IsSkippedImageType("ORIGINAL\\PRIMARY\\LOCALIZER"));
  EXPECT_TRUE(service_->tracker().IsSkippedImageType("original\\primary\\localizer "));
  EXPECT_FALSE(service_->tracker().IsSkippedImageType("ORIGINAL\\PRIMARY\\AXIAL"));
  EXPECT_FALSE(service_->tracker().IsSkippedImageType("NOTLOCALIZER"));
}

TEST_F(SeriesTrackerTest, LateInstanceOpensRevisionAndSupersedesTheQueuedOne) {
  auto files = Series(4, "1.2.3.5");
  for (int i = 0; i < 3; ++i) Receive(files[i]);
  clock_.Advance(11);
  service_->tracker().Tick();
  ASSERT_TRUE(Receive(files[3]).ok());
  auto jobs = store_->JobsOfSeries("1.2.3.5");
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[1].state, JobState::kIngest);
  EXPECT_EQ((*jobs)[1].revision, 2);
  clock_.Advance(11);
  service_->tracker().Tick();
  jobs = store_->JobsOfSeries("1.2.3.5");
  EXPECT_EQ((*jobs)[0].state, JobState::kCancelled);
  EXPECT_EQ((*jobs)[1].state, JobState::kQueued);
  EXPECT_EQ((*jobs)[1].instance_count, 4);
}

TEST_F(SeriesTrackerTest, IdenticalDuplicateFromAnotherSenderIsIgnored) {
  auto files = Series(3, "1.2.3.6");
  for (const auto& f : files) Receive(f, "PACS");
  clock_.Advance(11);
  service_->tracker().Tick();
  ASSERT_TRUE(Receive(files[0], "OTHERPACS").ok());
  EXPECT_EQ(store_->JobsOfSeries("1.2.3.6")->size(), 1u);
  EXPECT_EQ((*store_->FindInstance(::ctscreen::testing::SopInstanceUidOf(files[0])))->calling_aet,
            "PACS");
}

TEST_F(SeriesTrackerTest, SeriesLimit) {
  config_.series.max_instances = 2;
  Open();
  auto files = Series(3, "1.2.3.7");
  EXPECT_TRUE(Receive(files[0]).ok());
  EXPECT_TRUE(Receive(files[1]).ok());
  auto third = Receive(files[2]);
  EXPECT_EQ(third.code(), core::ErrorCode::kSeriesLimit);
  EXPECT_TRUE(std::filesystem::is_empty(config_.storage.dir + "/incoming"));
}

}  // namespace
}  // namespace ctscreen::ingest
