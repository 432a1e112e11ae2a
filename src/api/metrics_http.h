// A minimal HTTP/1.0 server for GET /metrics: enough for Prometheus to scrape, nothing more;
// private to api.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "ctscreen/core/status.h"

namespace ctscreen::api {

class MetricsHttpServer {
 public:
  using Render = std::function<std::string()>;
  ~MetricsHttpServer();
  // listen: "host:port" (port 0 picks a free one).
  core::Status Start(const std::string& listen, Render render);
  void Stop();
  int port() const { return port_; }

 private:
  void Serve();
  void Answer(int client);

  Render render_;
  int socket_ = -1;
  int port_ = 0;
  std::atomic<bool> running_{false};
  std::thread thread_;
};

}  // namespace ctscreen::api
