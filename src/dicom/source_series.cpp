#include "ctscreen/dicom/source_series.h"

namespace ctscreen::dicom {

SourceSeries SourceSeriesFrom(const imaging::GeometryInfo& geometry,
                              const std::vector<imaging::SliceRef>& slices,
                              const std::string& study_uid, const std::string& series_uid,
                              const std::string& frame_of_reference_uid) {
  SourceSeries source;
  source.study_uid = study_uid;
  source.series_uid = series_uid;
  source.frame_of_reference_uid = frame_of_reference_uid;
  source.columns = geometry.size[0];
  source.rows = geometry.size[1];
  // Index axis i runs along a row (DICOM's row direction), j down the columns.
  for (int c = 0; c < 3; ++c) {
    source.orientation[c] = geometry.direction[0][c];
    source.orientation[3 + c] = geometry.direction[1][c];
  }
  source.pixel_spacing = {geometry.spacing[1], geometry.spacing[0]};
  source.spacing_between_slices_mm = geometry.spacing[2];
  if (!slices.empty()) source.reference_file = slices.front().file;
  for (const imaging::SliceRef& ref : slices) {
    SourceSlice slice;
    slice.sop_instance_uid = ref.sop_instance_uid;
    slice.position = ref.position;
    source.slices.push_back(slice);
  }
  return source;
}

}  // namespace ctscreen::dicom
