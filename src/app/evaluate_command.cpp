// `ctscreen evaluate`: a thin command over training::Evaluate; writes the table and the ROC.
#include <cstdio>
#include <filesystem>
#include <string>

#include "commands.h"
#include "ctscreen/core/durable_file.h"
#include "ctscreen/training/evaluation.h"

namespace ctscreen::app {
namespace {

constexpr const char* kUsage =
    "usage: ctscreen evaluate --cases DIR --bundle DIR [--out DIR] [--device cpu|cuda:N]\n"
    "\n"
    "Runs every phantom case under --cases (DIR/<case>/ with truth.json, from `ctscreen\n"
    "phantom`) through the analyze stages with the bundle and scores it against the truth:\n"
    "lung and lesion Dice on the CT's own grid, case AUC (COVID-19 vs not), sensitivity and\n"
    "specificity at the bundle's threshold. Prints the table; with --out also writes\n"
    "DIR/evaluation.md (the table, per case) and DIR/roc.svg.\n";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "ctscreen evaluate: %s\n\n%s", message.c_str(), kUsage);
  return 2;
}

}  // namespace

int RunEvaluate(int argc, char** argv) {
  training::EvaluateOptions o;
  std::string out;
  for (int n = 1; n < argc; ++n) {
    const std::string arg = argv[n];
    auto value = [&](std::string* v) {
      if (n + 1 >= argc || argv[n + 1][0] == '\0') return false;
      *v = argv[++n];
      return true;
    };
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--cases") {
      if (!value(&o.cases_dir)) return UsageError("--cases needs a folder");
    } else if (arg == "--bundle") {
      if (!value(&o.bundle_dir)) return UsageError("--bundle needs a folder");
    } else if (arg == "--out") {
      if (!value(&out)) return UsageError("--out needs a folder");
    } else if (arg == "--device") {
      if (!value(&o.device)) return UsageError("--device needs cpu or cuda:N");
    } else {
      return UsageError("unknown argument " + arg);
    }
  }
  if (o.cases_dir.empty()) return UsageError("--cases is required");
  if (o.bundle_dir.empty()) return UsageError("--bundle is required");
  o.progress = [](int done, int total, const std::string& name) {
    std::fprintf(stderr, "\r%d/%d %s ", done, total, name.c_str());
    if (done == total) std::fputs("\n", stderr);
  };
  auto report = training::Evaluate(o);
  if (!report.ok()) {
    std::fprintf(stderr, "ctscreen evaluate: %s\n", report.status().ToString().c_str());
    return 1;
  }
  const std::string note = std::to_string(report->cases.size()) + " phantom cases from " +
                           std::filesystem::path(o.cases_dir).filename().string() + ".";
  const std::string md = training::EvaluationMarkdown(*report, note);
  std::fputs(md.c_str(), stdout);
  if (!out.empty()) {
    core::Status st = core::EnsureDirectory(out);
    if (st.ok()) st = core::WriteFileDurably(out + "/evaluation.md", md);
    if (st.ok()) st = core::WriteFileDurably(out + "/roc.svg", training::RocSvg(*report));
    if (!st.ok()) {
      std::fprintf(stderr, "ctscreen evaluate: %s\n", st.ToString().c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace ctscreen::app
