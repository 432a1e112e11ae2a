#include "ctscreen/phantom/case_spec.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace ctscreen::phantom {
namespace {

struct ScannerModel {
  const char* manufacturer;
  const char* model;
  int storage_style;  // index into kStorageStyles: how this vendor usually stores CT
  const char* kernels[2];
};

struct StorageStyle {
  bool signed_pixels;
  double intercept;
  int bits_stored;
  bool fov_allowed;  // stored values can hold the padding value
  int padding_hu;
};

// Seen in the wild: GE signed with -3024 padding, Siemens unsigned 12 bit, Canon/Toshiba signed
// with intercept 0 and -2000 padding, and the occasional unsigned series with a -3024 intercept.
constexpr StorageStyle kStorageStyles[] = {
    {true, -1024, 16, true, -3024}, {false, -1024, 12, false, -1024}, {true, 0, 16, true, -2000},
    {true, -1024, 16, true, -2000}, {false, -3024, 16, true, -3024},
};

constexpr ScannerModel kScanners[] = {
    {"GE MEDICAL SYSTEMS", "LightSpeed VCT", 0, {"STANDARD", "LUNG"}},
    {"GE MEDICAL SYSTEMS", "Revolution CT", 0, {"STANDARD", "BONEPLUS"}},
    {"SIEMENS", "SOMATOM Definition AS+", 1, {"B31f", "B70f"}},
    {"SIEMENS", "SOMATOM Force", 1, {"Br40d", "Bl57d"}},
    {"Philips", "Brilliance 64", 3, {"B", "L"}},
    {"Philips", "iCT 256", 4, {"YB", "YC"}},
    {"TOSHIBA", "Aquilion ONE", 2, {"FC08", "FC52"}},
    {"UIH", "uCT 760", 3, {"B_SOFT_B", "B_LUNG_B"}},
};

struct Weighted {
  double value;
  double weight;
};

double PickWeighted(Rng& rng, const std::vector<Weighted>& items) {
  double total = 0;
  for (const auto& w : items) total += w.weight;
  double u = rng.Uniform() * total;
  for (const auto& w : items) {
    if (u < w.weight) return w.value;
    u -= w.weight;
  }
  return items.back().value;
}

std::string TwoDigits(int v) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%02d", v);
  return buf;
}

}  // namespace

const char* CaseClassName(CaseClass c) {
  switch (c) {
    case CaseClass::kCovid:
      return "covid";
    case CaseClass::kCovidSmall:
      return "covid_small";
    case CaseClass::kOtherPneumonia:
      return "other_pneumonia";
    case CaseClass::kNodule:
      return "nodule";
    case CaseClass::kNormal:
      return "normal";
  }
  return "unknown";
}

std::optional<CaseClass> ParseCaseClass(std::string_view name) {
  for (CaseClass c : kAllCaseClasses) {
    if (name == CaseClassName(c)) return c;
  }
  return std::nullopt;
}

const char* TransferSyntaxUid(TransferSyntax ts) {
  switch (ts) {
    case TransferSyntax::kExplicitVrLittleEndian:
      return "1.2.840.10008.1.2.1";
    case TransferSyntax::kImplicitVrLittleEndian:
      return "1.2.840.10008.1.2";
    case TransferSyntax::kJpegLossless:
      return "1.2.840.10008.1.2.4.70";
    case TransferSyntax::kJpegLsLossless:
      return "1.2.840.10008.1.2.4.80";
    case TransferSyntax::kRleLossless:
      return "1.2.840.10008.1.2.5";
    case TransferSyntax::kJpeg2000Lossless:
      return "1.2.840.10008.1.2.4.90";
  }
  return "";
}

const char* TransferSyntaxName(TransferSyntax ts) {
  switch (ts) {
    case TransferSyntax::kExplicitVrLittleEndian:
      return "explicit_le";
    case TransferSyntax::kImplicitVrLittleEndian:
      return "implicit_le";
    case TransferSyntax::kJpegLossless:
      return "jpeg_lossless";
    case TransferSyntax::kJpegLsLossless:
      return "jpeg_ls";
    case TransferSyntax::kRleLossless:
      return "rle";
    case TransferSyntax::kJpeg2000Lossless:
      return "jpeg2000";
  }
  return "unknown";
}

std::optional<TransferSyntax> ParseTransferSyntax(std::string_view name) {
  for (TransferSyntax ts : kAllTransferSyntaxes) {
    if (name == TransferSyntaxName(ts)) return ts;
  }
  return std::nullopt;
}

