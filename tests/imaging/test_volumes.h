// In-memory CT volumes with analytic content for the imaging tests (no DICOM involved).
#pragma once

#include <cmath>
#include <functional>

#include "ctscreen/imaging/ct_volume.h"

namespace ctscreen::imaging::testing {

inline GeometryInfo AxialGrid(int nx, int ny, int nz, double pixel_mm, double slice_mm) {
  GeometryInfo g;
  g.size = {nx, ny, nz};
  g.spacing = {pixel_mm, pixel_mm, slice_mm};
  g.origin = {-nx * pixel_mm / 2, -ny * pixel_mm / 2, -100};
  return g;
}

template <typename Image>
void Fill(Image* image, const std::function<typename Image::PixelType(const Vec3&)>& value) {
  const GeometryInfo g = GeometryOf(*image);
  auto* p = image->GetBufferPointer();
  for (int k = 0; k < g.size[2]; ++k) {
    for (int j = 0; j < g.size[1]; ++j) {
      for (int i = 0; i < g.size[0]; ++i) *p++ = value(g.IndexToWorld(i, j, k));
    }
  }
}

inline double Distance(const Vec3& a, const Vec3& b) {
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                   (a[2] - b[2]) * (a[2] - b[2]));
}

// A sphere of HU `inside` in air.
inline CtVolume SphereVolume(const GeometryInfo& g, const Vec3& centre, double radius,
                             std::int16_t inside) {
  CtVolume ct;
  ct.image = NewHuImage(g);
  Fill<HuImage>(ct.image, [&](const Vec3& p) {
    return Distance(p, centre) <= radius ? inside : std::int16_t{-1000};
  });
  return ct;
}

}  // namespace ctscreen::imaging::testing
