// `ctscreen analyze`: a thin command over pipeline::RunAnalysis.
#include <cstdio>
#include <filesystem>
#include <string>

#include "commands.h"
#include "ctscreen/core/config.h"
#include "ctscreen/inference/device.h"
#include "ctscreen/pipeline/analysis.h"

namespace ctscreen::app {
namespace {

constexpr const char* kUsage =
    "usage: ctscreen analyze DICOM_DIR --out DIR [--bundle DIR] [--masks] [--device cpu|cuda:N]\n"
    "                        [--probabilities] [--stop-after preprocess|infer] [--lungs "
    "MASK.nrrd]\n"
    "                        [--config FILE] [--set key=value ...]\n"
    "\n"
    "Analyses the CT series in DICOM_DIR (the one with most slices; LOCALIZER and other\n"
    "series.skip_image_types are skipped) without any network: resamples it to the bundle's\n"
    "spacing, finds lungs and lesions, classifies each lesion and writes DIR/result.json with\n"
    "the verdict, per-lesion volumes and centroids (patient mm) and per-stage timings.\n"
    "  --bundle DIR        model bundle (default: pipeline.bundle, models/default)\n"
    "  --masks             also write DIR/lungs.nrrd and DIR/lesions.nrrd on the CT's own grid\n"
    "  --probabilities     also write DIR/lesion_probability.nrrd: the lesion model's map on the\n"
    "                      model grid, before any rule (why an opacity was missed or found)\n"
    "  --device DEV        cpu (default: the first of pipeline.devices) or cuda:N;\n"
    "                      on cpu it uses pipeline.cpu_threads threads (0: one per core)\n"
    "  --stop-after preprocess  write DIR/preprocessed_lung.nrrd, preprocessed_lesion.nrrd\n"
    "                      (lung crop, 1 x 1 x 2.5 mm, windowed to [0, 1]) instead of a verdict\n"
    "  --lungs MASK.nrrd   with preprocess: lung mask for the crop (e.g. a phantom's\n"
    "                      lungs.nrrd); otherwise a threshold heuristic is used\n"
    "Exit codes: 0 done, 1 failure, 2 usage, 3 series rejected (geometry or encoding; the\n"
    "reason is printed and in result.json).\n";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "ctscreen analyze: %s\n\n%s", message.c_str(), kUsage);
  return 2;
}

}  // namespace

int RunAnalyze(int argc, char** argv) {
  pipeline::AnalysisOptions options;
  std::string config_file;
  std::vector<std::string> overrides;
  std::string bundle, device;
  for (int n = 1; n < argc; ++n) {
    const std::string arg = argv[n];
    auto value = [&](std::string* out) {
      if (n + 1 >= argc || argv[n + 1][0] == '\0') return false;
      *out = argv[++n];
      return true;
    };
    std::string v;
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--out") {
      if (!value(&options.out_dir)) return UsageError("--out needs a folder");
    } else if (arg == "--stop-after") {
      if (!value(&options.stop_after)) return UsageError("--stop-after needs a stage");
      if (options.stop_after != "preprocess" && options.stop_after != "infer") {
        return UsageError("--stop-after " + options.stop_after +
                          ": the stages to stop after are 'preprocess' and 'infer'");
      }
    } else if (arg == "--bundle") {
      if (!value(&bundle)) return UsageError("--bundle needs a folder");
    } else if (arg == "--device") {
      if (!value(&device)) return UsageError("--device needs cpu or cuda:N");
    } else if (arg == "--masks") {
      options.write_masks = true;
    } else if (arg == "--probabilities") {
      options.write_probabilities = true;
    } else if (arg == "--lungs") {
      if (!value(&v)) return UsageError("--lungs needs a NRRD file");
      options.lung_mask_path = v;
    } else if (arg == "--config") {
      if (!value(&config_file)) return UsageError("--config needs a file");
    } else if (arg == "--set") {
      if (!value(&v)) return UsageError("--set needs key=value");
      overrides.push_back(v);
    } else if (!arg.empty() && arg[0] == '-') {
      return UsageError("unknown option " + arg);
    } else if (options.dicom_dir.empty()) {
      options.dicom_dir = arg;
    } else {
      return UsageError("only one DICOM_DIR, got '" + arg + "' too");
    }
  }
  if (options.dicom_dir.empty()) return UsageError("DICOM_DIR is required");
  if (options.out_dir.empty()) return UsageError("--out is required");
  auto config = core::LoadConfig(config_file, overrides);
  if (!config.ok()) {
    std::fprintf(stderr, "ctscreen: configuration refused:\n%s\n",
                 config.status().reason().c_str());
    return 2;
  }
  options.read.selection.skip_image_types = config->series.skip_image_types;
  options.read.reader.limits.min_slices = config->series.min_slices;
  options.bundle_dir = bundle.empty() ? config->pipeline.bundle : bundle;
  options.screener.device = !device.empty()                    ? device
                            : config->pipeline.devices.empty() ? "cpu"
                                                               : config->pipeline.devices.front();
  options.screener.precision = config->pipeline.precision;
  // As the server's CPU worker; 0 leaves LibTorch's own choice (one per core, or
  // OMP_NUM_THREADS when set), which the benchmarks rely on.
  if (config->pipeline.cpu_threads > 0) inference::SetCpuThreads(config->pipeline.cpu_threads);

  const pipeline::AnalysisReport report = pipeline::RunAnalysis(options);
  if (report.status.ok() && options.stop_after == "infer") {
    std::printf("verdict: %s (probability %.3f) in %.0f ms; wrote %s/result.json%s%s\n",
                report.verdict.c_str(), report.probability, report.timings_ms.at("total"),
                options.out_dir.c_str(), options.write_masks ? ", lungs.nrrd, lesions.nrrd" : "",
                options.write_probabilities &&
                        std::filesystem::exists(options.out_dir + "/lesion_probability.nrrd")
                    ? ", lesion_probability.nrrd"
                    : "");
    return 0;
  }
  if (report.status.ok()) {
    std::printf(
        "preprocessed in %.0f ms; wrote %s/preprocessed_lung.nrrd, "
        "preprocessed_lesion.nrrd and result.json\n",
        report.timings_ms.at("total"), options.out_dir.c_str());
    return 0;
  }
  if (pipeline::IsRejection(report.status)) {
    std::fprintf(stderr, "ctscreen analyze: series rejected: %s\n", report.status.reason().c_str());
    return 3;
  }
  std::fprintf(stderr, "ctscreen analyze: %s\n", report.status.ToString().c_str());
  return 1;
}

}  // namespace ctscreen::app
