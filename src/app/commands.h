// The ctscreen subcommands; main() only dispatches to these.
#pragma once

namespace ctscreen::app {

// argv[0] is the subcommand's own name.
int RunServe(int argc, char** argv);
int RunInventory(int argc, char** argv);
int RunAnalyze(int argc, char** argv);
// Developer tool: SEG + SR from a phantom case's truth.
int RunSegFromTruth(int argc, char** argv);
// Reference models (ctscreen_training): not part of the server path.
int RunTrain(int argc, char** argv);
int RunEvaluate(int argc, char** argv);
// Clients of a running server's API.
int RunStatus(int argc, char** argv);
int RunJobs(int argc, char** argv);
int RunWatch(int argc, char** argv);
// reprocess, cancel, retry, pause, resume (argv[0] says which).
int RunAdmin(int argc, char** argv);
int RunToken(int argc, char** argv);

}  // namespace ctscreen::app
