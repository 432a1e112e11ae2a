#include "ctscreen/phantom/preview.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "ctscreen/phantom/png_writer.h"

namespace ctscreen::phantom {
namespace {

constexpr int kTile = 256;
constexpr int kColumns = 4;
constexpr int kRows = 3;

std::vector<int> PickSlices(const PhantomCase& c) {
  const Geometry& g = c.hu.geometry;
  std::vector<int> slices;
  for (const LesionTruth& t : c.lesion_truth) {
    int k = static_cast<int>(std::lround(g.WorldToIndex(t.centroid_mm)[2]));
    if (k >= 0 && k < g.size[2]) slices.push_back(k);
    if (slices.size() >= kColumns * kRows / 2) break;
  }
  int lung_lo = g.size[2], lung_hi = -1;
  for (int k = 0; k < g.size[2]; ++k) {
    const std::uint8_t* s = &c.lungs.voxels[g.Offset(0, 0, k)];
    if (std::any_of(s, s + g.SliceVoxels(), [](std::uint8_t v) { return v != 0; })) {
      lung_lo = std::min(lung_lo, k);
      lung_hi = std::max(lung_hi, k);
    }
  }
  if (lung_hi < 0) {
    lung_lo = 0;
    lung_hi = g.size[2] - 1;
  }
  const int wanted = kColumns * kRows;
  int remaining = wanted - static_cast<int>(slices.size());
  for (int n = 0; n < remaining; ++n) {
    double t = (n + 0.5) / remaining;
    slices.push_back(lung_lo + static_cast<int>(t * (lung_hi - lung_lo)));
  }
  // Top of the chest first, as a radiologist scrolls.
  std::sort(slices.begin(), slices.end(), std::greater<int>());
  return slices;
}

}  // namespace

std::string RenderPreviewPng(const PhantomCase& c) {
  const Geometry& g = c.hu.geometry;
  const int width = kTile * kColumns, height = kTile * kRows;
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(width) * height * 3, 0);
  std::vector<int> slices = PickSlices(c);
  const bool flip_x = g.direction[0][0] < 0;
  // Zoom on the chest: a square around the lungs with a margin for the chest wall, as a
  // reader would set the display field of view.
  int lo_i = g.size[0], hi_i = -1, lo_j = g.size[1], hi_j = -1;
  for (int k = 0; k < g.size[2]; ++k) {
    for (int j = 0; j < g.size[1]; ++j) {
      for (int i = 0; i < g.size[0]; ++i) {
        if (!c.lungs.at(i, j, k)) continue;
        lo_i = std::min(lo_i, i);
        hi_i = std::max(hi_i, i);
        lo_j = std::min(lo_j, j);
        hi_j = std::max(hi_j, j);
      }
    }
  }
  double centre_i = (g.size[0] - 1) / 2.0, centre_j = (g.size[1] - 1) / 2.0, span = g.size[0];
  if (hi_i >= 0) {
    centre_i = 0.5 * (lo_i + hi_i);
    centre_j = 0.5 * (lo_j + hi_j);
    span = std::min<double>(g.size[0], 1.35 * std::max(hi_i - lo_i, hi_j - lo_j) + 8);
  }
  const double step = span / kTile;
  const double first_i = centre_i - span / 2, first_j = centre_j - span / 2;
  for (std::size_t n = 0; n < slices.size(); ++n) {
    const int k = slices[n];
    const int ox = static_cast<int>(n % kColumns) * kTile;
    const int oy = static_cast<int>(n / kColumns) * kTile;
    auto sample = [&](const LabelVolume& v, int i, int j) -> int {
      if (i < 0 || j < 0 || i >= g.size[0] || j >= g.size[1]) return 0;
      return v.at(i, j, k);
    };
    for (int y = 0; y < kTile; ++y) {
      for (int x = 0; x < kTile; ++x) {
        // Display column x runs from the patient's right to left.
        double fx = flip_x ? first_i + span - 1 - x * step : first_i + x * step;
        int i = std::clamp(static_cast<int>(std::lround(fx)), 0, g.size[0] - 1);
        int j = std::clamp(static_cast<int>(std::lround(first_j + y * step)), 0, g.size[1] - 1);
        // Lung window: level -600, width 1500.
        double grey = (c.hu.at(i, j, k) + 1350.0) / 1500.0 * 255.0;
        std::uint8_t v = static_cast<std::uint8_t>(std::clamp(grey, 0.0, 255.0));
        std::uint8_t r = v, gr = v, b = v;
        const int d = std::max(1, static_cast<int>(step));
        auto edge = [&](const LabelVolume& vol) {
          int centre = sample(vol, i, j);
          if (centre == 0) return 0;
          if (sample(vol, i + d, j) != centre || sample(vol, i - d, j) != centre ||
              sample(vol, i, j + d) != centre || sample(vol, i, j - d) != centre) {
            return centre;
          }
          return 0;
        };
        if (int id = edge(c.lesions)) {
          bool covid =
              id <= static_cast<int>(c.lesion_truth.size()) &&
              std::any_of(c.lesion_truth.begin(), c.lesion_truth.end(),
                          [&](const LesionTruth& t) { return t.id == id && t.covid_like; });
          r = 255;
          gr = covid ? 40 : 220;
          b = 0;
        } else if (edge(c.lungs)) {
          r = 0;
          gr = 200;
          b = 60;
        }
        std::size_t o = (static_cast<std::size_t>(oy + y) * width + ox + x) * 3;
        rgb[o] = r;
        rgb[o + 1] = gr;
        rgb[o + 2] = b;
      }
    }
  }
  return EncodePng(rgb, width, height, 3);
}

}  // namespace ctscreen::phantom
