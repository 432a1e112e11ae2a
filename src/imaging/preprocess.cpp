#include "ctscreen/imaging/preprocess.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "ctscreen/imaging/window.h"

namespace ctscreen::imaging {
namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// World extent (axis-aligned bounds) of the voxels [lo, hi] of grid g, voxel edges included.
void ExtentOf(const GeometryInfo& g, const std::array<int, 3>& lo, const std::array<int, 3>& hi,
              Vec3* min_mm, Vec3* max_mm) {
  for (int c = 0; c < 3; ++c) {
    (*min_mm)[c] = std::numeric_limits<double>::max();
    (*max_mm)[c] = std::numeric_limits<double>::lowest();
  }
  for (int corner = 0; corner < 8; ++corner) {
    const double i = (corner & 1) ? hi[0] + 0.5 : lo[0] - 0.5;
    const double j = (corner & 2) ? hi[1] + 0.5 : lo[1] - 0.5;
    const double k = (corner & 4) ? hi[2] + 0.5 : lo[2] - 0.5;
    const Vec3 p = g.IndexToWorld(i, j, k);
    for (int c = 0; c < 3; ++c) {
      (*min_mm)[c] = std::min((*min_mm)[c], p[c]);
      (*max_mm)[c] = std::max((*max_mm)[c], p[c]);
    }
  }
}

}  // namespace

core::Result<IndexBox> MaskCropBox(const LabelImage& mask, const GeometryInfo& source,
                                   double margin_mm) {
  const GeometryInfo mg = GeometryOf(mask);
  std::array<int, 3> lo{mg.size[0], mg.size[1], mg.size[2]}, hi{-1, -1, -1};
  const std::uint8_t* p = mask.GetBufferPointer();
  for (int k = 0; k < mg.size[2]; ++k) {
    for (int j = 0; j < mg.size[1]; ++j) {
      for (int i = 0; i < mg.size[0]; ++i) {
        if (!*p++) continue;
        lo = {std::min(lo[0], i), std::min(lo[1], j), std::min(lo[2], k)};
        hi = {std::max(hi[0], i), std::max(hi[1], j), std::max(hi[2], k)};
      }
    }
  }
  if (hi[0] < 0) return core::Status(core::ErrorCode::kNotFound, "the lung mask is empty");
  // The mask's voxel extent, as source index bounds (the grids may differ in every respect).
  Vec3 min_mm, max_mm;
  ExtentOf(mg, lo, hi, &min_mm, &max_mm);
  Vec3 lo_idx{1e300, 1e300, 1e300}, hi_idx{-1e300, -1e300, -1e300};
  for (int corner = 0; corner < 8; ++corner) {
    const Vec3 w{(corner & 1) ? max_mm[0] : min_mm[0], (corner & 2) ? max_mm[1] : min_mm[1],
                 (corner & 4) ? max_mm[2] : min_mm[2]};
    const Vec3 idx = source.WorldToIndex(w);
    for (int a = 0; a < 3; ++a) {
      lo_idx[a] = std::min(lo_idx[a], idx[a]);
      hi_idx[a] = std::max(hi_idx[a], idx[a]);
    }
  }
  IndexBox box;
  for (int a = 0; a < 3; ++a) {
    const double margin = margin_mm / source.spacing[a];
    // Voxel centres inside the grown extent (edges at +-0.5 voxel from centres).
    const int b = std::max(0, static_cast<int>(std::ceil(lo_idx[a] - margin - 0.5)));
    const int e =
        std::min(source.size[a] - 1, static_cast<int>(std::floor(hi_idx[a] + margin + 0.5)));
    box.begin[a] = b;
    box.size[a] = e - b + 1;
  }
  if (box.empty()) {
    return core::Status(core::ErrorCode::kNotFound, "the lung mask lies outside the CT");
  }
  return box;
}

GeometryInfo ModelGridFor(const GeometryInfo& source, const IndexBox& box,
                          const std::array<double, 3>& spacing_mm) {
  Vec3 min_mm, max_mm;
  const std::array<int, 3> last{box.begin[0] + box.size[0] - 1, box.begin[1] + box.size[1] - 1,
                                box.begin[2] + box.size[2] - 1};
  ExtentOf(source, box.begin, last, &min_mm, &max_mm);
  GeometryInfo g;  // identity direction
  for (int a = 0; a < 3; ++a) {
    const double length = max_mm[a] - min_mm[a];
    g.spacing[a] = spacing_mm[a];
    g.size[a] = std::max(1, static_cast<int>(std::lround(length / spacing_mm[a])));
    g.origin[a] = (min_mm[a] + max_mm[a]) / 2 - (g.size[a] - 1) * spacing_mm[a] / 2;
  }
  return g;
}

ModelInput WindowedInput(const FloatImage& hu, const Window& window, const char* name,
                         const IndexBox& source_crop) {
  ModelInput input;
  input.name = name;
  input.window = window;
  input.geometry = GeometryOf(hu);
  input.source_crop = source_crop;
  input.voxels.resize(input.geometry.VoxelCount());
  ApplyWindow(hu.GetBufferPointer(), input.voxels.size(), window, input.voxels.data());
  return input;
}

core::Result<Preprocessed> Preprocess(const CtVolume& ct, const LabelImage& lungs,
                                      const PreprocessSpec& spec, PreprocessTimings* timings) {
  PreprocessTimings local;
  if (!timings) timings = &local;
  for (double s : spec.spacing_mm) {
    if (!(s > 0)) return core::Status(core::ErrorCode::kInvalidArgument, "spacing must be > 0");
  }
  if (!(spec.lung_window.high > spec.lung_window.low) ||
      !(spec.lesion_window.high > spec.lesion_window.low)) {
    return core::Status(core::ErrorCode::kInvalidArgument, "a window's high must exceed its low");
  }
  auto start = Clock::now();
  const GeometryInfo source = ct.geometry();
  auto box = MaskCropBox(lungs, source, spec.crop_margin_mm);
  if (!box.ok()) return box.status();
  const GeometryInfo grid = ModelGridFor(source, *box, spec.spacing_mm);
  timings->crop_ms = MsSince(start);

  start = Clock::now();
  auto hu = ResampleCt(*ct.image, grid);
  if (!hu.ok()) return hu.status();
  timings->resample_ms = MsSince(start);

  start = Clock::now();
  Preprocessed out;
  out.source_crop = *box;
  out.lung = WindowedInput(**hu, spec.lung_window, "lung", *box);
  out.lesion = WindowedInput(**hu, spec.lesion_window, "lesion", *box);
  timings->window_ms = MsSince(start);
  return out;
}

}  // namespace ctscreen::imaging
