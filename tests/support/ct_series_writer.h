// Writes small, valid CT series with DCMTK for the ingest tests and the ingest benchmark
// (until the phantom generator provides realistic ones).
#pragma once

#include <functional>
#include <string>

class DcmDataset;
#include <vector>

namespace ctscreen::testing {

struct CtSeriesSpec {
  int rows = 64;
  int columns = 64;
  int slices = 30;
  std::string study_uid;   // generated when empty
  std::string series_uid;  // generated when empty
  std::string modality = "CT";
  std::string image_type = "ORIGINAL\\PRIMARY\\AXIAL";
  double pixel_spacing_mm = 0.7;
  double slice_spacing_mm = 1.0;
  // explicit | implicit | jpeg-lossless | jpeg-ls | rle | j2k
  std::string transfer_syntax = "explicit";
  int seed = 1;  // varies the pixel content
};

// Writes one file per slice into dir (created if needed) and returns their paths in slice
// order. Aborts the test process with a message on failure (fixtures must not half-work).
std::vector<std::string> WriteCtSeries(const CtSeriesSpec& spec, const std::string& dir);

// A fresh UID under a root reserved for ctscreen's test data.
std::string NewTestUid();

}  // namespace ctscreen::testing

namespace ctscreen::testing {

// The SOP Instance UID stored in a Part 10 file ("" when unreadable).
std::string SopInstanceUidOf(const std::string& path);

// Loads a Part 10 file, lets `edit` change its data set, saves it to out (same transfer
// syntax). Used to make the malformed inputs the listener must refuse.
void EditDataSet(const std::string& in, const std::string& out,
                 const std::function<void(DcmDataset&)>& edit);

}  // namespace ctscreen::testing
