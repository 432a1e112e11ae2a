#include "ctscreen/imaging/stack_geometry.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>

namespace ctscreen::imaging {
namespace {

using core::ErrorCode;
using core::Status;

constexpr double kPi = 3.14159265358979323846;

double Dot(const Vec3& a, const Vec3& b) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
double Norm(const Vec3& a) {
  return std::sqrt(Dot(a, a));
}
Vec3 Cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
Vec3 Sub(const Vec3& a, const Vec3& b) {
  return {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
}
Vec3 Scale(const Vec3& a, double s) {
  return {a[0] * s, a[1] * s, a[2] * s};
}

Status Defect(const char* name, const std::string& reason) {
  return Status(ErrorCode::kGeometry, std::string(name) + ": " + reason);
}

std::string Fmt(const char* format, double a, double b = 0, double c = 0, double d = 0) {
  char buf[256];
  std::snprintf(buf, sizeof(buf), format, a, b, c, d);
  return buf;
}

std::string OrientationText(const std::array<double, 6>& o) {
  char buf[128];
  std::snprintf(buf, sizeof(buf), "%.3g\\%.3g\\%.3g\\%.3g\\%.3g\\%.3g", o[0], o[1], o[2], o[3],
                o[4], o[5]);
  return buf;
}

Status CheckOrientations(const std::vector<SliceGeometry>& slices, const StackLimits& limits) {
  const auto& ref = slices[0].orientation;
  const Vec3 row{ref[0], ref[1], ref[2]}, col{ref[3], ref[4], ref[5]};
  if (std::abs(Norm(row) - 1) > 0.01 || std::abs(Norm(col) - 1) > 0.01 ||
      std::abs(Dot(row, col)) > 0.01) {
    return Defect(kMissingGeometry, "ImageOrientationPatient " + OrientationText(ref) +
                                        " is not a pair of orthogonal unit vectors");
  }
  for (std::size_t n = 1; n < slices.size(); ++n) {
    for (int c = 0; c < 6; ++c) {
      if (std::abs(slices[n].orientation[c] - ref[c]) > limits.orientation_tolerance) {
        return Defect(kMixedOrientation,
                      "slices have different orientations (" + OrientationText(ref) + " and " +
                          OrientationText(slices[n].orientation) +
                          "); the series mixes planes or acquisitions, send one plane per series");
      }
    }
  }
  const Vec3 normal = Cross(row, col);
  const double angle = std::acos(std::min(1.0, std::abs(normal[2]) / Norm(normal))) * 180 / kPi;
  if (angle > limits.max_axial_deviation_deg) {
    const char* plane = std::abs(normal[0]) > 0.9   ? "sagittal"
                        : std::abs(normal[1]) > 0.9 ? "coronal"
                                                    : "oblique";
    char buf[256];
    std::snprintf(buf, sizeof(buf),
                  "the slices are %s: their normal is %.1f degrees from the head-feet axis (at "
                  "most %.1f allowed); send the axial series",
                  plane, angle, limits.max_axial_deviation_deg);
    return Defect(kNotAxial, buf);
  }
  return Status::Ok();
}

Status CheckSliceSizes(const std::vector<SliceGeometry>& slices, const StackLimits& limits) {
  const SliceGeometry& ref = slices[0];
  for (const SliceGeometry& s : slices) {
    if (s.rows != ref.rows || s.columns != ref.columns ||
        std::abs(s.pixel_spacing[0] - ref.pixel_spacing[0]) > limits.pixel_spacing_tolerance_mm ||
        std::abs(s.pixel_spacing[1] - ref.pixel_spacing[1]) > limits.pixel_spacing_tolerance_mm) {
      char buf[256];
      std::snprintf(buf, sizeof(buf),
                    "slices differ in size: %dx%d at %.3fx%.3f mm and %dx%d at %.3fx%.3f mm; "
                    "the series mixes reconstructions",
                    ref.columns, ref.rows, ref.pixel_spacing[1], ref.pixel_spacing[0], s.columns,
                    s.rows, s.pixel_spacing[1], s.pixel_spacing[0]);
      return Defect(kMixedSliceSize, buf);
    }
  }
  if (ref.rows <= 0 || ref.columns <= 0 || ref.pixel_spacing[0] <= 0 || ref.pixel_spacing[1] <= 0) {
    return Defect(kMissingGeometry, "Rows, Columns or PixelSpacing is missing or not positive");
  }
  return Status::Ok();
}

}  // namespace

core::Result<Stack> BuildStack(const std::vector<SliceGeometry>& slices,
                               const StackLimits& limits) {
  if (slices.empty()) return Defect(kTooFewSlices, "the series has no image slices");
  for (const SliceGeometry& s : slices) {
    if (!s.has_position || !s.has_orientation) {
      return Defect(kMissingGeometry,
                    "a slice lacks ImagePositionPatient or ImageOrientationPatient, so it "
                    "cannot be placed in the patient");
    }
  }
  if (Status st = CheckOrientations(slices, limits); !st.ok()) return st;
  if (Status st = CheckSliceSizes(slices, limits); !st.ok()) return st;

  const auto& o = slices[0].orientation;
  const Vec3 row{o[0], o[1], o[2]}, col{o[3], o[4], o[5]};
  Vec3 normal = Cross(row, col);
  normal = Scale(normal, 1 / Norm(normal));
  const int n = static_cast<int>(slices.size());
  std::vector<double> along(n);
  for (int i = 0; i < n; ++i) along[i] = Dot(slices[i].position, normal);
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return along[a] < along[b]; });

