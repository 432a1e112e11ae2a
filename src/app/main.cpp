// The ctscreen binary: dispatches subcommands.
#include <cstdio>
#include <string>

#include "phantom_command.h"

namespace {

constexpr const char* kUsage =
    "usage: ctscreen <command> [options]\n"
    "commands:\n"
    "  phantom   write synthetic chest CT studies with ground truth (ctscreen phantom --help)\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string command = argv[1];
  if (command == "phantom") return ctscreen::app::RunPhantomCommand(argc - 1, argv + 1);
  if (command == "-h" || command == "--help" || command == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::fprintf(stderr, "ctscreen: unknown command '%s'\n\n%s", command.c_str(), kUsage);
  return 2;
}
