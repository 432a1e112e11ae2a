// Minimal option parsing shared by the subcommands: --config FILE, repeated --set k=v and
// flags. Each subcommand says which flags it takes; anything else is refused with usage.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace ctscreen::app {

struct CommandLine {
  std::string config_file;
  std::vector<std::string> overrides;
  std::set<std::string> flags;
  std::vector<std::string> positional;
  std::string error;  // non-empty when the arguments could not be understood
};

CommandLine ParseCommandLine(int argc, char** argv, const std::set<std::string>& allowed_flags);

}  // namespace ctscreen::app
