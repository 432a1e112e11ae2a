// The whole loop with a real PACS: a phantom study stored in Orthanc, Orthanc pushes it to a
// running ctscreen, a worker screens it with the shipped model bundle, and the SEG and SR come
// back into Orthanc in the same study; then the same with Orthanc down during delivery.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "ctscreen/api/token_store.h"
#include "orthanc.h"
#include "server_under_test.h"

namespace ctscreen::testing {
namespace {

namespace fs = std::filesystem;
using jobs::JobState;

// Polls until the series has a job in `state` (or `timeout_s` passes); returns it.
std::optional<jobs::JobRecord> WaitForState(const ServerUnderTest& server,
                                            const std::string& series, JobState state,
                                            double timeout_s) {
  auto store = server.OpenStore();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    auto jobs = store->JobsOfSeries(series);
    if (jobs.ok()) {
      for (const auto& j : *jobs) {
        if (j.state == state) return j;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return std::nullopt;
}

// Modalities of the series Orthanc holds for the study with `study_uid`.
std::string ModalitiesInOrthanc(const Orthanc& pacs) {
  return pacs.Get("/series?expand");
}

class EndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(SourceDir() + "/models/default/manifest.json")) {
      GTEST_SKIP() << "no shipped model bundle in models/default";
    }
    server_ = std::make_unique<ServerUnderTest>("e2e");
    admin_token_ = api::NewToken();
    std::ofstream(server_->work_dir() + "/tokens")
        << "admin it-admin " << api::Sha256Hex(admin_token_) << "\n";
    pacs_ =
        std::make_unique<Orthanc>(server_->work_dir() + "/orthanc", "CTSCREEN", server_->port());
    ASSERT_TRUE(pacs_->Start());
    ASSERT_TRUE(server_->Start({"pipeline.bundle=" + SourceDir() + "/models/default",
                                "destinations=[{name: pacs, aet: ORTHANC, host: 127.0.0.1, port: " +
                                    std::to_string(pacs_->dicom_port()) + "}]",
                                "delivery.initial_backoff_s=0.5", "delivery.max_backoff_s=1",
                                "series.min_slices=10",
                                "api.tokens_file=" + server_->work_dir() + "/tokens"}))
        << server_->log();
    // A small COVID-19 phantom with its scout, stored in the PACS first.
    auto made = RunCommand(BinaryDir() + "/src/app/ctscreen phantom --out " + server_->work_dir() +
                           "/phantom --seed 77 --cases 1 --mix covid=1 " +
                           "--size small --transfer-syntax explicit_le");
    ASSERT_EQ(made.exit_code, 0) << made.output;
    auto stored = RunCommand("dcmsend --scan-directories --recurse -aec ORTHANC 127.0.0.1 " +
                             std::to_string(pacs_->dicom_port()) + " " + server_->work_dir() +
                             "/phantom/case_0000/dicom");
    ASSERT_EQ(stored.exit_code, 0) << stored.output;
    const std::string studies = pacs_->Get("/studies");
    study_id_ = studies.substr(studies.find('"') + 1, 44);
    auto truth = ReadFile(server_->work_dir() + "/phantom/case_0000/truth.json");
    auto at = truth.find("\"series_uid\"");
    ASSERT_NE(at, std::string::npos) << truth.substr(0, 400);
    auto start = truth.find('"', truth.find(':', at)) + 1;
    series_uid_ = truth.substr(start, truth.find('"', start) - start);
  }

