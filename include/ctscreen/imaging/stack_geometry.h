// Do the slices of a series form one regular axial stack? Each defect that would make the
// volume (and so every overlay) wrong gets its own reason, so the job is rejected with something
// a person can act on instead of producing a wrong answer.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/imaging/geometry_info.h"

namespace ctscreen::imaging {

// The geometry attributes of one slice, as read from its header.
struct SliceGeometry {
  Vec3 position{};                      // ImagePositionPatient
  std::array<double, 6> orientation{};  // ImageOrientationPatient: row then column cosines
  int rows = 0;
  int columns = 0;
  std::array<double, 2> pixel_spacing{};  // PixelSpacing: between rows, between columns
  bool has_position = false;
  bool has_orientation = false;
};

struct StackLimits {
  int min_slices = 20;
  // Largest angle between the slice normal and the patient's head-feet axis.
  double max_axial_deviation_deg = 5.0;
  // Orientation cosines, pixel spacing and in-plane offsets may differ by this much (mm or
  // cosine units): scanners round the values they write.
  double orientation_tolerance = 1e-3;
  double pixel_spacing_tolerance_mm = 1e-3;
  double in_plane_tolerance_mm = 0.05;
  // Two positions closer than this along the normal are the same position.
  double duplicate_tolerance_mm = 0.01;
  // A step longer than this many nominal steps means slices are missing.
  double gap_factor = 1.5;
  // Steps may deviate from the nominal step by this fraction (below gap_factor).
  double spacing_tolerance = 0.02;
};

// Names of the defects, the first word of each kGeometry reason ("gantry_tilt: ...").
inline constexpr const char* kMissingGeometry = "missing_geometry";
inline constexpr const char* kMixedOrientation = "mixed_orientation";
inline constexpr const char* kNotAxial = "not_axial";
inline constexpr const char* kMixedSliceSize = "mixed_slice_size";
inline constexpr const char* kTooFewSlices = "too_few_slices";
inline constexpr const char* kGantryTilt = "gantry_tilt";
inline constexpr const char* kMultipleStacks = "multiple_stacks";
inline constexpr const char* kDuplicatePositions = "duplicate_positions";
inline constexpr const char* kMissingSlices = "missing_slices";
inline constexpr const char* kNonUniformSpacing = "non_uniform_spacing";

struct Stack {
  // order[k] is the index (into the input) of the slice at volume index k; k increases along
  // the slice normal (row cosines x column cosines), whatever the file names, instance numbers
  // or patient position.
  std::vector<int> order;
  GeometryInfo geometry;  // spacing[2] measured from the positions, not SliceThickness
};

// Checks the slices and returns their order and the volume geometry, or kGeometry with the
// first defect found.
core::Result<Stack> BuildStack(const std::vector<SliceGeometry>& slices, const StackLimits& limits);

}  // namespace ctscreen::imaging
