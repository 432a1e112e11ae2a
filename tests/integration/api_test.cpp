// The management API against a running server: the CLI, an independent Python client
// (python3-grpcio, prometheus_client's parser) and the security rules.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "ct_series_writer.h"
#include "ctscreen/api/token_store.h"
#include "server_under_test.h"

namespace ctscreen::testing {
namespace {

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerUnderTest>("api");
    admin_token_ = api::NewToken();
    viewer_token_ = api::NewToken();
    const std::string tokens = server_->work_dir() + "/tokens";
    std::ofstream(tokens) << "# role name sha256\n"
                          << "admin it-admin " << api::Sha256Hex(admin_token_) << "\n"
                          << "viewer it-desk " << api::Sha256Hex(viewer_token_) << "\n";
    ASSERT_TRUE(server_->Start({"api.tokens_file=" + tokens})) << server_->log();
  }

  // Sends a series and waits for it to complete; returns its UID.
  std::string SendSeries(int slices) {
    CtSeriesSpec spec;
    spec.slices = slices;
    spec.series_uid = NewTestUid();
    const std::string dir = server_->work_dir() + "/in-" + std::to_string(++sent_);
    WriteCtSeries(spec, dir);
    EXPECT_EQ(server_->Send({dir}).exit_code, 0);
    EXPECT_TRUE(server_->WaitForSeriesComplete(spec.series_uid, 15));
    return spec.series_uid;
  }

  std::unique_ptr<ServerUnderTest> server_;
  std::string admin_token_, viewer_token_;
  int sent_ = 0;
};

TEST_F(ApiTest, CliAndAnIndependentClientSeeTheSameCounts) {
  SendSeries(5);
  SendSeries(2);  // fewer than series.min_slices=3: skipped

  auto status = server_->Cli("status", viewer_token_);
  ASSERT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("serving"), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("1 queued, 1 skipped"), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("7 instances stored"), std::string::npos) << status.output;

  auto jobs = server_->Cli("jobs --state skipped --json", viewer_token_);
  ASSERT_EQ(jobs.exit_code, 0) << jobs.output;
  EXPECT_NE(jobs.output.find("\"state\": \"SKIPPED\""), std::string::npos) << jobs.output;
  EXPECT_EQ(jobs.output.find("\"state\": \"QUEUED\""), std::string::npos) << jobs.output;

  auto py = RunCommand("/usr/bin/python3 " + SourceDir() +
                       "/tests/integration/api_client_check.py " + server_->api_address() +
                       " http://127.0.0.1:" + std::to_string(server_->metrics_port()) +
                       "/metrics " + viewer_token_ + " " + SourceDir() + "/proto");
  ASSERT_EQ(py.exit_code, 0) << py.output;
  const std::string& o = py.output;
  EXPECT_NE(o.find("\"health_status\": 1"), std::string::npos) << o;  // SERVING
  EXPECT_NE(o.find("\"instances_stored\": 7"), std::string::npos) << o;
  EXPECT_NE(o.find("\"queue_depth\": 1"), std::string::npos) << o;
  EXPECT_NE(o.find("\"queued\": 1"), std::string::npos) << o;
  EXPECT_NE(o.find("\"skipped\": 1"), std::string::npos) << o;
  EXPECT_NE(o.find("\"ingest\": {\"p50_ms\""), std::string::npos) << o;
  // /metrics parsed by prometheus_client agrees with the API.
  EXPECT_NE(o.find("\"ctscreen_instances_stored_total\": 7.0"), std::string::npos) << o;
  EXPECT_NE(o.find("\"ctscreen_jobs{state=queued}\": 1.0"), std::string::npos) << o;
  EXPECT_NE(o.find("\"ctscreen_jobs{state=skipped}\": 1.0"), std::string::npos) << o;
  EXPECT_NE(o.find("\"ctscreen_stage_duration_seconds_count{stage=ingest}\": 2.0"),
            std::string::npos)
      << o;
}

