// Reads written phantom files back the way a consumer would (DCMTK decoders, GDCM for
// JPEG 2000), to check them against the generator's own volumes.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ctscreen::phantom::testing {

struct DicomSlice {
  std::string transfer_syntax_uid;
  std::string sop_instance_uid, series_uid, study_uid, frame_of_reference_uid;
  int instance_number = 0;
  int rows = 0, columns = 0;
  std::array<double, 3> position{};
  std::array<double, 6> orientation{};
  std::array<double, 2> pixel_spacing{};  // row spacing, column spacing
  std::vector<int> hu;                    // rescaled values, row-major
};

// Empty reason on success.
std::string ReadDicomSlice(const std::string& path, DicomSlice* out);

struct Nrrd {
  std::map<std::string, std::string> fields;  // header lines "key: value"
  std::array<int, 3> sizes{};
  std::array<std::array<double, 3>, 3> directions{};
  std::array<double, 3> origin{};
  std::vector<std::uint8_t> voxels;
};
std::string ReadNrrd(const std::string& path, Nrrd* out);

}  // namespace ctscreen::phantom::testing
