#include <cstdio>
#include <cstring>
#include <string>

#include "commands.h"
#include "phantom_command.h"

namespace {

constexpr const char* kUsage =
    "ctscreen — screens chest CTs for COVID-19 pneumonia (a screening aid, not a diagnosis)\n"
    "\n"
    "usage: ctscreen <command> [options]\n"
    "\n"
    "  serve      [--config FILE] [--set key=value ...] [--check-config]\n"
    "             run the appliance: DICOM listener, spool, series tracking\n"
    "  inventory  [--config FILE] [--set key=value ...] [--json]\n"
    "             list received series and their jobs from storage.dir\n"
    "  seg-from-truth PHANTOM_CASE_DIR --out DIR [--lungs]\n"
    "             developer tool: SEG + SR from a phantom's truth masks (docs/results.md)\n"
    "  analyze    DICOM_DIR --out DIR [--bundle DIR] [--masks] [--stop-after preprocess|infer]\n"
    "             offline analysis of a folder: verdict, lesions, result.json (analyze --help)\n"
    "  train      --data DIR --stage lung|lesion|classifier --out BUNDLE_DIR [--epochs N]\n"
    "             train one stage of a model bundle on phantom cases (train --help)\n"
    "  evaluate   --cases DIR --bundle DIR [--out DIR]\n"
    "             Dice, AUC, sensitivity/specificity and a ROC curve on phantom cases\n"
    "  phantom    --out DIR --seed N [--cases K] [--mix ...] [--size small|full] [--preview]\n"
    "             write synthetic chest CT studies with ground truth (phantom --help)\n"
    "  status     health, queue, throughput and latencies of a running server (gRPC API)\n"
    "  jobs       [--state STATE] jobs of a running server\n"
    "  watch      follow job state changes as they happen\n"
    "  reprocess JOB | cancel JOB | retry JOB | pause | resume\n"
    "             operator actions (need an admin token: CTSCREEN_TOKEN or --token-file)\n"
    "  token      --role viewer|admin --name NAME: make an API token\n"
    "  version    print the version\n"
    "\n"
    "API clients take [--config FILE] [--api HOST:PORT] [--token-file FILE] [--json].\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  if (command == "serve") return ctscreen::app::RunServe(argc - 1, argv + 1);
  if (command == "inventory") return ctscreen::app::RunInventory(argc - 1, argv + 1);
  if (command == "analyze") return ctscreen::app::RunAnalyze(argc - 1, argv + 1);
  if (command == "seg-from-truth") return ctscreen::app::RunSegFromTruth(argc - 1, argv + 1);
  if (command == "train") return ctscreen::app::RunTrain(argc - 1, argv + 1);
  if (command == "evaluate") return ctscreen::app::RunEvaluate(argc - 1, argv + 1);
  if (command == "phantom") return ctscreen::app::RunPhantomCommand(argc - 1, argv + 1);
  if (command == "status") return ctscreen::app::RunStatus(argc - 1, argv + 1);
  if (command == "jobs") return ctscreen::app::RunJobs(argc - 1, argv + 1);
  if (command == "watch") return ctscreen::app::RunWatch(argc - 1, argv + 1);
  if (command == "token") return ctscreen::app::RunToken(argc - 1, argv + 1);
  if (command == "reprocess" || command == "cancel" || command == "retry" || command == "pause" ||
      command == "resume") {
    return ctscreen::app::RunAdmin(argc - 1, argv + 1);
  }
  if (command == "version" || command == "--version") {
    std::printf("ctscreen %s\n", CTSCREEN_VERSION);
    return 0;
  }
  std::fprintf(stderr, "ctscreen: unknown command '%s'\n\n%s", command.c_str(), kUsage);
  return 2;
}
