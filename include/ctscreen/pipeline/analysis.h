// `ctscreen analyze`: the pipeline stages on a folder, without any network: read, resample,
// infer, map back to the source grid, write result.json (and masks). `--stop-after preprocess`
// instead writes the lung-cropped, windowed model inputs as NRRD for inspection in a viewer.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/imaging/preprocess_spec.h"
#include "ctscreen/pipeline/stages.h"
#include "ctscreen/pipeline/write_results.h"

namespace ctscreen::pipeline {

struct AnalysisOptions {
  std::string dicom_dir;
  std::string out_dir;
  std::string stop_after = "infer";           // "preprocess" or "infer" (everything)
  std::optional<std::string> lung_mask_path;  // preprocess only
  std::string bundle_dir = "models/default";
  inference::ScreenerOptions screener;
  bool write_masks = false;  // out_dir/lungs.nrrd, out_dir/lesions.nrrd on the source grid
  // out_dir/lesion_probability.nrrd: the lesion model's map on the model grid (float, LPS), for
  // looking into what it missed or found; needs the screener loaded here (not screener_in_use).
  bool write_probabilities = false;
  // out_dir/seg.dcm and sr.dcm (and overlays when asked): what goes back to the PACS.
  bool write_dicom = true;
  bool overlay = false;
  bool seg_lungs = false;
  bool seg_empty_frames = false;
  // A screener already loaded (the server keeps one per device); null: load bundle_dir.
  inference::Screener* screener_in_use = nullptr;
  ReadSeriesOptions read;
  imaging::PreprocessSpec preprocess = imaging::PaperPreprocessSpec();
};

struct AnalysisReport {
  core::Status status;  // kGeometry / kUnsupportedImage: the series is rejected
  std::string result_json_path;
  std::string verdict;  // result.json's, when the models ran
  double probability = 0;
  std::map<std::string, double> timings_ms;
  std::vector<ResultFile> files;  // DICOM objects written, to deliver
  std::string bundle_name;
  std::string bundle_version;
};

// One study through every stage, in memory: what `analyze` reports and `evaluate` scores.
struct StudyAnalysis {
  imaging::CtVolume ct;
  ModelGridCt model;
  inference::Screening screening;
  MapToSourceOutput source;
  std::string selection_note;
};

// TIMINGS_MS receives read, preprocess, lung_seg, lesion_seg and classify as they complete
// (also when a later stage fails).
core::Result<StudyAnalysis> AnalyzeStudy(const std::string& dicom_dir,
                                         const ReadSeriesOptions& read,
                                         inference::Screener* screener,
                                         std::map<std::string, double>* timings_ms);

// Always writes out_dir/result.json (also for a rejected series, with the reason, verdict
// not_assessable); with stop_after "preprocess" the preprocessed NRRDs instead of a verdict.
AnalysisReport RunAnalysis(const AnalysisOptions& options);

// The screening as the result writers need it: masks on the source grid in slice order.
ScreeningOnSource ToScreeningOnSource(const StudyAnalysis& analysis);

// True for statuses that mean "this series cannot be analysed" rather than a fault of ours.
bool IsRejection(const core::Status& status);

}  // namespace ctscreen::pipeline
