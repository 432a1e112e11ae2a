#include "ctscreen/pipeline/stages.h"

#include "ctscreen/imaging/lung_mask.h"
#include "ctscreen/imaging/nrrd_io.h"

namespace ctscreen::pipeline {

core::Result<ReadSeriesOutput> ReadSeriesStage::Run(const ReadSeriesInput& input) const {
  auto selection = SelectCtSeries(input.dicom_dir, options_.selection);
  if (!selection.ok()) return selection.status();
  auto ct = dicom::SeriesReader(options_.reader).Read(selection->headers);
  if (!ct.ok()) return ct.status();
  return ReadSeriesOutput{std::move(*ct), selection->note};
}

core::Result<PreprocessOutput> PreprocessStage::Run(const PreprocessInput& input) const {
  if (!input.ct || !input.ct->image) {
    return core::Status(core::ErrorCode::kInvalidArgument, "preprocess needs a CT volume");
  }
  PreprocessOutput out;
  core::Result<imaging::LabelImage::Pointer> lungs =
      input.lung_mask_path ? imaging::ReadLabelNrrd(*input.lung_mask_path)
                           : imaging::ThresholdLungMask(*input.ct);
  if (!lungs.ok()) {
    if (lungs.status().code() != core::ErrorCode::kNotFound) return lungs.status();
    // No air-like region: nothing the lung models could work on.
    return core::Status(core::ErrorCode::kGeometry,
                        "no_lungs: " + lungs.status().reason() + "; is this a chest CT?");
  }
  out.lung_mask_source = input.lung_mask_path ? "file" : "threshold_heuristic";
  auto pre = imaging::Preprocess(*input.ct, **lungs, spec_, &out.timings);
  if (!pre.ok()) {
    if (pre.status().code() == core::ErrorCode::kNotFound) {
      return core::Status(core::ErrorCode::kGeometry, "no_lungs: " + pre.status().reason());
    }
    return pre.status();
  }
  out.inputs = std::move(*pre);
  return out;
}

}  // namespace ctscreen::pipeline
