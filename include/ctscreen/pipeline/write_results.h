// The WriteResults stage: what screening found, on the source CT grid, written as the DICOM
// objects the radiologist opens in the PACS: a SEG (one segment per lesion, optionally the
// lungs), a TID 1500 SR referencing it, and optionally Secondary Capture overlays. Idempotent
// over its output folder, so a retried job simply writes them again.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/dicom/seg_writer.h"
#include "ctscreen/dicom/source_series.h"
#include "ctscreen/dicom/sr_writer.h"
#include "ctscreen/imaging/ct_volume.h"

namespace ctscreen::pipeline {

struct LesionFinding {
  int id = 0;  // its label in ScreeningOnSource::lesion_labels
  bool covid_like = false;
  double probability = 0;
  double volume_ml = 0;
};

// One screening mapped onto the source grid (columns fastest, then rows, then slices in the
// CT's slice order).
struct ScreeningOnSource {
  std::vector<std::uint8_t> lesion_labels;  // LesionFinding::id per voxel, 0 none (ids <= 255)
  std::vector<std::uint8_t> lung_mask;      // empty: no lung segment can be written
  std::vector<LesionFinding> lesions;
  std::optional<double> lung_volume_ml;
  dicom::SrVerdict verdict = dicom::SrVerdict::kNotAssessable;
  std::string reason;
  double probability = 0;
  double threshold = 0.5;
};

struct WriteResultsInput {
  const imaging::CtVolume* ct = nullptr;
  const ScreeningOnSource* screening = nullptr;
};

struct WriteResultsOptions {
  std::string out_dir;
  dicom::AlgorithmInfo algorithm;
  bool seg = true;
  bool sr = true;
  bool overlay = false;
  bool seg_lungs = false;
  bool seg_empty_frames = false;
};

struct ResultFile {
  std::string path;
  std::string sop_class_uid;
  std::string sop_instance_uid;
};

struct WriteResultsOutput {
  std::vector<ResultFile> files;  // everything written, to deliver
  std::optional<dicom::WrittenSeg> seg;
  std::optional<dicom::WrittenSr> sr;
  int overlays = 0;
};

class WriteResultsStage {
 public:
  explicit WriteResultsStage(WriteResultsOptions options) : options_(std::move(options)) {}
  core::Result<WriteResultsOutput> Run(const WriteResultsInput& input) const;

 private:
  WriteResultsOptions options_;
};

}  // namespace ctscreen::pipeline