  // Positions shared by several slices: one stack per repeat (two reconstructions in one
  // series) or stray duplicates.
  std::vector<int> group_sizes;
  for (int k = 0; k < n;) {
    int m = k + 1;
    while (m < n && along[order[m]] - along[order[k]] < limits.duplicate_tolerance_mm) ++m;
    group_sizes.push_back(m - k);
    k = m;
  }
  const int repeats = *std::max_element(group_sizes.begin(), group_sizes.end());
  if (repeats > 1) {
    const bool all_same =
        std::all_of(group_sizes.begin(), group_sizes.end(), [&](int g) { return g == repeats; });
    if (all_same) {
      return Defect(kMultipleStacks,
                    Fmt("every one of the %.0f positions holds %.0f slices: the series contains "
                        "%.0f stacks (e.g. two reconstructions); send each as its own series",
                        static_cast<double>(group_sizes.size()), repeats, repeats));
    }
    int dup = 0;
    double first_dup = 0;
    for (int k = 0, g = 0; g < static_cast<int>(group_sizes.size()); k += group_sizes[g++]) {
      if (group_sizes[g] > 1 && dup++ == 0) first_dup = along[order[k]];
    }
    return Defect(kDuplicatePositions,
                  Fmt("%.0f positions hold more than one slice (the first at %.2f mm along the "
                      "stack); the series has duplicate or re-sent slices with new UIDs",
                      dup, first_dup));
  }

  // Slices must lie on one line along the normal: a steady in-plane drift is a tilted gantry,
  // anything else several stacks side by side.
  auto in_plane = [&](int i) { return Sub(slices[i].position, Scale(normal, along[i])); };
  const Vec3 base = in_plane(order[0]);
  double max_offset = 0;
  for (int k = 1; k < n; ++k)
    max_offset = std::max(max_offset, Norm(Sub(in_plane(order[k]), base)));
  if (max_offset > limits.in_plane_tolerance_mm) {
    const double length = along[order[n - 1]] - along[order[0]];
    const Vec3 drift = Scale(Sub(in_plane(order[n - 1]), base), 1 / length);
    double residual = 0;
    for (int k = 1; k < n; ++k) {
      const Vec3 expected = Scale(drift, along[order[k]] - along[order[0]]);
      residual = std::max(residual, Norm(Sub(Sub(in_plane(order[k]), base), expected)));
    }
    if (residual <= limits.in_plane_tolerance_mm) {
      return Defect(kGantryTilt,
                    Fmt("slices shift %.1f mm in-plane over %.1f mm of stack: gantry tilt of "
                        "%.1f degrees; send a reconstruction without tilt",
                        max_offset, length, std::atan(Norm(drift)) * 180 / kPi));
    }
    return Defect(kMultipleStacks, Fmt("slices lie at in-plane offsets up to %.1f mm apart that "
                                       "do not follow one line: the series holds several stacks",
                                       max_offset));
  }

  if (n < limits.min_slices) {
    return Defect(kTooFewSlices, Fmt("the series has %.0f slices, at least %.0f are needed to "
                                     "cover the chest",
                                     n, limits.min_slices));
  }

  std::vector<double> steps(n - 1);
  for (int k = 0; k + 1 < n; ++k) steps[k] = along[order[k + 1]] - along[order[k]];
  std::vector<double> sorted = steps;
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
  const double nominal = sorted[sorted.size() / 2];
  for (int k = 0; k + 1 < n; ++k) {
    if (steps[k] > limits.gap_factor * nominal) {
      return Defect(kMissingSlices,
                    Fmt("a gap of %.2f mm between slices %.0f and %.0f where the series steps "
                        "%.2f mm: slices are missing; resend the complete series",
                        steps[k], k, k + 1, nominal));
    }
  }
  const auto [lo, hi] = std::minmax_element(steps.begin(), steps.end());
  if (std::max(nominal - *lo, *hi - nominal) > limits.spacing_tolerance * nominal) {
    return Defect(kNonUniformSpacing,
                  Fmt("slice steps vary from %.3f to %.3f mm (nominal %.3f mm, tolerance %.0f%%); "
                      "the reconstruction interval must be constant",
                      *lo, *hi, nominal, limits.spacing_tolerance * 100));
  }

  Stack stack;
  stack.order = std::move(order);
  GeometryInfo& g = stack.geometry;
  g.size = {slices[0].columns, slices[0].rows, n};
  // Along the stack the spacing is measured from positions (SliceThickness may overlap or lie).
  g.spacing = {slices[0].pixel_spacing[1], slices[0].pixel_spacing[0],
               n > 1 ? (along[stack.order[n - 1]] - along[stack.order[0]]) / (n - 1) : 1.0};
  g.origin = slices[stack.order[0]].position;
  g.direction = {row, col, normal};
  return stack;
}

}  // namespace ctscreen::imaging
