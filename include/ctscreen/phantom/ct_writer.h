// Writes a case as a DICOM CT study: one axial series (one file per slice) and, for some cases,
// a scout series in the same study. DCMTK writes every file; JPEG 2000 goes through GDCM.
#pragma once

#include <string>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/phantom/phantom_case.h"

namespace ctscreen::phantom {

struct SeriesUids {
  std::string study;
  std::string series;
  std::string scout_series;
  std::string frame_of_reference;
};
SeriesUids UidsFor(const CaseSpec& spec);

struct WrittenSeries {
  std::vector<std::string> ct_files;  // in instance number order
  std::string scout_file;             // empty without a scout
};

// Writes into dir (which must exist). ts overrides the case's own transfer syntax.
core::Result<WrittenSeries> WriteCtStudy(const PhantomCase& c, TransferSyntax ts,
                                         const std::string& dir);

// The slice index (k) that instance number n (1-based) holds, per the case's instance order.
int SliceOfInstance(const CaseSpec& spec, int instance_number);

}  // namespace ctscreen::phantom