  std::unique_ptr<ServerUnderTest> server_;
  std::unique_ptr<Orthanc> pacs_;
  std::string study_id_;
  std::string series_uid_;
  std::string admin_token_;
};

TEST_F(EndToEndTest, OrthancPushesCtscreenAnswersWithSegAndSr) {
  const std::string watch_log = server_->work_dir() + "/watch.log";
  const std::string token_file = server_->work_dir() + "/admin.token";
  std::ofstream(token_file) << admin_token_ << "\n";
  pid_t watcher = Spawn({BinaryDir() + "/src/app/ctscreen", "watch", "--api",
                         server_->api_address(), "--token-file", token_file},
                        watch_log);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto pushed = pacs_->Post("/modalities/ctscreen/store", study_id_);
  ASSERT_NE(pushed.find("InstancesCount"), std::string::npos) << pushed;
  auto sent = WaitForState(*server_, series_uid_, JobState::kSent, 240);
  ASSERT_TRUE(sent.has_value()) << server_->log();
  EXPECT_FALSE(sent->verdict.empty());
  // The results are in the PACS, in the same study as the CT.
  const std::string series = ModalitiesInOrthanc(*pacs_);
  EXPECT_NE(series.find("\"Modality\" : \"SR\""), std::string::npos) << series;
  const bool has_seg = fs::exists(sent->result_dir + "/seg.dcm");
  if (has_seg) {
    EXPECT_NE(series.find("\"Modality\" : \"SEG\""), std::string::npos) << series;
  }
  const std::string studies = pacs_->Get("/studies");
  EXPECT_EQ(std::count(studies.begin(), studies.end(), '"'), 2) << "results in another study:\n"
                                                                << studies;
  for (const char* name : {"seg.dcm", "sr.dcm"}) {
    const std::string path = sent->result_dir + "/" + name;
    if (!fs::exists(path)) continue;
    auto check = RunCommand("dciodvfy " + path + " 2>&1 | grep '^Error' || true");
    EXPECT_TRUE(check.output.empty()) << name << ":\n" << check.output;
  }
  auto job = server_->Cli("jobs --json", admin_token_);
  EXPECT_NE(job.output.find("\"verdict\": \"" + sent->verdict + "\""), std::string::npos)
      << job.output;
  // WatchJobs saw every move of the job.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  StopProcess(watcher, SIGTERM);
  const std::string moves = ReadFile(watch_log);
  for (const char* move :
       {"ingest -> queued", "queued -> processing", "processing -> sending", "sending -> sent"}) {
    EXPECT_NE(moves.find(move), std::string::npos) << move << " not seen:\n" << moves;
  }
  // GetStats' pipeline latencies agree with result.json's timings for this (only) job.
  auto result = nlohmann::json::parse(ReadFile(sent->result_dir + "/result.json"));
  auto stats = nlohmann::json::parse(server_->Cli("status --json", admin_token_).output)["stats"];
  bool compared = false;
  for (const auto& l : stats.value("latencies", nlohmann::json::array())) {
    if (l.value("stage", "") != "pipeline.total") continue;
    EXPECT_NEAR(l.value("p50_ms", 0.0), result["timings_ms"]["total"].get<double>(), 0.01);
    compared = true;
  }
  EXPECT_TRUE(compared) << stats.dump();

  // An operator's reprocess screens the series again: a new job, new results, in the PACS too.
  auto again = server_->Cli("reprocess " + std::to_string(sent->id) + " --json", admin_token_);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  const auto fresh_id = std::stoll(nlohmann::json::parse(again.output)["id"].get<std::string>());
  EXPECT_NE(fresh_id, sent->id);
  auto store = server_->OpenStore();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(240);
  while (store->GetJob(fresh_id)->state != JobState::kSent &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  auto fresh = store->GetJob(fresh_id);
  ASSERT_EQ(fresh->state, JobState::kSent) << fresh->reason;
  EXPECT_NE(fresh->result_dir, sent->result_dir);
  EXPECT_TRUE(fs::exists(fresh->result_dir + "/sr.dcm"));
  const std::string after = ModalitiesInOrthanc(*pacs_);
  size_t srs = 0;
  for (auto at = after.find("\"Modality\" : \"SR\""); at != std::string::npos;
       at = after.find("\"Modality\" : \"SR\"", at + 1)) {
    ++srs;
  }
  EXPECT_EQ(srs, 2u) << after;
}

TEST_F(EndToEndTest, ResultsArriveAfterThePacsComesBack) {
  auto pushed = pacs_->Post("/modalities/ctscreen/store", study_id_);
  ASSERT_NE(pushed.find("InstancesCount"), std::string::npos) << pushed;
  // Down before the results are ready: they wait in the outbox.
  pacs_->Stop();
  auto waiting = WaitForState(*server_, series_uid_, JobState::kSending, 240);
  ASSERT_TRUE(waiting.has_value()) << server_->log();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  auto deliveries = server_->OpenStore()->DeliveriesOf(waiting->id);
  ASSERT_FALSE(deliveries->empty());
  EXPECT_GE((*deliveries)[0].attempts, 1);
  ASSERT_TRUE(pacs_->Start());
  auto sent = WaitForState(*server_, series_uid_, JobState::kSent, 60);
  ASSERT_TRUE(sent.has_value()) << server_->log();
  const std::string series = ModalitiesInOrthanc(*pacs_);
  EXPECT_NE(series.find("\"Modality\" : \"SR\""), std::string::npos) << series;
  // Exactly once: one SR instance in the PACS.
  size_t srs = 0;
  for (auto at = series.find("\"Modality\" : \"SR\""); at != std::string::npos;
       at = series.find("\"Modality\" : \"SR\"", at + 1)) {
    ++srs;
  }
  EXPECT_EQ(srs, 1u);
}

}  // namespace
}  // namespace ctscreen::testing
