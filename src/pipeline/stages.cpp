#include "ctscreen/pipeline/stages.h"

#include <algorithm>
#include <cstring>

#include "ctscreen/imaging/components.h"
#include "ctscreen/imaging/lung_mask.h"
#include "ctscreen/imaging/nrrd_io.h"
#include "ctscreen/imaging/source_grid.h"

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

core::Result<ModelGridCt> ResampleStage::Run(const ResampleInput& input) const {
  if (!input.ct || !input.ct->image) {
    return core::Status(core::ErrorCode::kInvalidArgument, "resampling needs a CT volume");
  }
  ModelGridCt out;
  const imaging::GeometryInfo source = input.ct->geometry();
  out.source_box.size = source.size;
  out.grid = imaging::ModelGridFor(source, out.source_box, spacing_xyz_);
  auto hu = imaging::ResampleCt(*input.ct->image, out.grid);
  if (!hu.ok()) return hu.status();
  out.hu.size_xyz = out.grid.size;
  out.hu.spacing_xyz = out.grid.spacing;
  // Both are x fastest, then y, then z (imaging::ModelInput, inference::Grid).
  const float* voxels = (*hu)->GetBufferPointer();
  out.hu.voxels.assign(voxels, voxels + out.grid.VoxelCount());
  return out;
}

core::Result<inference::Screening> InferStage::Run(const InferInput& input) const {
  if (!input.ct || !screener_) {
    return core::Status(core::ErrorCode::kInvalidArgument, "inference needs a CT and a screener");
  }
  return screener_->Run(input.ct->hu);
}

core::Result<MapToSourceOutput> MapToSourceStage::Run(const MapToSourceInput& input) const {
  if (!input.ct || !input.model || !input.screening) {
    return core::Status(core::ErrorCode::kInvalidArgument,
                        "mapping to the source needs the CT, its model grid and a screening");
  }
  const imaging::GeometryInfo source = input.ct->geometry();
  const imaging::GeometryInfo& grid = input.model->grid;
  const inference::Screening& s = *input.screening;
  MapToSourceOutput out;
  auto lungs = imaging::ToSourceGrid(s.lung_mask.voxels, grid, source, input.model->source_box);
  if (!lungs.ok()) return lungs.status();
  out.lungs = *lungs;
  std::size_t lung_voxels = 0;
  const std::uint8_t* l = out.lungs->GetBufferPointer();
  for (std::size_t i = 0; i < source.VoxelCount(); ++i) lung_voxels += l[i] != 0;
  out.lung_volume_ml = lung_voxels * source.VoxelVolumeMm3() / 1000.0;

  // A uint8 mask (SEG, NRRD) holds 255 lesions; a study with more reports the rest as one.
  std::vector<std::uint8_t> labels(s.lesion_map.voxels.size());
  std::transform(s.lesion_map.voxels.begin(), s.lesion_map.voxels.end(), labels.begin(),
                 [](std::uint16_t v) { return static_cast<std::uint8_t>(std::min<int>(v, 255)); });
  auto lesions = imaging::ToSourceGrid(labels, grid, source, input.model->source_box);
  if (!lesions.ok()) return lesions.status();
  out.lesions = *lesions;
  const std::vector<imaging::LabelMeasure> measured = imaging::MeasureLabels(*out.lesions);
  for (const inference::Lesion& lesion : s.lesions) {
    SourceLesion r;
    r.id = lesion.id;
    r.lesion_class = lesion.lesion_class;
    r.probability = lesion.probability;
    auto m = std::find_if(measured.begin(), measured.end(), [&](const imaging::LabelMeasure& x) {
      return x.label == std::min(lesion.id, 255);
    });
    if (m != measured.end()) {
      r.volume_ml = m->volume_ml;
      r.centroid_mm = m->centroid_mm;
    } else {
      // Small enough to fall between thick source slices: the model grid's measure stands.
      r.volume_ml = lesion.volume_ml;
      const auto& c = lesion.centroid_xyz;
      r.centroid_mm = grid.IndexToWorld(c[0], c[1], c[2]);
    }
    out.lesion_list.push_back(r);
  }
  return out;
}

}  // namespace ctscreen::pipeline
