// DICOM Segmentation of screening results on the source CT's own grid: BINARY (what viewers
// display), one frame per source slice that holds a segment, each frame referencing its CT
// instance, in a new series of the source study.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/dicom/source_series.h"

namespace ctscreen::dicom {

enum class SegmentKind { kCovidLesion, kOtherLesion, kLung };

struct SegmentInput {
  SegmentKind kind = SegmentKind::kCovidLesion;
  std::string label;        // "Lesion 1"; shown in viewers' segment lists
  std::string description;  // optional free text ("COVID-19-like, p=0.91")
  // Source grid: columns fastest, then rows, then slices in SourceSeries::slices order.
  // Non-zero is inside.
  std::vector<std::uint8_t> mask;
};

struct SegOptions {
  bool include_empty_frames = false;  // one frame per slice and segment, even empty ones
  std::string series_description = "ctscreen AI lesions (screening aid)";
  int series_number = 9901;
  int instance_number = 1;
};

struct WrittenSeg {
  std::string path;
  std::string sop_instance_uid;
  std::string series_uid;
  int frames = 0;
  // Segment number (1-based) per input segment, for the SR's Referenced Segment.
  std::vector<int> segment_numbers;
};

inline constexpr const char* kSegmentationStorageUid = "1.2.840.10008.5.1.4.1.1.66.4";

class SegWriter {
 public:
  SegWriter(AlgorithmInfo algorithm, SegOptions options)
      : algorithm_(std::move(algorithm)), options_(std::move(options)) {}

  // Writes `path` (Explicit VR Little Endian, uncompressed). Refuses empty segments and masks
  // that do not match the source grid: a SEG with an empty segment confuses viewers, and the
  // caller should leave such a segment out (or write no SEG at all).
  core::Result<WrittenSeg> Write(const SourceSeries& source,
                                 const std::vector<SegmentInput>& segments,
                                 const std::string& path) const;

 private:
  AlgorithmInfo algorithm_;
  SegOptions options_;
};

}  // namespace ctscreen::dicom
