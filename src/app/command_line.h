// Minimal option parsing shared by the subcommands: --config FILE, repeated --set k=v and
// flags. Each subcommand says which flags it takes; anything else is refused with usage.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ctscreen/core/config.h"

namespace ctscreen::app {

struct CommandLine {
  std::string config_file;
  std::vector<std::string> overrides;
  std::set<std::string> flags;
  std::map<std::string, std::string> values;  // options that take a value, e.g. --state
  std::vector<std::string> positional;
  std::string error;  // non-empty when the arguments could not be understood
};

CommandLine ParseCommandLine(int argc, char** argv, const std::set<std::string>& allowed_flags,
                             const std::set<std::string>& valued_options = {});

// Parses a subcommand's arguments (at most `max_positional` positional ones) and loads its
// configuration; on a usage or configuration error prints the reason (and `usage`) and
// returns nothing, and the subcommand exits with 2.
std::optional<CommandLine> ParseWithConfig(int argc, char** argv,
                                           const std::set<std::string>& allowed_flags,
                                           const char* usage, core::Config* config,
                                           const std::set<std::string>& valued_options = {},
                                           size_t max_positional = 0);

// "2026-11-27 08:10:19" in local time: what an operator's wall clock says.
std::string FormatLocalTime(double epoch_s);

}  // namespace ctscreen::app
