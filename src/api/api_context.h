// What the API's services share: the job store, the intake gate, configuration and tokens.
#pragma once

#include <grpcpp/server_context.h>

#include <functional>
#include <string>

#include "ctscreen/api/token_store.h"
#include "ctscreen/core/clock.h"
#include "ctscreen/core/config.h"
#include "ctscreen/core/intake_gate.h"
#include "ctscreen/jobs/job_store.h"
#include "ctscreen/jobs/worker_pool.h"

namespace ctscreen::api {

struct ApiContext {
  jobs::JobStore& store;
  core::IntakeGate& gate;
  const core::Config& config;
  const core::Clock& clock;
  TokenStore tokens;
  std::string version;
  double started_at = 0;
  std::function<std::vector<jobs::DeviceActivity>()> activity;
  std::string bundle_name;
  std::string bundle_version;
};

// Checks the call's "authorization: Bearer <token>" against the tokens file. Without a
// tokens file, viewer calls are open (the API listens on loopback by default) and admin calls
// are refused. The refusal says what to do; the token itself is never logged.
grpc::Status Authorize(const ApiContext& ctx, grpc::ServerContext* call, Role needed,
                       Caller* caller);

}  // namespace ctscreen::api
