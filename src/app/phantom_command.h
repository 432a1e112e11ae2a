// `ctscreen phantom`: writes a set of synthetic chest CT cases with ground truth.
#pragma once

namespace ctscreen::app {

// argv[0] is "phantom". Returns the process exit code (0 ok, 2 usage error, 1 failure).
int RunPhantomCommand(int argc, char** argv);

}  // namespace ctscreen::app
