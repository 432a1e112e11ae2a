#include "command_line.h"

namespace ctscreen::app {

CommandLine ParseCommandLine(int argc, char** argv, const std::set<std::string>& allowed_flags) {
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

}  // namespace ctscreen::app
