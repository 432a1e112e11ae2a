// The CT series a result is derived from, as plain numbers and UIDs: what the SEG and SR
// writers need to reference every source instance and to lie on its grid, without ITK or torch.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "ctscreen/imaging/geometry_info.h"
#include "ctscreen/imaging/slice_ref.h"

namespace ctscreen::dicom {

inline constexpr const char* kCtImageStorageUid = "1.2.840.10008.5.1.4.1.1.2";

struct SourceSlice {
  std::string sop_class_uid = kCtImageStorageUid;
  std::string sop_instance_uid;
  std::array<double, 3> position{0, 0, 0};  // ImagePositionPatient (LPS mm)
};

struct SourceSeries {
  // One instance of the series, read for the Patient and Study modules (copied, never typed in
  // again, so the result files under the same patient and study in the PACS).
  std::string reference_file;
  std::string study_uid;
  std::string series_uid;
  std::string frame_of_reference_uid;
  int rows = 0;
  int columns = 0;
  std::array<double, 6> orientation{1, 0, 0, 0, 1, 0};  // ImageOrientationPatient
  std::array<double, 2> pixel_spacing{1, 1};            // DICOM order: row spacing, column spacing
  double slice_thickness_mm = 0;  // 0: taken from reference_file (else the slice spacing)
  double spacing_between_slices_mm = 0;
  std::vector<SourceSlice> slices;  // the reader's slice order: mask slice k lies on slices[k]
};

// The description of a series read by SeriesReader (CtVolume::geometry(), CtVolume::slices and
// its UIDs). SOP classes are CT Image Storage: the reader accepts nothing else.
SourceSeries SourceSeriesFrom(const imaging::GeometryInfo& geometry,
                              const std::vector<imaging::SliceRef>& slices,
                              const std::string& study_uid, const std::string& series_uid,
                              const std::string& frame_of_reference_uid);

// Who made a result: names the model bundle in every SEG and SR.
struct AlgorithmInfo {
  std::string bundle_name = "ctscreen-default";
  std::string bundle_version = "0";
  std::string software_version = "0";  // of ctscreen itself
  std::string manufacturer = "ctscreen";
};

}  // namespace ctscreen::dicom
