// Small CT series with analytic content (a sphere in a water cylinder, with a deterministic
// texture), written through the phantom's DICOM writer so every storage variant the phantom
// knows (transfer syntaxes, signed/unsigned, intercepts, padding, feet first, reversed
// instance order) is available to the reader tests.
#pragma once

#include <string>
#include <vector>

#include "ctscreen/phantom/phantom_case.h"

namespace ctscreen::dicom::testing {

struct AnalyticSpec {
  int size = 96;  // columns = rows
  int slices = 40;
  double pixel_mm = 0.8;
  double slice_mm = 1.25;
  phantom::Vec3 centre{5.2, -3.7, -60.3};  // sphere centre, LPS mm
  double radius_mm = 12;
  std::int16_t sphere_hu = 100;
  phantom::TransferSyntax transfer_syntax = phantom::TransferSyntax::kExplicitVrLittleEndian;
  bool signed_pixels = true;
  double rescale_intercept = -1024;
  int bits_stored = 16;
  bool circular_fov = false;
  int padding_hu = -2000;
  bool feet_first = false;
  bool reversed_instance_order = false;
  std::uint64_t seed = 1;  // UIDs derive from it
};

// HU at a world point: what the case's voxels hold (before padding).
std::int16_t AnalyticHu(const AnalyticSpec& spec, const phantom::Vec3& p);

phantom::PhantomCase AnalyticCase(const AnalyticSpec& spec);

// Writes the series into dir (created) and returns its CT files (instance order).
std::vector<std::string> WriteAnalyticSeries(const AnalyticSpec& spec, const std::string& dir);

}  // namespace ctscreen::dicom::testing
