// Logging with categories (dicom, ingest, jobs, api, ...). Log lines carry UIDs, AE titles,
// hosts and counts, never a patient name, ID or birth date: callers only ever hand the logger
// values from ingest::InstanceInfo and friends, which do not hold those attributes.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

#include "ctscreen/core/config.h"

namespace ctscreen::core {

// Sets level and sinks (stderr, plus logging.file when set) for every category. Safe to call
// again (tests); categories created before keep working.
Status InitLogging(const LoggingOptions& options);

// The logger of one category, created on first use with the configured sinks.
std::shared_ptr<spdlog::logger> Log(const std::string& category);

}  // namespace ctscreen::core
