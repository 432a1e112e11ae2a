#include "ctscreen/pipeline/write_results.h"

#include <algorithm>
#include <array>
#include <filesystem>

#include "ctscreen/dicom/sc_writer.h"

namespace ctscreen::pipeline {

namespace fs = std::filesystem;

core::Result<WriteResultsOutput> WriteResultsStage::Run(const WriteResultsInput& input) const {
  const imaging::CtVolume& ct = *input.ct;
  const ScreeningOnSource& found = *input.screening;
  const imaging::GeometryInfo grid = ct.geometry();
  const dicom::SourceSeries source = dicom::SourceSeriesFrom(
      grid, ct.slices, ct.study_uid, ct.series_uid, ct.frame_of_reference_uid);
  const std::size_t voxels = grid.VoxelCount();
  if (found.lesion_labels.size() != voxels ||
      (!found.lung_mask.empty() && found.lung_mask.size() != voxels)) {
    return core::Status(core::ErrorCode::kInternal,
                        "screening masks do not match the source grid of series " + ct.series_uid);
  }
  std::error_code ec;
  fs::create_directories(options_.out_dir, ec);
  WriteResultsOutput out;

  // Which lesion ids the label volume holds, in one pass (each segment then views the volume).
  std::array<bool, 256> present{};
  for (const std::uint8_t id : found.lesion_labels) present[id] = true;
  std::vector<dicom::SegmentInput> segments;
  std::vector<dicom::SrLesion> sr_lesions;
  for (const auto& lesion : found.lesions) {
    dicom::SegmentInput segment;
    segment.kind =
        lesion.covid_like ? dicom::SegmentKind::kCovidLesion : dicom::SegmentKind::kOtherLesion;
    segment.label = "Lesion " + std::to_string(lesion.id);
    char description[96];
    std::snprintf(description, sizeof(description), "%s, p=%.2f, %.1f ml",
                  lesion.covid_like ? "COVID-19-like" : "other", lesion.probability,
                  lesion.volume_ml);
    segment.description = description;
    segment.mask = dicom::SegmentMask(found.lesion_labels, static_cast<std::uint8_t>(lesion.id));
    const bool any = lesion.id > 0 && lesion.id < 256 && present[lesion.id];
    dicom::SrLesion sr{lesion.id, lesion.covid_like, lesion.probability, lesion.volume_ml, 0};
    // A segment with nothing in it is never written; the SR still lists the lesion.
    if (any) {
      sr.segment_number = static_cast<int>(segments.size()) + 1;
      segments.push_back(std::move(segment));
    }
    sr_lesions.push_back(sr);
  }
  if (options_.seg_lungs && !found.lung_mask.empty()) {
    dicom::SegmentInput lungs;
    lungs.kind = dicom::SegmentKind::kLung;
    lungs.label = "Lungs";
    lungs.mask = dicom::SegmentMask(found.lung_mask);
    const bool any = std::any_of(found.lung_mask.begin(), found.lung_mask.end(),
                                 [](std::uint8_t v) { return v != 0; });
    if (any) segments.push_back(std::move(lungs));
  }

  dicom::SrInput report;
  report.verdict = found.verdict;
  report.reason = found.reason;
  report.probability = found.probability;
  report.threshold = found.threshold;
  report.lung_volume_ml = found.lung_volume_ml;
  report.lesions = sr_lesions;

  if (options_.seg && !segments.empty()) {
    dicom::SegOptions seg_options;
    seg_options.include_empty_frames = options_.seg_empty_frames;
    auto seg = dicom::SegWriter(options_.algorithm, seg_options)
                   .Write(source, segments, (fs::path(options_.out_dir) / "seg.dcm").string());
    if (!seg.ok()) return seg.status();
    report.seg = dicom::SegReference{seg->sop_instance_uid, seg->series_uid};
    out.files.push_back({seg->path, dicom::kSegmentationStorageUid, seg->sop_instance_uid});
    out.seg = *seg;
  } else {
    // Without a SEG the report cannot point into one.
    for (auto& l : report.lesions) l.segment_number = 0;
  }
  if (options_.overlay && !found.lesions.empty()) {
    dicom::ScInput sc;
    const std::int16_t* hu = ct.image->GetBufferPointer();
    sc.hu.assign(hu, hu + voxels);
    sc.covid_like.assign(voxels, 0);
    sc.other.assign(voxels, 0);
    // Each id's class, then one pass over the label volume (not one per lesion).
    std::array<std::uint8_t, 256> class_of{};  // 0 none, 1 COVID-19-like, 2 other
    for (const auto& lesion : found.lesions) {
      if (lesion.id > 0 && lesion.id < 256) {
        class_of[lesion.id] = lesion.covid_like ? 1 : 2;
      }
    }
    for (std::size_t v = 0; v < voxels; ++v) {
      const std::uint8_t c = class_of[found.lesion_labels[v]];
      sc.covid_like[v] = c == 1;
      sc.other[v] = c == 2;
    }
    const fs::path dir = fs::path(options_.out_dir) / "overlay";
    fs::create_directories(dir, ec);
    auto written =
        dicom::ScWriter(options_.algorithm, dicom::ScOptions()).Write(source, sc, dir.string());
    if (!written.ok()) return written.status();
    for (const auto& w : *written) {
      out.files.push_back({w.path, dicom::kSecondaryCaptureStorageUid, w.sop_instance_uid});
    }
    out.overlays = static_cast<int>(written->size());
  }
  if (options_.sr) {
    auto sr = dicom::SrWriter(options_.algorithm, dicom::SrOptions())
                  .Write(source, report, (fs::path(options_.out_dir) / "sr.dcm").string());
    if (!sr.ok()) return sr.status();
    out.files.push_back({sr->path, "1.2.840.10008.5.1.4.1.1.88.33", sr->sop_instance_uid});
    out.sr = *sr;
  }
  return out;
}

}  // namespace ctscreen::pipeline
