// Private to ctscreen_core: the schema half of the configuration loader. config.cpp turns text
// and --set overrides into one YAML tree; config_schema.cpp checks that tree and fills Config.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "ctscreen/core/config.h"

namespace ctscreen::core::config_internal {

// A --set override that was applied to the tree. Values under `path` came from the command
// line, so their problems are reported as "--set <text>: ..." instead of "file:line: ...".
struct AppliedOverride {
  std::string path;  // "listener.port"
  std::string text;  // "listener.port=11113", as the operator typed it
};

// Validates `root` (a map, or null for "all defaults") against the schema and stores the
// values in *config. Returns one message per problem, each prefixed with where it is.
std::vector<std::string> ReadConfigTree(const YAML::Node& root, const std::string& source,
                                        const std::vector<AppliedOverride>& overrides,
                                        Config* config);

}  // namespace ctscreen::core::config_internal
