// The screening stages that exist so far, each with an explicit input, output and options and
// one Run. No side effects on disk: writing is the analysis' WriteOutputs step.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/dicom/series_reader.h"
#include "ctscreen/imaging/ct_volume.h"
#include "ctscreen/imaging/preprocess.h"
#include "ctscreen/inference/screener.h"
#include "ctscreen/inference/screening.h"
#include "ctscreen/inference/volume.h"
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

// The whole CT in HU on the bundle's input grid. Not cropped to the lungs and not windowed:
// the Screener finds the lungs itself and windows per stage as its manifest says.
struct ModelGridCt {
  imaging::GeometryInfo grid;    // identity (LPS) direction, the bundle's spacing
  imaging::IndexBox source_box;  // the region of the source grid it covers (all of it)
  inference::Volume hu;
};

struct ResampleInput {
  const imaging::CtVolume* ct = nullptr;
};

class ResampleStage {
 public:
  explicit ResampleStage(const std::array<double, 3>& spacing_xyz) : spacing_xyz_(spacing_xyz) {}
  core::Result<ModelGridCt> Run(const ResampleInput& input) const;

 private:
  std::array<double, 3> spacing_xyz_;
};

struct InferInput {
  const ModelGridCt* ct = nullptr;
};

// Lungs, lesions, classes and the verdict on the model grid (inference::Screener::Run).
class InferStage {
 public:
  explicit InferStage(inference::Screener* screener) : screener_(screener) {}
  core::Result<inference::Screening> Run(const InferInput& input) const;

 private:
  inference::Screener* screener_;
};

// A lesion as the report gives it: measured on the source grid, in patient coordinates.
struct SourceLesion {
  int id = 0;  // its label in MapToSourceOutput::lesions
  inference::LesionClass lesion_class = inference::LesionClass::kOther;
  double probability = 0;
  double volume_ml = 0;
  imaging::Vec3 centroid_mm{0, 0, 0};  // LPS
};

struct MapToSourceInput {
  const imaging::CtVolume* ct = nullptr;
  const ModelGridCt* model = nullptr;
  const inference::Screening* screening = nullptr;
};
struct MapToSourceOutput {
  imaging::LabelImage::Pointer lungs;    // 1 lung
  imaging::LabelImage::Pointer lesions;  // the lesion's id, capped at 255
  std::vector<SourceLesion> lesion_list;
  double lung_volume_ml = 0;
};

// Masks back onto the source CT grid (nearest neighbour), where SEG and volumes are reported.
class MapToSourceStage {
 public:
  core::Result<MapToSourceOutput> Run(const MapToSourceInput& input) const;
};

}  // namespace ctscreen::pipeline
