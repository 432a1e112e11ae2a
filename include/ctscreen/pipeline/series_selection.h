// Which series of a folder to analyse: a study folder often holds the axial CT plus a scout
// (LOCALIZER) or other reconstructions. Selection is data (rules), not buried in the reader.
#pragma once

#include <string>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/dicom/slice_header.h"

namespace ctscreen::pipeline {

struct SelectionRules {
  std::vector<std::string> skip_image_types = {"LOCALIZER"};
};

struct SeriesSelection {
  std::vector<dicom::SliceHeader> headers;  // the chosen series' slices
  int series_in_folder = 0;
  int files_not_dicom = 0;
  std::string note;  // what was chosen and what was skipped, for the log and result.json
};

// Reads the headers of every file under dir and chooses the CT series with the most slices,
// skipping series whose ImageType names a skipped type. kNotFound when nothing qualifies.
core::Result<SeriesSelection> SelectCtSeries(const std::string& dir, const SelectionRules& rules);

}  // namespace ctscreen::pipeline
