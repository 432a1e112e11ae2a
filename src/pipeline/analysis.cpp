#include "ctscreen/pipeline/analysis.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "ctscreen/core/durable_file.h"
#include "ctscreen/core/logging.h"
#include "ctscreen/imaging/nrrd_io.h"
#include "ctscreen/inference/manifest.h"

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

json SourceJson(const imaging::CtVolume& ct, const std::string& note) {
  return {{"study_uid", ct.study_uid},
          {"series_uid", ct.series_uid},
          {"frame_of_reference_uid", ct.frame_of_reference_uid},
          {"series_selection", note},
          {"geometry", GeometryJson(ct.geometry())}};
}

// Rounded to DIGITS decimals so that result.json reads as a report, not a float dump.
double Round(double v, int digits) {
  const double scale = std::pow(10.0, digits);
  return std::round(v * scale) / scale;
}

json ScreeningJson(const StudyAnalysis& a, const inference::Manifest& manifest) {
  const inference::Screening& s = a.screening;
  json lesions = json::array();
  for (const SourceLesion& l : a.source.lesion_list) {
    lesions.push_back(
        {{"id", l.id},
         {"class", inference::LesionClassName(l.lesion_class)},
         {"probability", Round(l.probability, 4)},
         {"volume_ml", Round(l.volume_ml, 3)},
         {"centroid_mm",
          {Round(l.centroid_mm[0], 2), Round(l.centroid_mm[1], 2), Round(l.centroid_mm[2], 2)}}});
  }
  json r = {{"verdict", inference::VerdictName(s.verdict)},
            {"probability", Round(s.probability, 4)},
            {"threshold", s.threshold},
            {"lesions", lesions},
            {"lung_volume_ml", Round(a.source.lung_volume_ml, 1)},
            {"model_bundle", {{"name", manifest.name}, {"version", manifest.version}}},
            {"device", s.device},
            {"precision", s.precision},
            {"model_grid", GeometryJson(a.model.grid)}};
  if (s.verdict == inference::Verdict::kNotAssessable) r["reason"] = s.reason;
  return r;
}

}  // namespace

core::Result<StudyAnalysis> AnalyzeStudy(const std::string& dicom_dir,
                                         const ReadSeriesOptions& read_options,
                                         inference::Screener* screener,
                                         std::map<std::string, double>* timings_ms) {
  std::map<std::string, double> unused;
  std::map<std::string, double>& t = timings_ms ? *timings_ms : unused;
  StudyAnalysis a;
  auto start = Clock::now();
  auto read = ReadSeriesStage(read_options).Run({dicom_dir});
  t["read"] = MsSince(start);
  if (!read.ok()) return read.status();
  a.ct = std::move(read->ct);
  a.selection_note = std::move(read->selection_note);

  start = Clock::now();
  auto model = ResampleStage(screener->manifest().model_spacing_xyz()).Run({&a.ct});
  t["preprocess"] = MsSince(start);
  if (!model.ok()) return model.status();
  a.model = std::move(*model);

  auto screening = InferStage(screener).Run({&a.model});
  if (!screening.ok()) return screening.status();
  a.screening = std::move(*screening);
  t["lung_seg"] = a.screening.timings_ms.lung_seg;
  t["lesion_seg"] = a.screening.timings_ms.lesion_seg;
  t["classify"] = a.screening.timings_ms.classify;
  // The model-grid volume is no longer needed; at 512 x 512 x 600 it is a few hundred MB.
  a.model.hu.voxels = {};

  start = Clock::now();
  auto source = MapToSourceStage().Run({&a.ct, &a.model, &a.screening});
  t["map_to_source"] = MsSince(start);
  if (!source.ok()) return source.status();
  a.source = std::move(*source);
  return a;
}

bool IsRejection(const core::Status& status) {
  return status.code() == core::ErrorCode::kGeometry ||
         status.code() == core::ErrorCode::kUnsupportedImage;
}

