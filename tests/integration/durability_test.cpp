// kill -9 in the middle of a transfer, restart: every acknowledged instance is present and
// indexed, nothing half-written remains, and the job state is consistent.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

#include "ct_series_writer.h"
#include "server_under_test.h"

namespace ctscreen::testing {
namespace {

namespace fs = std::filesystem;

// Files storescu -v says were acknowledged with Success: a "Sending file: F" line followed by
// "Received Store Response (Success)".
std::set<std::string> AcknowledgedFiles(const std::string& storescu_log) {
  std::set<std::string> acked;
  std::istringstream lines(storescu_log);
  std::string line, current;
  while (std::getline(lines, line)) {
    auto at = line.find("Sending file: ");
    if (at != std::string::npos) current = line.substr(at + 14);
    if (line.find("Received Store Response (Success)") != std::string::npos && !current.empty()) {
      acked.insert(current);
      current.clear();
    }
  }
  return acked;
}

int CountOccurrences(const std::string& text, const std::string& needle) {
  int n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(DurabilityTest, KillNineDuringTransferLosesNothingAcknowledged) {
  ServerUnderTest server("kill9");
  ASSERT_TRUE(server.Start({"series.quiet_period_s=2"})) << server.log();
  CtSeriesSpec spec;
  spec.slices = 300;
  spec.rows = spec.columns = 256;
  spec.series_uid = NewTestUid();
  auto files = WriteCtSeries(spec, server.work_dir() + "/in");

  const std::string sender_log = server.work_dir() + "/storescu.log";
  std::vector<std::string> argv = {"storescu", "-v",        "-aec",
                                   "CTSCREEN", "127.0.0.1", std::to_string(server.port())};
  argv.insert(argv.end(), files.begin(), files.end());
  pid_t sender = Spawn(argv, sender_log);
  // Kill once a good part of the series is acknowledged, while the rest is still flowing.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (CountOccurrences(ReadFile(sender_log), "(Success)") < 60 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  server.Kill9();
  StopProcess(sender, 0, 30);
  auto acked = AcknowledgedFiles(ReadFile(sender_log));
  ASSERT_GE(acked.size(), 60u);
  ASSERT_LT(acked.size(), files.size()) << "the transfer finished before the kill";

  ASSERT_TRUE(server.Start({"series.quiet_period_s=2"})) << server.log();
  EXPECT_TRUE(server.WaitForLog("spool reconciled"));
  EXPECT_TRUE(fs::is_empty(server.storage_dir() + "/incoming"));
  auto store = server.OpenStore();
  for (const auto& f : acked) {
    auto rec = store->FindInstance(SopInstanceUidOf(f));
    ASSERT_TRUE(rec.ok() && rec->has_value()) << "acknowledged but lost: " << f;
    EXPECT_TRUE(fs::exists((*rec)->path));
    EXPECT_EQ(SopInstanceUidOf((*rec)->path), SopInstanceUidOf(f)) << "stored file unreadable";
  }
  // Every file in the spool is indexed, and every indexed file exists.
  auto indexed = store->InstancesOfSeries(spec.series_uid);
  int on_disk = 0;
  for (const auto& e : fs::recursive_directory_iterator(server.storage_dir() + "/spool")) {
    if (e.is_regular_file()) ++on_disk;
  }
  EXPECT_EQ(static_cast<int>(indexed->size()), on_disk);

  // The interrupted series completes after its quiet period with what was stored...
  ASSERT_TRUE(server.WaitForSeriesComplete(spec.series_uid, 20));
  auto jobs = store->JobsOfSeries(spec.series_uid);
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].state, jobs::JobState::kQueued);
  EXPECT_EQ((*jobs)[0].instance_count, static_cast<int>(indexed->size()));

  // ...and when the PACS sends the whole series again, the stored part is recognised and the
  // next revision holds all 300, superseding the partial one.
  auto resend = server.Send({server.work_dir() + "/in"});
  ASSERT_EQ(resend.exit_code, 0) << resend.output;
  ASSERT_TRUE(server.WaitForSeriesComplete(spec.series_uid, 20));
  jobs = store->JobsOfSeries(spec.series_uid);
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].state, jobs::JobState::kCancelled);
  EXPECT_EQ((*jobs)[0].reason, "superseded by revision 2");
  EXPECT_EQ((*jobs)[1].state, jobs::JobState::kQueued);
  EXPECT_EQ((*jobs)[1].instance_count, 300);
}

TEST(DurabilityTest, SenderKilledMidTransferLeavesNoDebris) {
  ServerUnderTest server("sendergone");
  ASSERT_TRUE(server.Start()) << server.log();
  CtSeriesSpec spec;
  spec.slices = 200;
  spec.rows = spec.columns = 256;
  spec.series_uid = NewTestUid();
  auto files = WriteCtSeries(spec, server.work_dir() + "/in");
  const std::string sender_log = server.work_dir() + "/storescu.log";
  std::vector<std::string> argv = {"storescu", "-v", "-aec", "CTSCREEN", "127.0.0.1",
                                   std::to_string(server.port())};
  argv.insert(argv.end(), files.begin(), files.end());
  pid_t sender = Spawn(argv, sender_log);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (CountOccurrences(ReadFile(sender_log), "(Success)") < 30 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  StopProcess(sender, SIGKILL);
  auto acked = AcknowledgedFiles(ReadFile(sender_log));
  ASSERT_TRUE(server.WaitForLog("from STORESCU@127.0.0.1 aborted")) << server.log();
  // Nothing half-received stays behind, everything acknowledged is kept, the server serves on.
  EXPECT_TRUE(fs::is_empty(server.storage_dir() + "/incoming"));
  auto store = server.OpenStore();
  for (const auto& f : acked) {
    EXPECT_TRUE(store->FindInstance(SopInstanceUidOf(f))->has_value()) << f;
  }
  EXPECT_EQ(server.Echo().exit_code, 0);
}

TEST(DurabilityTest, QuietPeriodResumesAfterRestart) {
  ServerUnderTest server("resume");
  ASSERT_TRUE(server.Start({"series.quiet_period_s=3"})) << server.log();
  CtSeriesSpec spec;
  spec.slices = 5;
  spec.series_uid = NewTestUid();
  WriteCtSeries(spec, server.work_dir() + "/in");
  ASSERT_EQ(server.Send({server.work_dir() + "/in"}).exit_code, 0);
  server.Stop();  // before the quiet period ends
  ASSERT_TRUE(server.Start({"series.quiet_period_s=3"})) << server.log();
  EXPECT_TRUE(server.WaitForLog("1 series resume their quiet period"));
  ASSERT_TRUE(server.WaitForSeriesComplete(spec.series_uid, 15));
  auto jobs = server.OpenStore()->JobsOfSeries(spec.series_uid);
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].state, jobs::JobState::kQueued);
  EXPECT_EQ((*jobs)[0].instance_count, 5);
}

}  // namespace
}  // namespace ctscreen::testing
