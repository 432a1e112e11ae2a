// What one phantom case is: its class, its grid and how the imaginary scanner stored it. Drawn
// from the case's own random stream so a case is the same whatever else is in its set.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ctscreen/phantom/random.h"
#include "ctscreen/phantom/volume.h"

namespace ctscreen::phantom {

enum class CaseClass { kCovid, kCovidSmall, kOtherPneumonia, kNodule, kNormal };
inline constexpr CaseClass kAllCaseClasses[] = {CaseClass::kCovid, CaseClass::kCovidSmall,
                                                CaseClass::kOtherPneumonia, CaseClass::kNodule,
                                                CaseClass::kNormal};

// "covid", "covid_small", "other_pneumonia", "nodule", "normal".
const char* CaseClassName(CaseClass c);
std::optional<CaseClass> ParseCaseClass(std::string_view name);
inline bool IsCovid(CaseClass c) {
  return c == CaseClass::kCovid || c == CaseClass::kCovidSmall;
}

// small: 256 x 256 slices and thicker slices, for tests and quick sets; full: 512 x 512.
enum class SizeMode { kSmall, kFull };

enum class TransferSyntax {
  kExplicitVrLittleEndian,
  kImplicitVrLittleEndian,
  kJpegLossless,  // Process 14, selection value 1 (DCMTK)
  kJpegLsLossless,
  kRleLossless,
  kJpeg2000Lossless,  // via GDCM
};
inline constexpr TransferSyntax kAllTransferSyntaxes[] = {TransferSyntax::kExplicitVrLittleEndian,
                                                          TransferSyntax::kImplicitVrLittleEndian,
                                                          TransferSyntax::kJpegLossless,
                                                          TransferSyntax::kJpegLsLossless,
                                                          TransferSyntax::kRleLossless,
                                                          TransferSyntax::kJpeg2000Lossless};
const char* TransferSyntaxUid(TransferSyntax ts);
// Short stable name: "explicit_le", "implicit_le", "jpeg_lossless", "jpeg_ls", "rle", "jpeg2000".
const char* TransferSyntaxName(TransferSyntax ts);
std::optional<TransferSyntax> ParseTransferSyntax(std::string_view name);

// How the imaginary scanner reconstructed and stored the series.
struct Acquisition {
  std::string manufacturer;
  std::string model;
  double kvp = 120;
  // Stored value = HU - rescale_intercept (slope 1).
  bool signed_pixels = true;
  double rescale_intercept = -1024;
  int bits_stored = 16;
  // Outside the circular reconstruction field of view the scanner writes padding_hu.
  bool circular_fov = false;
  int padding_hu = -2000;
  std::string patient_position = "HFS";  // HFS or FFS (feet first mirrors the row direction)
  bool reversed_instance_order = false;  // instance 1 is the most inferior slice
  bool with_scout = false;
  TransferSyntax transfer_syntax = TransferSyntax::kExplicitVrLittleEndian;
  double slice_thickness_mm = 1.0;
  double noise_sd_hu = 20;
  std::string convolution_kernel;
  std::string study_date;  // YYYYMMDD
  std::string study_time;  // HHMMSS
};

struct CaseSpec {
  std::uint64_t seed = 0;
  int index = 0;
  CaseClass case_class = CaseClass::kNormal;
  SizeMode size = SizeMode::kSmall;
  Geometry geometry;
  Acquisition acquisition;
  // Where the phantom's own frame (lung base centre) lies in LPS: anatomy is modelled in that
  // frame and shifted, as a patient lies anywhere on the table.
  Vec3 patient_offset{0, 0, 0};
};

// Scan range in the phantom's frame (mm above the lung base), chosen by the anatomy.
struct ScanRange {
  double z_bottom = -40;
  double z_top = 280;
  double body_half_width = 160;  // to choose a field of view that fits the patient
};

// Draws the grid and acquisition of case `index` of `seed`. The stream is its own so that a
// different transfer syntax (tests) leaves the anatomy alone.
CaseSpec DrawCaseSpec(std::uint64_t seed, int index, CaseClass case_class, SizeMode size,
                      const ScanRange& range);

}  // namespace ctscreen::phantom
