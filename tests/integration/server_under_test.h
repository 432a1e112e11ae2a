// Starts the real `ctscreen serve` binary on a free loopback port with its own storage folder,
// and talks to it with DCMTK's command-line peers.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ctscreen/jobs/job_store.h"
#include "process.h"

namespace ctscreen::testing {

struct StoreOutcome {
  std::uint16_t status = 0xFFFF;  // 0xFFFF: no response parsed
  std::string error_comment;
  std::string output;
};

class ServerUnderTest {
 public:
  explicit ServerUnderTest(const std::string& name);
  ~ServerUnderTest();

  // Starts the server with the test defaults plus `overrides` ("key=value"); waits until it
  // says it is ready. Returns false (with the log in `log()`) if it did not come up.
  bool Start(const std::vector<std::string>& overrides = {});
  void Stop();   // SIGTERM, wait
  void Kill9();  // the crash case
  std::string log() const;
  // Polls the log for `text`: lines written when an association ends can trail the peer's exit.
  bool WaitForLog(const std::string& text, double timeout_s = 5) const;

  // Opens the job store read-write (WAL lets it run beside the server).
  std::unique_ptr<jobs::JobStore> OpenStore() const;
  // Polls until every job of the series has left `ingest` (timeout in seconds).
  bool WaitForSeriesComplete(const std::string& series_uid, double timeout_s);

  CommandResult Echo(const std::string& calling_aet = "ECHOSCU",
                     const std::string& called_aet = "CTSCREEN") const;
  // dcmsend of files (or folders, scanned).
  CommandResult Send(const std::vector<std::string>& paths,
                     const std::string& calling_aet = "DCMSEND") const;
  // storescu -d of one file, with the response status parsed out of its dump.
  StoreOutcome StoreOne(const std::string& file) const;

  int port() const { return port_; }
  std::string api_address() const { return "127.0.0.1:" + std::to_string(api_port_); }
  int metrics_port() const { return metrics_port_; }
  // `ctscreen <args>` as a client of this server's API (adds --api).
  CommandResult Cli(const std::string& args, const std::string& token = "") const;
  const std::string& storage_dir() const { return storage_dir_; }
  const std::string& work_dir() const { return work_dir_; }

 private:
  std::string work_dir_;
  std::string storage_dir_;
  std::string log_path_;
  int port_ = 0;
  int api_port_ = 0;
  int metrics_port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace ctscreen::testing
