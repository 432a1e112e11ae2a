// The ctscreen subcommands; main() only dispatches to these.
#pragma once

namespace ctscreen::app {

// argv[0] is the subcommand's own name.
int RunServe(int argc, char** argv);
int RunInventory(int argc, char** argv);
int RunAnalyze(int argc, char** argv);

}  // namespace ctscreen::app
