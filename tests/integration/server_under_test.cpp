#include "server_under_test.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <thread>

namespace ctscreen::testing {

namespace fs = std::filesystem;

ServerUnderTest::ServerUnderTest(const std::string& name) {
  // DCMTK's peers (and ours) wait on Nagle's algorithm for every response without it.
  ::setenv("TCP_NODELAY", "1", 1);
  work_dir_ =
      (fs::temp_directory_path() / ("ctscreen-it-" + name + "-" + std::to_string(::getpid())))
          .string();
  fs::remove_all(work_dir_);
  fs::create_directories(work_dir_);
  storage_dir_ = work_dir_ + "/storage";
  log_path_ = work_dir_ + "/serve.log";
  port_ = FreePort();
  api_port_ = FreePort();
  metrics_port_ = FreePort();
}

ServerUnderTest::~ServerUnderTest() {
  Stop();
  // Kept on failure for a look (CTSCREEN_KEEP_TEST_DIRS=1), removed otherwise.
  if (!std::getenv("CTSCREEN_KEEP_TEST_DIRS")) fs::remove_all(work_dir_);
}

bool ServerUnderTest::Start(const std::vector<std::string>& overrides) {
  std::vector<std::string> argv = {
      BinaryDir() + "/src/app/ctscreen", "serve", "--config", SourceDir() + "/config/ctscreen.yaml",
      "--set", "listener.port=" + std::to_string(port_), "--set", "storage.dir=" + storage_dir_,
      "--set", "storage.min_free_mb=1", "--set", "series.quiet_period_s=1", "--set",
      "series.min_slices=3",
      // No screening unless a test names a bundle: completed
      // series stay queued, whatever folder the test runs in.
      "--set", "pipeline.bundle=" + work_dir_ + "/no-bundle", "--set",
      "api.listen=" + api_address(), "--set",
      "api.metrics_listen=127.0.0.1:" + std::to_string(metrics_port_)};
  for (const auto& o : overrides) {
    argv.push_back("--set");
    argv.push_back(o);
  }
  // The log is appended across restarts: only what this start writes counts.
  const size_t log_start = log().size();
  pid_ = Spawn(argv, log_path_);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (log().find("ready:", log_start) != std::string::npos) return true;
    if (HasExited(pid_)) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void ServerUnderTest::Stop() {
  if (pid_ > 0) StopProcess(pid_, SIGTERM);
  pid_ = -1;
}

void ServerUnderTest::Kill9() {
  if (pid_ > 0) StopProcess(pid_, SIGKILL);
  pid_ = -1;
}

std::string ServerUnderTest::log() const {
  return ReadFile(log_path_);
}

bool ServerUnderTest::WaitForLog(const std::string& text, double timeout_s) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  do {
    if (log().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

std::unique_ptr<jobs::JobStore> ServerUnderTest::OpenStore() const {
  auto store = jobs::JobStore::Open(storage_dir_ + "/jobs.sqlite");
  if (!store.ok()) return nullptr;
  return std::move(store.value());
}

bool ServerUnderTest::WaitForSeriesComplete(const std::string& series_uid, double timeout_s) {
  auto store = OpenStore();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (store && std::chrono::steady_clock::now() < deadline) {
    auto jobs = store->JobsOfSeries(series_uid);
    if (jobs.ok() && !jobs->empty()) {
      bool all_done = true;
      for (const auto& j : *jobs) all_done &= j.state != jobs::JobState::kIngest;
      if (all_done) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

CommandResult ServerUnderTest::Echo(const std::string& calling_aet,
                                    const std::string& called_aet) const {
  return RunCommand("echoscu -aet " + calling_aet + " -aec " + called_aet + " 127.0.0.1 " +
                    std::to_string(port_));
}

CommandResult ServerUnderTest::Send(const std::vector<std::string>& paths,
                                    const std::string& calling_aet) const {
  std::string cmd = "dcmsend --scan-directories -aet " + calling_aet + " -aec CTSCREEN 127.0.0.1 " +
                    std::to_string(port_);
  for (const auto& p : paths) cmd += " " + p;
  return RunCommand(cmd);
}

CommandResult ServerUnderTest::Cli(const std::string& args, const std::string& token) const {
  std::string env = token.empty() ? "env -u CTSCREEN_TOKEN " : "CTSCREEN_TOKEN=" + token + " ";
  return RunCommand(env + BinaryDir() + "/src/app/ctscreen " + args + " --api " + api_address());
}

StoreOutcome ServerUnderTest::StoreOne(const std::string& file) const {
  StoreOutcome out;
  auto r = RunCommand("storescu -d -aet STORESCU -aec CTSCREEN 127.0.0.1 " + std::to_string(port_) +
                      " " + file);
  out.output = r.output;
  std::smatch m;
  if (std::regex_search(r.output, m, std::regex("DIMSE Status\\s*: 0x([0-9a-fA-F]{4})"))) {
    out.status = static_cast<std::uint16_t>(std::stoul(m[1].str(), nullptr, 16));
  }
  if (std::regex_search(r.output, m, std::regex("\\(0000,0902\\) LO \\[([^\\]]*)\\]"))) {
    out.error_comment = m[1].str();
  }
  return out;
}

}  // namespace ctscreen::testing
