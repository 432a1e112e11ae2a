// DICOM Segmentation of screening results on the source CT's own grid: BINARY (what viewers
// display), one frame per source slice that holds a segment, each frame referencing its CT
// instance, in a new series of the source study.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/dicom/source_series.h"

namespace ctscreen::dicom {

enum class SegmentKind { kCovidLesion, kOtherLesion, kLung };

// The voxels of one segment: those of a label volume on the source grid (columns fastest, then
// rows, then slices in SourceSeries::slices order) that hold one value, or with value 0 every
// non-zero voxel. A view, not a copy: the lesions share one label volume, and a full-grid copy
// per lesion (78 MB each for 512 x 512 x 300) made writing the SEG the analysis's largest use
// of memory on studies with many findings. The volume must outlive the write.
class SegmentMask {
 public:
  SegmentMask() = default;
  explicit SegmentMask(const std::vector<std::uint8_t>& labels, std::uint8_t value = 0)
      : labels_(labels.data()), size_(labels.size()), value_(value) {}

  std::size_t size() const { return size_; }
  bool Any() const {
    std::uint8_t scratch[4096];
    for (std::size_t begin = 0; begin < size_; begin += sizeof(scratch)) {
      if (CopyTo(begin, std::min(sizeof(scratch), size_ - begin), scratch)) return true;
    }
    return false;
  }
  // Voxels [begin, begin + count) as 0 or 1 into OUT; whether any of them is 1.
  bool CopyTo(std::size_t begin, std::size_t count, std::uint8_t* out) const {
    const std::uint8_t* in = labels_ + begin;
    if (labels_ == nullptr || (value_ != 0 && std::memchr(in, value_, count) == nullptr)) {
      // A lesion lies in a few slices of hundreds; memchr passes over the others at memory speed.
      std::memset(out, 0, count);
      return false;
    }
    // The value test is outside the loops, which are then a compare and a store per voxel.
    std::uint8_t seen = 0;
    if (value_ == 0) {
      for (std::size_t i = 0; i < count; ++i) seen |= out[i] = in[i] != 0;
    } else {
      for (std::size_t i = 0; i < count; ++i) seen |= out[i] = in[i] == value_;
    }
    return seen != 0;
  }

 private:
  const std::uint8_t* labels_ = nullptr;
  std::size_t size_ = 0;
  std::uint8_t value_ = 0;
};

struct SegmentInput {
  SegmentKind kind = SegmentKind::kCovidLesion;
  std::string label;        // "Lesion 1"; shown in viewers' segment lists
  std::string description;  // optional free text ("COVID-19-like, p=0.91")
  SegmentMask mask;
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