TEST_F(ApiTest, WatchSeesEveryMove) {
  const std::string watch_log = server_->work_dir() + "/watch.log";
  pid_t watcher = Spawn(
      {BinaryDir() + "/src/app/ctscreen", "watch", "--api", server_->api_address(), "--token-file",
       [&] {
         std::string f = server_->work_dir() + "/viewer.token";
         std::ofstream(f) << viewer_token_ << "\n";
         return f;
       }()},
      watch_log);
  // WatchJobs streams moves from the moment it is subscribed, which a loaded machine may take a
  // while to reach: a first series whose moves show up proves the watcher is listening.
  auto wait_for = [&](const std::string& text) {
    for (int i = 0; i < 300 && ReadFile(watch_log).find(text) == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  };
  for (int attempt = 0;
       attempt < 5 && ReadFile(watch_log).find("ingest -> queued") == std::string::npos;
       ++attempt) {
    wait_for("ingest -> queued  " + SendSeries(4));
  }
  const std::string series = SendSeries(4);
  wait_for("ingest -> queued  " + series);
  StopProcess(watcher, SIGTERM);
  const std::string seen = ReadFile(watch_log);
  EXPECT_NE(seen.find("new -> ingest  " + series), std::string::npos) << seen;
  EXPECT_NE(seen.find("ingest -> queued  " + series), std::string::npos) << seen;
}

TEST_F(ApiTest, AdminCallsNeedAnAdminToken) {
  SendSeries(3);
  auto anonymous = server_->Cli("reprocess 1");
  EXPECT_EQ(anonymous.exit_code, 1);
  EXPECT_NE(anonymous.output.find("this call needs a token"), std::string::npos)
      << anonymous.output;
  auto viewer = server_->Cli("reprocess 1", viewer_token_);
  EXPECT_EQ(viewer.exit_code, 1);
  EXPECT_NE(viewer.output.find("'it-desk' has the viewer role"), std::string::npos)
      << viewer.output;
  auto wrong = server_->Cli("status", "not-a-real-token");
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.output.find("not in api.tokens_file"), std::string::npos) << wrong.output;
  // Tokens never reach the log.
  EXPECT_EQ(server_->log().find("not-a-real-token"), std::string::npos);
  EXPECT_EQ(server_->log().find(viewer_token_), std::string::npos);
}

TEST_F(ApiTest, ReprocessMakesANewQueuedJob) {
  SendSeries(3);
  auto r = server_->Cli("reprocess 1 --json", admin_token_);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"revision\": 2"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"state\": \"QUEUED\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("requested by it-admin"), std::string::npos) << r.output;
  auto jobs = server_->OpenStore()->ListJobs(jobs::JobState::kQueued);
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[1].instance_count, 3);
  EXPECT_TRUE(server_->WaitForLog("requested by it-admin (new job 2)"));
}

TEST_F(ApiTest, PausedIntakeRefusesSendersUntilResumed) {
  auto pause = server_->Cli("pause --reason maintenance", admin_token_);
  ASSERT_EQ(pause.exit_code, 0) << pause.output;
  auto echo = server_->Echo();
  EXPECT_NE(echo.exit_code, 0);
  EXPECT_NE(echo.output.find("Temporary Congestion"), std::string::npos) << echo.output;
  auto status = server_->Cli("status", viewer_token_);
  EXPECT_NE(status.output.find("intake PAUSED (paused by it-admin: maintenance)"),
            std::string::npos)
      << status.output;
  ASSERT_EQ(server_->Cli("resume", admin_token_).exit_code, 0);
  EXPECT_EQ(server_->Echo().exit_code, 0);
}

TEST(ApiSecurityTest, TlsWithAConfiguredCertificate) {
  ServerUnderTest server("apitls2");
  const std::string dir = server.work_dir();
  auto made = RunCommand(
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
      "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
      dir + "/key.pem -out " + dir + "/cert.pem");
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const std::string tls = " --set api.tls.enabled=true --set api.tls.cert=" + dir +
                          "/cert.pem --set api.tls.key=" + dir +
                          "/key.pem --set api.tls.ca=" + dir + "/cert.pem";
  ASSERT_TRUE(server.Start({"api.tls.enabled=true", "api.tls.cert=" + dir + "/cert.pem",
                            "api.tls.key=" + dir + "/key.pem"}))
      << server.log();
  EXPECT_TRUE(server.WaitForLog("(TLS;"));
  // A client that trusts the certificate gets through; a plaintext one does not.
  auto secure = server.Cli("status" + tls);
  EXPECT_EQ(secure.exit_code, 0) << secure.output;
  EXPECT_NE(secure.output.find("serving"), std::string::npos) << secure.output;
  auto plain = server.Cli("status");
  EXPECT_NE(plain.exit_code, 0) << plain.output;
}

TEST(ApiSecurityTest, NonLoopbackApiWithoutTlsIsRefused) {
  ServerUnderTest server("apitls");
  EXPECT_FALSE(server.Start({"api.listen=0.0.0.0:" + std::to_string(FreePort())}));
  EXPECT_NE(server.log().find("api.tls is off: tokens would travel in clear"), std::string::npos)
      << server.log();
}

}  // namespace
}  // namespace ctscreen::testing