namespace {

// `--stop-after preprocess`: the lung-cropped, windowed model inputs as NRRD for a viewer.
AnalysisReport RunPreprocessOnly(const AnalysisOptions& options) {
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

}  // namespace

AnalysisReport RunAnalysis(const AnalysisOptions& options) {
  if (options.stop_after == "preprocess") return RunPreprocessOnly(options);
  auto log = core::Log("pipeline");
  AnalysisReport report;
  json result = {{"status", "analysed"}};
  const auto total_start = Clock::now();
  auto finish = [&](core::Status status) {
    report.status = status;
    if (!status.ok()) {
      result["status"] = IsRejection(status) ? "rejected" : "failed";
      result["verdict"] = "not_assessable";
      result["reason"] = status.ToString();
    }
    report.verdict = result.value("verdict", "");
    report.probability = result.value("probability", 0.0);
    report.timings_ms["total"] = MsSince(total_start);
    result["timings_ms"] = report.timings_ms;
    report.result_json_path = options.out_dir + "/result.json";
    core::Status written = core::WriteFileDurably(report.result_json_path, result.dump(2) + "\n");
    if (!written.ok() && report.status.ok()) report.status = written;
    return report;
  };
  if (options.stop_after != "infer") {
    return finish(core::Status(core::ErrorCode::kInvalidArgument,
                               "--stop-after " + options.stop_after +
                                   ": the stages to stop after are 'preprocess' and 'infer'"));
  }
  if (core::Status st = core::EnsureDirectory(options.out_dir); !st.ok()) return finish(st);

  auto start = Clock::now();
  std::unique_ptr<inference::Screener> loaded;
  inference::Screener* screener = options.screener_in_use;
  if (screener == nullptr) {
    inference::ScreenerOptions screener_options = options.screener;
    screener_options.keep_lesion_probability |= options.write_probabilities;
    auto created = inference::Screener::Create(options.bundle_dir, screener_options);
    report.timings_ms["load_bundle"] = MsSince(start);
    if (!created.ok()) {
      return finish(core::Status(created.status().code(), "model bundle " + options.bundle_dir +
                                                              ": " + created.status().reason()));
    }
    loaded = std::move(created.value());
    screener = loaded.get();
  }
  const inference::Manifest& manifest = screener->manifest();
  result["model_bundle"] = {{"name", manifest.name}, {"version", manifest.version}};
  report.bundle_name = manifest.name;
  report.bundle_version = manifest.version;
  auto analysis = AnalyzeStudy(options.dicom_dir, options.read, screener, &report.timings_ms);
  if (!analysis.ok()) return finish(analysis.status());
  const StudyAnalysis& a = *analysis;
  result.update(SourceJson(a.ct, a.selection_note));
  result.update(ScreeningJson(a, manifest));
  log->info("series {}: {} (p={:.3f}), {} lesion(s)", a.ct.series_uid,
            result["verdict"].get<std::string>(), a.screening.probability,
            a.source.lesion_list.size());

  start = Clock::now();
  if (options.write_masks) {
    const std::pair<const imaging::LabelImage*, std::string> masks[] = {
        {a.source.lungs.GetPointer(), "lungs.nrrd"},
        {a.source.lesions.GetPointer(), "lesions.nrrd"}};
    json outputs = json::array();
    for (const auto& [mask, name] : masks) {
      core::Status st = imaging::WriteLabelNrrd(*mask, options.out_dir + "/" + name);
      if (!st.ok()) return finish(st);
      outputs.push_back(name);
    }
    result["masks"] = outputs;
  }
  if (options.write_probabilities && a.screening.lesion_probability.voxels.empty()) {
    // The lesion stage did not run (too little lung to assess): no map, and no stale one from
    // an earlier run in this folder to be read as this one's.
    std::error_code ignored;
    std::filesystem::remove(options.out_dir + "/lesion_probability.nrrd", ignored);
    result["probabilities"] = json::array();
  } else if (options.write_probabilities) {
    core::Status st =
        imaging::WriteFloatNrrd(a.model.grid, a.screening.lesion_probability.voxels,
                                "lesion model probability (model grid, before any rule)",
                                options.out_dir + "/lesion_probability.nrrd");
    if (!st.ok()) return finish(st);
    result["probabilities"] = {"lesion_probability.nrrd"};
  }
  if (options.write_dicom) {
    const ScreeningOnSource found = ToScreeningOnSource(a);
    WriteResultsOptions w;
    w.out_dir = options.out_dir;
    w.algorithm = {manifest.name, manifest.version, CTSCREEN_VERSION, "ctscreen"};
    w.overlay = options.overlay;
    w.seg_lungs = options.seg_lungs;
    w.seg_empty_frames = options.seg_empty_frames;
    auto written = WriteResultsStage(w).Run({&a.ct, &found});
    if (!written.ok()) return finish(written.status());
    json dicom_outputs = json::array();
    for (const auto& f : written->files) {
      dicom_outputs.push_back(std::filesystem::path(f.path).filename().string());
    }
    result["dicom_outputs"] = dicom_outputs;
    report.files = written->files;
  }
  report.timings_ms["write"] = MsSince(start);
  return finish(core::Status::Ok());
}

ScreeningOnSource ToScreeningOnSource(const StudyAnalysis& a) {
  ScreeningOnSource found;
  const auto count = a.ct.image->GetLargestPossibleRegion().GetNumberOfPixels();
  // ITK buffers run x fastest, then y, then slice index: the source grid order the writers use.
  const std::uint8_t* lesions = a.source.lesions->GetBufferPointer();
  found.lesion_labels.assign(lesions, lesions + count);
  const std::uint8_t* lungs = a.source.lungs->GetBufferPointer();
  found.lung_mask.assign(lungs, lungs + count);
  for (const SourceLesion& l : a.source.lesion_list) {
    found.lesions.push_back(
        {l.id, l.lesion_class == inference::LesionClass::kCovid19Like, l.probability, l.volume_ml});
  }
  found.lung_volume_ml = a.source.lung_volume_ml;
  switch (a.screening.verdict) {
    case inference::Verdict::kCovid19Likely:
      found.verdict = dicom::SrVerdict::kCovid19Likely;
      break;
    case inference::Verdict::kCovid19Unlikely:
      found.verdict = dicom::SrVerdict::kCovid19Unlikely;
      break;
    case inference::Verdict::kNoLesion:
      found.verdict = dicom::SrVerdict::kNoLesion;
      break;
    case inference::Verdict::kNotAssessable:
      found.verdict = dicom::SrVerdict::kNotAssessable;
      break;
  }
  found.reason = a.screening.reason;
  found.probability = a.screening.probability;
  found.threshold = a.screening.threshold;
  return found;
}

}  // namespace ctscreen::pipeline