CaseSpec DrawCaseSpec(std::uint64_t seed, int index, CaseClass case_class, SizeMode size,
                      const ScanRange& range) {
  Rng rng(MixSeed(seed, static_cast<std::uint64_t>(index), 1));
  CaseSpec spec;
  spec.seed = seed;
  spec.index = index;
  spec.case_class = case_class;
  spec.size = size;

  const ScannerModel& scanner = kScanners[rng.Int(0, std::size(kScanners) - 1)];
  Acquisition& acq = spec.acquisition;
  acq.manufacturer = scanner.manufacturer;
  acq.model = scanner.model;
  acq.kvp = rng.Chance(0.7) ? 120 : (rng.Chance(0.5) ? 100 : 140);
  // Most series follow the vendor's habit; some sites configure otherwise.
  int style_index = rng.Chance(0.8) ? scanner.storage_style
                                    : rng.Int(0, static_cast<int>(std::size(kStorageStyles)) - 1);
  const StorageStyle& style = kStorageStyles[style_index];
  acq.signed_pixels = style.signed_pixels;
  acq.rescale_intercept = style.intercept;
  acq.bits_stored = style.bits_stored;
  acq.circular_fov = style.fov_allowed && rng.Chance(0.7);
  acq.padding_hu = style.padding_hu;
  acq.convolution_kernel = scanner.kernels[rng.Int(0, 1)];
  acq.patient_position = rng.Chance(0.12) ? "FFS" : "HFS";
  acq.reversed_instance_order = rng.Chance(0.25);
  acq.with_scout = rng.Chance(0.3);
  acq.transfer_syntax = static_cast<TransferSyntax>(static_cast<int>(
      PickWeighted(rng, {{0, 0.25}, {1, 0.15}, {2, 0.15}, {3, 0.15}, {4, 0.15}, {5, 0.15}})));
  acq.study_date = "2020" + TwoDigits(rng.Int(3, 12)) + TwoDigits(rng.Int(1, 28));
  acq.study_time =
      TwoDigits(rng.Int(7, 19)) + TwoDigits(rng.Int(0, 59)) + TwoDigits(rng.Int(0, 59));

  // Slices: thin slices are common on modern scanners, 5 mm on older protocols, 10 mm rare.
  double thickness, slice_spacing;
  if (size == SizeMode::kFull) {
    thickness = PickWeighted(rng, {{0.625, 0.1},
                                   {1.0, 0.2},
                                   {1.25, 0.15},
                                   {1.5, 0.1},
                                   {2.0, 0.1},
                                   {2.5, 0.1},
                                   {3.0, 0.08},
                                   {5.0, 0.12},
                                   {10.0, 0.05}});
  } else {
    thickness = PickWeighted(
        rng, {{1.25, 0.1}, {2.0, 0.2}, {2.5, 0.25}, {3.0, 0.15}, {5.0, 0.25}, {10.0, 0.05}});
  }
  slice_spacing = thickness;
  if (size == SizeMode::kFull && thickness >= 1.25 && thickness <= 5 && rng.Chance(0.15)) {
    slice_spacing = thickness / 2;  // overlapping reconstruction
  }
  acq.slice_thickness_mm = thickness;
  // Thicker slices average more photons: less noise.
  acq.noise_sd_hu =
      std::clamp(rng.Uniform(14, 40) / std::sqrt(std::max(1.0, thickness / 1.25)), 10.0, 40.0);

  // In-plane: the field of view is chosen to hold the patient, within 0.55-0.98 mm pixels.
  const int matrix = size == SizeMode::kFull ? 512 : 256;
  const double scale = size == SizeMode::kFull ? 1.0 : 2.0;
  double fit = (2 * range.body_half_width + 40) / 512.0;
  double pixel = rng.Uniform(std::clamp(fit, 0.55, 0.98), 0.98) * scale;

  Geometry& g = spec.geometry;
  int slices = static_cast<int>(std::floor((range.z_top - range.z_bottom) / slice_spacing)) + 1;
  g.size = {matrix, matrix, slices};
  g.spacing = {pixel, pixel, slice_spacing};
  if (acq.patient_position == "FFS") g.direction[0] = Vec3{-1, 0, 0};

  spec.patient_offset = {rng.Uniform(-15, 15), rng.Uniform(-20, 20), rng.Uniform(-350, -150)};
  Vec3 centre{rng.Uniform(-5, 5), rng.Uniform(-5, 5) + spec.patient_offset[1] * 0.5, 0};
  double half = (matrix - 1) / 2.0 * pixel;
  g.origin = {centre[0] - g.direction[0][0] * half, centre[1] - half,
              range.z_bottom + spec.patient_offset[2]};
  return spec;
}

}  // namespace ctscreen::phantom
