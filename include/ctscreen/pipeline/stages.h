// The screening stages that exist so far, each with an explicit input, output and options and
// one Run. No side effects on disk: writing is the analysis' WriteOutputs step.
#pragma once

#include <optional>
#include <string>

#include "ctscreen/core/status.h"
#include "ctscreen/dicom/series_reader.h"
#include "ctscreen/imaging/ct_volume.h"
#include "ctscreen/imaging/preprocess.h"
#include "ctscreen/pipeline/series_selection.h"

namespace ctscreen::pipeline {

struct ReadSeriesInput {
  std::string dicom_dir;
};
struct ReadSeriesOptions {
  SelectionRules selection;
  dicom::SeriesReadOptions reader;
};
struct ReadSeriesOutput {
  imaging::CtVolume ct;
  std::string selection_note;
};

class ReadSeriesStage {
 public:
  explicit ReadSeriesStage(ReadSeriesOptions options) : options_(std::move(options)) {}
  core::Result<ReadSeriesOutput> Run(const ReadSeriesInput& input) const;

 private:
  ReadSeriesOptions options_;
};

struct PreprocessInput {
  const imaging::CtVolume* ct = nullptr;
  // A lung mask NRRD in the CT's frame of reference; without one the threshold heuristic
  // (imaging::ThresholdLungMask) stands in until the lung model exists.
  std::optional<std::string> lung_mask_path;
};
struct PreprocessOutput {
  imaging::Preprocessed inputs;
  std::string lung_mask_source;  // "file" or "threshold_heuristic"
  imaging::PreprocessTimings timings;
};

class PreprocessStage {
 public:
  explicit PreprocessStage(imaging::PreprocessSpec spec) : spec_(spec) {}
  core::Result<PreprocessOutput> Run(const PreprocessInput& input) const;

 private:
  imaging::PreprocessSpec spec_;
};

}  // namespace ctscreen::pipeline
