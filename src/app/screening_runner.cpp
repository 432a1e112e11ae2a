#include "screening_runner.h"

#include <filesystem>

namespace ctscreen::app {

core::Result<std::unique_ptr<ScreeningRunner>> ScreeningRunner::Create(const core::Config& config) {
  const std::string manifest = config.pipeline.bundle + "/manifest.json";
  if (!std::filesystem::exists(manifest)) {
    return core::Status(core::ErrorCode::kInvalidConfig,
                        "no model bundle at " + config.pipeline.bundle + " (" + manifest +
                            " is missing); check pipeline.bundle");
  }
  return core::Status(core::ErrorCode::kInternal,
                      "the screening pipeline is not wired into the server in this build");
}

}  // namespace ctscreen::app
