// TID 1500 Measurement Report of one screening: the case verdict, per-lesion volumes that
// reference their SEG segments, the lung volume, who made it, and that it is a screening aid.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/dicom/source_series.h"

namespace ctscreen::dicom {

// Mirrors inference::Verdict (dicom does not depend on inference).
enum class SrVerdict { kCovid19Likely, kCovid19Unlikely, kNoLesion, kNotAssessable };

struct SrLesion {
  int id = 0;
  bool covid_like = false;
  double probability = 0;  // of being COVID-19-like
  double volume_ml = 0;
  int segment_number = 0;  // in the SEG; 0 when the SEG does not hold it
};

// The SEG the report's lesions point into (same study).
struct SegReference {
  std::string sop_instance_uid;
  std::string series_uid;
  std::string sop_class_uid = "1.2.840.10008.5.1.4.1.1.66.4";
};

struct SrInput {
  SrVerdict verdict = SrVerdict::kNotAssessable;
  std::string reason;  // why not assessable
  double probability = 0;
  double threshold = 0.5;
  std::optional<double> lung_volume_ml;
  std::vector<SrLesion> lesions;
  std::optional<SegReference> seg;  // none for negative and not-assessable cases
};

struct SrOptions {
  std::string series_description = "ctscreen AI screening report (screening aid)";
  int series_number = 9902;
  int instance_number = 1;
};

struct WrittenSr {
  std::string path;
  std::string sop_instance_uid;
  std::string series_uid;
};

// "covid19_likely", "covid19_unlikely", "no_lesion", "not_assessable" (as in result.json).
const char* SrVerdictName(SrVerdict verdict);

class SrWriter {
 public:
  SrWriter(AlgorithmInfo algorithm, SrOptions options)
      : algorithm_(std::move(algorithm)), options_(std::move(options)) {}

  // Writes a Comprehensive SR (Explicit VR Little Endian) to `path`. Every instance it
  // references (the CT slices of `source`, the SEG) is listed in its evidence.
  core::Result<WrittenSr> Write(const SourceSeries& source, const SrInput& input,
                                const std::string& path) const;

 private:
  AlgorithmInfo algorithm_;
  SrOptions options_;
};

}  // namespace ctscreen::dicom
