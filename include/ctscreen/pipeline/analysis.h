// `ctscreen analyze`: the pipeline stages on a folder, without any network. For now it stops
// after preprocessing and writes the model inputs as NRRD for inspection in a viewer.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "ctscreen/core/status.h"
#include "ctscreen/imaging/preprocess_spec.h"
#include "ctscreen/pipeline/stages.h"

namespace ctscreen::pipeline {

struct AnalysisOptions {
  std::string dicom_dir;
  std::string out_dir;
  std::string stop_after = "preprocess";  // the only stage there is so far
  std::optional<std::string> lung_mask_path;
  ReadSeriesOptions read;
  imaging::PreprocessSpec preprocess = imaging::PaperPreprocessSpec();
};

struct AnalysisReport {
  core::Status status;  // kGeometry / kUnsupportedImage: the series is rejected
  std::string result_json_path;
  std::map<std::string, double> timings_ms;
};

// Always writes out_dir/result.json (also for a rejected series, with the reason), plus the
// preprocessed NRRDs on success.
AnalysisReport RunAnalysis(const AnalysisOptions& options);

// True for statuses that mean "this series cannot be analysed" rather than a fault of ours.
bool IsRejection(const core::Status& status);

}  // namespace ctscreen::pipeline
