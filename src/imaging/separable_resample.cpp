#include "separable_resample.h"

#include <algorithm>
#include <cmath>
#include <thread>
#include <vector>

namespace ctscreen::imaging {
namespace {

// Where output index t along one axis samples the source: between idx and idx + 1 with weight w
// on idx + 1; `valid` false outside the source.
struct AxisSamples {
  std::vector<int> idx;
  std::vector<float> w;
  std::vector<char> valid;
  int lo = 0, hi = -1;  // source indices any valid sample reads
};

AxisSamples SampleAxis(const GeometryInfo& source, const GeometryInfo& grid, int a) {
  AxisSamples s;
  const int n = source.size[a];
  const double sign = source.direction[a][a];
  s.idx.resize(grid.size[a]);
  s.w.resize(grid.size[a]);
  s.valid.resize(grid.size[a]);
  s.lo = n;
  for (int t = 0; t < grid.size[a]; ++t) {
    const double world = grid.origin[a] + t * grid.spacing[a];
    const double c = (world - source.origin[a]) / (sign * source.spacing[a]);
    s.valid[t] = c >= -0.5 && c < n - 0.5;
    const double clamped = std::clamp(c, 0.0, static_cast<double>(n - 1));
    const int i0 = std::min(static_cast<int>(std::floor(clamped)), std::max(0, n - 2));
    s.idx[t] = i0;
    s.w[t] = n > 1 ? static_cast<float>(clamped - i0) : 0.0f;
    if (s.valid[t]) {
      s.lo = std::min(s.lo, i0);
      s.hi = std::max(s.hi, std::min(i0 + 1, n - 1));
    }
  }
  return s;
}

}  // namespace

bool CanResampleSeparably(const GeometryInfo& source, const GeometryInfo& grid) {
  for (int a = 0; a < 3; ++a) {
    for (int c = 0; c < 3; ++c) {
      const double want_grid = a == c ? 1.0 : 0.0;
      if (std::abs(grid.direction[a][c] - want_grid) > 1e-9) return false;
      const double v = std::abs(source.direction[a][c]);
      if (std::abs(v - want_grid) > 1e-6) return false;
    }
  }
  return true;
}

FloatImage::Pointer SeparableResample(const HuImage& ct, const GeometryInfo& grid, float outside,
                                      int threads) {
  const GeometryInfo source = GeometryOf(ct);
  FloatImage::Pointer out = FloatImage::New();
  FloatImage::RegionType region;
  for (unsigned a = 0; a < 3; ++a) region.SetSize(a, grid.size[a]);
  out->SetRegions(region);
  SetGeometry(grid, out);
  out->Allocate();

  const AxisSamples sx = SampleAxis(source, grid, 0), sy = SampleAxis(source, grid, 1),
                    sz = SampleAxis(source, grid, 2);
  const std::size_t snx = source.size[0], sny = source.size[1];
  const int gx = grid.size[0], gy = grid.size[1], gz = grid.size[2];
  const int xw = std::max(0, sx.hi - sx.lo + 1), yw = std::max(0, sy.hi - sy.lo + 1);
  const std::int16_t* hu = ct.GetBufferPointer();
  float* dst = out->GetBufferPointer();

  auto slice = [&](int k, std::vector<float>& blend, std::vector<float>& rows) {
    float* o = dst + static_cast<std::size_t>(k) * gx * gy;
    if (!sz.valid[k] || xw == 0 || yw == 0) {
      std::fill(o, o + static_cast<std::size_t>(gx) * gy, outside);
      return;
    }
    // Blend the two source slices over the region the output reads.
    const float wz = sz.w[k];
    const int k0 = sz.idx[k], k1 = std::min(k0 + 1, source.size[2] - 1);
    for (int j = 0; j < yw; ++j) {
      const std::int16_t* a = hu + (k0 * sny + sy.lo + j) * snx + sx.lo;
      const std::int16_t* b = hu + (k1 * sny + sy.lo + j) * snx + sx.lo;
      float* r = &blend[static_cast<std::size_t>(j) * xw];
      for (int i = 0; i < xw; ++i) r[i] = a[i] + wz * (b[i] - a[i]);
    }
    // Then two rows, then two columns.
    for (int t = 0; t < gy; ++t) {
      float* row = o + static_cast<std::size_t>(t) * gx;
      if (!sy.valid[t]) {
        std::fill(row, row + gx, outside);
        continue;
      }
      const int j0 = sy.idx[t] - sy.lo, j1 = std::min(sy.idx[t] + 1, source.size[1] - 1) - sy.lo;
      const float wy = sy.w[t];
      const float* a = &blend[static_cast<std::size_t>(j0) * xw];
      const float* b = &blend[static_cast<std::size_t>(j1) * xw];
      for (int i = 0; i < xw; ++i) rows[i] = a[i] + wy * (b[i] - a[i]);
      for (int s = 0; s < gx; ++s) {
        if (!sx.valid[s]) {
          row[s] = outside;
          continue;
        }
        const int i0 = sx.idx[s] - sx.lo, i1 = std::min(sx.idx[s] + 1, source.size[0] - 1) - sx.lo;
        row[s] = rows[i0] + sx.w[s] * (rows[i1] - rows[i0]);
      }
    }
  };
  threads = std::clamp(threads, 1, std::max(1, gz));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      std::vector<float> blend(static_cast<std::size_t>(xw) * yw), rows(xw);
      for (int k = t; k < gz; k += threads) slice(k, blend, rows);
    });
  }
  for (std::thread& th : pool) th.join();
  return out;
}

}  // namespace ctscreen::imaging
