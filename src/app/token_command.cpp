// `ctscreen token --role viewer|admin --name NAME`: makes an API token. The token is printed
// once, for the person who will use it; the line for api.tokens_file holds only its hash.
#include <cstdio>

#include "command_line.h"
#include "commands.h"
#include "ctscreen/api/token_store.h"

namespace ctscreen::app {

int RunToken(int argc, char** argv) {
  CommandLine cl = ParseCommandLine(argc, argv, {}, {"--role", "--name"});
  const std::string role = cl.values["--role"], name = cl.values["--name"];
  if (!cl.error.empty() || !cl.positional.empty() || (role != "viewer" && role != "admin") ||
      name.empty() || name.find_first_of(" \t#") != std::string::npos) {
    std::fprintf(stderr,
                 "usage: ctscreen token --role viewer|admin --name NAME\n"
                 "  NAME identifies the holder in logs (no spaces), e.g. it-desk or alice\n");
    return 2;
  }
  const std::string token = api::NewToken();
  std::printf("token (give it to %s; it is not stored anywhere):\n  %s\n\n", name.c_str(),
              token.c_str());
  std::printf("line for api.tokens_file:\n%s %s %s\n", role.c_str(), name.c_str(),
              api::Sha256Hex(token).c_str());
  return 0;
}

}  // namespace ctscreen::app
