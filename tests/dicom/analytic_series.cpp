#include "analytic_series.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "ctscreen/phantom/ct_writer.h"

namespace ctscreen::dicom::testing {

std::int16_t AnalyticHu(const AnalyticSpec& spec, const phantom::Vec3& p) {
  const double dx = p[0] - spec.centre[0], dy = p[1] - spec.centre[1], dz = p[2] - spec.centre[2];
  if (std::sqrt(dx * dx + dy * dy + dz * dz) <= spec.radius_mm) return spec.sphere_hu;
  const double half = spec.size * spec.pixel_mm / 2;
  if (std::hypot(p[0], p[1]) > 0.8 * half) return -1000;
  // Water with a texture, so compressed syntaxes have something to get wrong.
  return static_cast<std::int16_t>(
      -950 + std::lround(40 * std::sin(p[0] * 0.7) + 30 * std::cos(p[1] * 0.5 + p[2] * 0.3)));
}

phantom::PhantomCase AnalyticCase(const AnalyticSpec& spec) {
  phantom::PhantomCase c;
  c.name = "analytic";
  phantom::CaseSpec& s = c.spec;
  s.seed = spec.seed;
  s.index = 0;
  phantom::Geometry& g = s.geometry;
  g.size = {spec.size, spec.size, spec.slices};
  g.spacing = {spec.pixel_mm, spec.pixel_mm, spec.slice_mm};
  const double half = spec.size * spec.pixel_mm / 2;
  // Feet first mirrors the row direction (the patient lies the other way round on the table).
  g.direction[0] = {spec.feet_first ? -1.0 : 1.0, 0, 0};
  g.origin = {spec.feet_first ? half - spec.pixel_mm / 2 : -half + spec.pixel_mm / 2,
              -half + spec.pixel_mm / 2, -60.0 - spec.slices * spec.slice_mm / 2};
  phantom::Acquisition& a = s.acquisition;
  a.manufacturer = "ctscreen analytic";
  a.model = "sphere";
  a.signed_pixels = spec.signed_pixels;
  a.rescale_intercept = spec.rescale_intercept;
  a.bits_stored = spec.bits_stored;
  a.circular_fov = spec.circular_fov;
  a.padding_hu = spec.padding_hu;
  a.patient_position = spec.feet_first ? "FFS" : "HFS";
  a.reversed_instance_order = spec.reversed_instance_order;
  a.transfer_syntax = spec.transfer_syntax;
  a.slice_thickness_mm = spec.slice_mm;
  a.study_date = "20260101";
  a.study_time = "120000";
  c.hu = phantom::HuVolume(g);
  for (int k = 0; k < g.size[2]; ++k) {
    for (int j = 0; j < g.size[1]; ++j) {
      for (int i = 0; i < g.size[0]; ++i) {
        const phantom::Vec3 p = g.IndexToWorld(i, j, k);
        const bool outside_fov = spec.circular_fov && std::hypot(p[0], p[1]) > 0.95 * half;
        c.hu.at(i, j, k) =
            outside_fov ? static_cast<std::int16_t>(spec.padding_hu) : AnalyticHu(spec, p);
      }
    }
  }
  return c;
}

std::vector<std::string> WriteAnalyticSeries(const AnalyticSpec& spec, const std::string& dir) {
  std::filesystem::create_directories(dir);
  auto written = phantom::WriteCtStudy(AnalyticCase(spec), spec.transfer_syntax, dir);
  if (!written.ok()) {
    std::fprintf(stderr, "analytic series: %s\n", written.status().ToString().c_str());
    std::abort();
  }
  return written->ct_files;
}

}  // namespace ctscreen::dicom::testing
