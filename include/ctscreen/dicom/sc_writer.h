// Secondary Capture overlays: lung-window CT slices with the lesion outlines drawn in and an
// "AI RESULT" label burned in, for PACS viewers that display neither SEG nor SR.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/dicom/source_series.h"

namespace ctscreen::dicom {

struct ScInput {
  // All on the source grid: columns fastest, then rows, then slices in SourceSeries order.
  std::vector<std::int16_t> hu;
  std::vector<std::uint8_t> covid_like;  // non-zero: inside a COVID-19-like lesion
  std::vector<std::uint8_t> other;       // non-zero: inside another lesion
};

struct ScOptions {
  std::string series_description = "ctscreen AI overlay (screening aid)";
  int series_number = 9903;
  double window_center = -600;  // lung window
  double window_width = 1500;
};

struct WrittenSc {
  std::string path;
  std::string sop_instance_uid;
  int slice = 0;  // index into SourceSeries::slices
};

inline constexpr const char* kSecondaryCaptureStorageUid = "1.2.840.10008.5.1.4.1.1.7";

class ScWriter {
 public:
  ScWriter(AlgorithmInfo algorithm, ScOptions options)
      : algorithm_(std::move(algorithm)), options_(std::move(options)) {}

  // One RGB Secondary Capture per slice that holds a lesion, as DIR/sc_<slice>.dcm, all in one
  // new series of the source study. No lesion: nothing is written (an empty list).
  core::Result<std::vector<WrittenSc>> Write(const SourceSeries& source, const ScInput& input,
                                             const std::string& dir) const;

 private:
  AlgorithmInfo algorithm_;
  ScOptions options_;
};

}  // namespace ctscreen::dicom
