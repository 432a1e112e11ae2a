#include "ctscreen/pipeline/analysis.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "ctscreen/core/durable_file.h"
#include "ctscreen/core/logging.h"
#include "ctscreen/imaging/nrrd_io.h"

namespace ctscreen::pipeline {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

json GeometryJson(const imaging::GeometryInfo& g) {
  return {{"coordinate_system", "LPS"},
          {"size", g.size},
          {"spacing_mm", g.spacing},
          {"origin_mm", g.origin},
          {"direction", g.direction}};
}

json BoxJson(const imaging::IndexBox& b) {
  return {{"begin", b.begin}, {"size", b.size}};
}

}  // namespace

bool IsRejection(const core::Status& status) {
  return status.code() == core::ErrorCode::kGeometry ||
         status.code() == core::ErrorCode::kUnsupportedImage;
}

AnalysisReport RunAnalysis(const AnalysisOptions& options) {
  auto log = core::Log("pipeline");
  AnalysisReport report;
  json result = {{"stopped_after", options.stop_after}};
  const auto total_start = Clock::now();
  auto finish = [&](core::Status status) {
    report.status = status;
    report.timings_ms["total"] = MsSince(total_start);
    result["timings_ms"] = report.timings_ms;
    if (status.ok()) {
      result["status"] = "preprocessed";
    } else {
      result["status"] = IsRejection(status) ? "rejected" : "failed";
      result["verdict"] = "not_assessable";
      result["reason"] = status.ToString();
    }
    report.result_json_path = options.out_dir + "/result.json";
    core::Status written = core::WriteFileDurably(report.result_json_path, result.dump(2) + "\n");
    if (!written.ok() && report.status.ok()) report.status = written;
    return report;
  };
  if (options.stop_after != "preprocess") {
    return finish(core::Status(
        core::ErrorCode::kInvalidArgument,
        "--stop-after " + options.stop_after + ": only 'preprocess' exists until the models do"));
  }
  if (core::Status st = core::EnsureDirectory(options.out_dir); !st.ok()) return finish(st);

  auto start = Clock::now();
  auto read = ReadSeriesStage(options.read).Run({options.dicom_dir});
  report.timings_ms["read"] = MsSince(start);
  if (!read.ok()) return finish(read.status());
  const imaging::CtVolume& ct = read->ct;
  result["study_uid"] = ct.study_uid;
  result["series_uid"] = ct.series_uid;
  result["frame_of_reference_uid"] = ct.frame_of_reference_uid;
  result["series_selection"] = read->selection_note;
  result["geometry"] = GeometryJson(ct.geometry());
  log->info("series {}: {}", ct.series_uid, read->selection_note);

  start = Clock::now();
  auto pre = PreprocessStage(options.preprocess).Run({&ct, options.lung_mask_path});
  report.timings_ms["preprocess"] = MsSince(start);
  if (!pre.ok()) return finish(pre.status());
  report.timings_ms["preprocess_crop"] = pre->timings.crop_ms;
  report.timings_ms["preprocess_resample"] = pre->timings.resample_ms;
  report.timings_ms["preprocess_window"] = pre->timings.window_ms;
  result["lung_mask"] = pre->lung_mask_source;
  if (pre->lung_mask_source == "threshold_heuristic") {
    result["lung_mask_note"] =
        "no lung mask given: a threshold heuristic chose the crop (demo path, not a lung model)";
  }
  result["source_crop"] = BoxJson(pre->inputs.source_crop);
  result["model_grid"] = GeometryJson(pre->inputs.lung.geometry);
  result["windows_hu"] = {
      {"lung", {pre->inputs.lung.window.low, pre->inputs.lung.window.high}},
      {"lesion", {pre->inputs.lesion.window.low, pre->inputs.lesion.window.high}}};

  start = Clock::now();
  const std::string lung_path = options.out_dir + "/preprocessed_lung.nrrd";
  const std::string lesion_path = options.out_dir + "/preprocessed_lesion.nrrd";
  for (const auto& [input, path] :
       {std::pair{&pre->inputs.lung, lung_path}, std::pair{&pre->inputs.lesion, lesion_path}}) {
    if (core::Status st = imaging::WriteModelInputNrrd(*input, path); !st.ok()) return finish(st);
  }
  report.timings_ms["write"] = MsSince(start);
  result["outputs"] = {"preprocessed_lung.nrrd", "preprocessed_lesion.nrrd"};
  return finish(core::Status::Ok());
}

}  // namespace ctscreen::pipeline
