#include "ctscreen/core/logging.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <mutex>
#include <vector>

namespace ctscreen::core {
namespace {

std::mutex g_mutex;
std::vector<spdlog::sink_ptr> g_sinks;
spdlog::level::level_enum g_level = spdlog::level::info;

void EnsureSinksLocked() {
  if (g_sinks.empty()) g_sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
}

}  // namespace

Status InitLogging(const LoggingOptions& options) {
  std::lock_guard lock(g_mutex);
  auto level = spdlog::level::from_str(options.level);
  if (level == spdlog::level::off && options.level != "off") {
    return Status(ErrorCode::kInvalidConfig, "logging.level '" + options.level +
                                                 "' is not one of trace, debug, info, warn, error");
  }
  std::vector<spdlog::sink_ptr> sinks;
  sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  if (!options.file.empty()) {
    try {
      sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.file));
    } catch (const spdlog::spdlog_ex& e) {
      return Status(ErrorCode::kIoError, "cannot open log file " + options.file + " (" + e.what() +
                                             "); check that its folder exists and is writable");
    }
  }
  g_sinks = std::move(sinks);
  g_level = level;
  spdlog::apply_all([&](const std::shared_ptr<spdlog::logger>& logger) {
    logger->sinks() = g_sinks;
    logger->set_level(g_level);
  });
  return Status::Ok();
}

std::shared_ptr<spdlog::logger> Log(const std::string& category) {
  std::lock_guard lock(g_mutex);
  if (auto existing = spdlog::get(category)) return existing;
  EnsureSinksLocked();
  auto logger = std::make_shared<spdlog::logger>(category, g_sinks.begin(), g_sinks.end());
  logger->set_level(g_level);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ [%n] %v");
  logger->flush_on(spdlog::level::warn);
  spdlog::register_logger(logger);
  return logger;
}

}  // namespace ctscreen::core
