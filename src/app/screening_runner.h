// The JobRunner the appliance's workers use: a job's spooled series through the screening
// pipeline into result files (result.json, SEG, SR) that the outbox delivers.
#pragma once

#include <memory>
#include <string>

#include "ctscreen/core/config.h"
#include "ctscreen/core/status.h"
#include "ctscreen/jobs/worker_pool.h"

namespace ctscreen::app {

class ScreeningRunner : public jobs::JobRunner {
 public:
  // Refuses (and screening stays off, jobs stay queued) when the configured model bundle is
  // missing or invalid; the reason says which.
  static core::Result<std::unique_ptr<ScreeningRunner>> Create(const core::Config& config);

  virtual const std::string& bundle_name() const = 0;
  virtual const std::string& bundle_version() const = 0;
};

}  // namespace ctscreen::app
