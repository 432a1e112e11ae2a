// The management API: gRPC StatusService and AdminService (proto/ctscreen/v1), the standard
// grpc.health.v1 service and server reflection on api.listen, and Prometheus text metrics over
// HTTP on api.metrics_listen. Both listen on loopback unless configured otherwise; a
// non-loopback gRPC address needs TLS so tokens never travel in clear.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "ctscreen/core/clock.h"
#include "ctscreen/core/config.h"
#include "ctscreen/core/ingest_counters.h"
#include "ctscreen/core/intake_gate.h"
#include "ctscreen/core/status.h"
#include "ctscreen/jobs/job_store.h"
#include "ctscreen/jobs/worker_pool.h"

namespace ctscreen::api {

struct ApiDependencies {
  jobs::JobStore& store;
  core::IntakeGate& gate;
  const core::Config& config;
  const core::Clock& clock;
  const core::IngestCounters* counters = nullptr;  // listener counters for /metrics
  std::string version;
  // What each device is doing (empty: screening is not running).
  std::function<std::vector<jobs::DeviceActivity>()> activity;
  // Name and version of the active model bundle, or why there is none.
  std::string bundle_name;
  std::string bundle_version;
};

class ApiServer {
 public:
  static core::Result<std::unique_ptr<ApiServer>> Start(const ApiDependencies& deps);
  ~ApiServer();
  void Stop();
  int port() const;
  int metrics_port() const;

  struct Impl;

 private:
  explicit ApiServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Prometheus text exposition of the job store and the listener counters (for tests too).
std::string RenderMetrics(jobs::JobStore& store, const core::Config& config,
                          const core::IngestCounters* counters, const core::IntakeGate& gate);

}  // namespace ctscreen::api
