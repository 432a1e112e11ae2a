#include "command_line.h"

#include <cstdio>
#include <ctime>

namespace ctscreen::app {

CommandLine ParseCommandLine(int argc, char** argv, const std::set<std::string>& allowed_flags,
                             const std::set<std::string>& valued_options) {
  CommandLine cl;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--config" || arg == "--set") {
      if (i + 1 >= argc) {
        cl.error = arg + " needs a value";
        return cl;
      }
      std::string value = argv[++i];
      if (arg == "--config") {
        cl.config_file = value;
      } else {
        cl.overrides.push_back(value);
      }
    } else if (arg.rfind("--config=", 0) == 0) {
      cl.config_file = arg.substr(9);
    } else if (arg.rfind("--set=", 0) == 0) {
      cl.overrides.push_back(arg.substr(6));
    } else if (valued_options.count(arg)) {
      if (i + 1 >= argc) {
        cl.error = arg + " needs a value";
        return cl;
      }
      cl.values[arg] = argv[++i];
    } else if (arg.rfind("--", 0) == 0) {
      if (!allowed_flags.count(arg)) {
        cl.error = "unknown option " + arg;
        return cl;
      }
      cl.flags.insert(arg);
    } else {
      cl.positional.push_back(arg);
    }
  }
  return cl;
}

std::optional<CommandLine> ParseWithConfig(int argc, char** argv,
                                           const std::set<std::string>& allowed_flags,
                                           const char* usage, core::Config* config,
                                           const std::set<std::string>& valued_options,
                                           size_t max_positional) {
  CommandLine cl = ParseCommandLine(argc, argv, allowed_flags, valued_options);
  if (!cl.error.empty() || cl.positional.size() > max_positional) {
    std::fprintf(stderr, "ctscreen %s: %s\nusage: %s\n", argv[0],
                 cl.error.empty() ? "unexpected argument" : cl.error.c_str(), usage);
    return std::nullopt;
  }
  auto loaded = core::LoadConfig(cl.config_file, cl.overrides);
  if (!loaded.ok()) {
    std::fprintf(stderr, "ctscreen: configuration refused:\n%s\n",
                 loaded.status().reason().c_str());
    return std::nullopt;
  }
  *config = std::move(loaded.value());
  return cl;
}

std::string FormatLocalTime(double epoch_s) {
  std::time_t t = static_cast<std::time_t>(epoch_s);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

}  // namespace ctscreen::app
