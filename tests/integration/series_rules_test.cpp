// Quiet-period completion, late instances, duplicates and skip rules, end to end.
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ct_series_writer.h"
#include "server_under_test.h"

namespace ctscreen::testing {
namespace {

namespace fs = std::filesystem;
using jobs::JobState;

TEST(SeriesRulesTest, LateInstanceStartsANewRevision) {
  ServerUnderTest server("late");
  ASSERT_TRUE(server.Start()) << server.log();
  CtSeriesSpec spec;
  spec.slices = 6;
  spec.series_uid = NewTestUid();
  auto files = WriteCtSeries(spec, server.work_dir() + "/in");
  const std::string late = files.back();
  files.pop_back();
  ASSERT_EQ(server.Send(files).exit_code, 0);
  ASSERT_TRUE(server.WaitForSeriesComplete(spec.series_uid, 10));
  auto store = server.OpenStore();
  auto jobs = store->JobsOfSeries(spec.series_uid);
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].state, JobState::kQueued);
  EXPECT_EQ((*jobs)[0].instance_count, 5);

  ASSERT_EQ(server.Send({late}).exit_code, 0);
  ASSERT_TRUE(server.WaitForSeriesComplete(spec.series_uid, 10));
  jobs = store->JobsOfSeries(spec.series_uid);
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[1].revision, 2);
  EXPECT_EQ((*jobs)[1].state, JobState::kQueued);
  EXPECT_EQ((*jobs)[1].instance_count, 6);
  EXPECT_EQ((*jobs)[0].state, JobState::kCancelled);
  // Every move is recorded.
  auto events = store->Events((*jobs)[0].id);
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[2].reason, "superseded by revision 2");
}

TEST(SeriesRulesTest, IdenticalDuplicateIsAcknowledgedAndIgnored) {
  ServerUnderTest server("dupsame");
  ASSERT_TRUE(server.Start()) << server.log();
  CtSeriesSpec spec;
  spec.slices = 4;
  spec.series_uid = NewTestUid();
  auto files = WriteCtSeries(spec, server.work_dir() + "/in");
  ASSERT_EQ(server.Send(files).exit_code, 0);
  ASSERT_TRUE(server.WaitForSeriesComplete(spec.series_uid, 10));
  // Same content, even from another sender (the file meta header differs).
  auto again = server.StoreOne(files[0]);
  EXPECT_EQ(again.status, 0x0000) << again.output;
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto jobs = server.OpenStore()->JobsOfSeries(spec.series_uid);
  EXPECT_EQ(jobs->size(), 1u) << "an identical resend must not open a new revision";
}

TEST(SeriesRulesTest, ChangedDuplicateFollowsThePolicy) {
  for (const std::string policy : {"reject", "keep_first", "replace"}) {
    SCOPED_TRACE(policy);
    ServerUnderTest server("dup" + policy);
    ASSERT_TRUE(server.Start({"series.duplicate_policy=" + policy})) << server.log();
    CtSeriesSpec spec;
    spec.slices = 4;
    spec.series_uid = NewTestUid();
    auto files = WriteCtSeries(spec, server.work_dir() + "/in");
    ASSERT_EQ(server.Send(files).exit_code, 0);
    ASSERT_TRUE(server.WaitForSeriesComplete(spec.series_uid, 10));
    const std::string changed = server.work_dir() + "/changed.dcm";
    EditDataSet(files[0], changed, [](DcmDataset& ds) {
      ds.putAndInsertString(DCM_SeriesDescription, "corrected by the technologist");
    });
    auto outcome = server.StoreOne(changed);
    auto store = server.OpenStore();
    if (policy == "reject") {
      EXPECT_EQ(outcome.status, 0x0111) << outcome.output;
    } else {
      EXPECT_EQ(outcome.status, 0x0000) << outcome.output;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    auto jobs = store->JobsOfSeries(spec.series_uid);
    EXPECT_EQ(jobs->size(), policy == "replace" ? 2u : 1u);
    auto rec = store->FindInstance(SopInstanceUidOf(files[0]));
    ASSERT_TRUE(rec.ok() && rec->has_value());
    const bool replaced =
        RunCommand("dcmdump +P SeriesDescription " + (*rec)->path).output.find("corrected") !=
        std::string::npos;
    EXPECT_EQ(replaced, policy == "replace");
  }
}

TEST(SeriesRulesTest, LocalizersAndShortSeriesAreSkippedWithReason) {
  ServerUnderTest server("skip");
  ASSERT_TRUE(server.Start({"series.min_slices=10"})) << server.log();
  CtSeriesSpec scout;
  scout.slices = 12;
  scout.series_uid = NewTestUid();
  scout.image_type = "ORIGINAL\\PRIMARY\\LOCALIZER";
  WriteCtSeries(scout, server.work_dir() + "/scout");
  CtSeriesSpec short_series;
  short_series.slices = 4;
  short_series.series_uid = NewTestUid();
  WriteCtSeries(short_series, server.work_dir() + "/short");
  ASSERT_EQ(server.Send({server.work_dir() + "/scout", server.work_dir() + "/short"}).exit_code, 0);
  ASSERT_TRUE(server.WaitForSeriesComplete(scout.series_uid, 10));
  ASSERT_TRUE(server.WaitForSeriesComplete(short_series.series_uid, 10));
  auto store = server.OpenStore();
  auto scout_job = (*store->JobsOfSeries(scout.series_uid))[0];
  EXPECT_EQ(scout_job.state, JobState::kSkipped);
  EXPECT_NE(scout_job.reason.find("skipped image type"), std::string::npos) << scout_job.reason;
  auto short_job = (*store->JobsOfSeries(short_series.series_uid))[0];
  EXPECT_EQ(short_job.state, JobState::kSkipped);
  EXPECT_EQ(short_job.reason, "4 usable slices; series.min_slices is 10");
}

TEST(SeriesRulesTest, WrongConfigurationIsRefusedWithFileAndLine) {
  ServerUnderTest server("badconfig");
  const std::string config = server.work_dir() + "/bad.yaml";
  std::ofstream(config) << "listener:\n  aet: CTSCREEN\n  prot: 11112\n";
  auto r =
      RunCommand(BinaryDir() + "/src/app/ctscreen serve --config " + config + " --check-config");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("bad.yaml:3: unknown key 'listener.prot'"), std::string::npos)
      << r.output;
  auto ok = RunCommand(BinaryDir() + "/src/app/ctscreen serve --config " + SourceDir() +
                       "/config/ctscreen.yaml --check-config");
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("not active yet"), std::string::npos);
}

}  // namespace
}  // namespace ctscreen::testing
