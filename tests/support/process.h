// Running the real peers (echoscu, storescu, dcmsend, ctscreen itself) from tests.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace ctscreen::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs a shell command line to completion.
CommandResult RunCommand(const std::string& command_line);

// Starts argv in the background with stdout and stderr appended to log_file.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& log_file);

// Sends `signal` and waits for the process to exit; returns its raw wait status.
int StopProcess(pid_t pid, int signal, double timeout_s = 20);

// True if the process has exited (reaps it).
bool HasExited(pid_t pid, int* wait_status = nullptr);

// A TCP port on 127.0.0.1 that nothing listens on right now.
int FreePort();

std::string ReadFile(const std::string& path);

// Where the build put its binaries (CTSCREEN_BINARY_DIR, set by ctest).
std::string BinaryDir();
std::string SourceDir();

}  // namespace ctscreen::testing
