#include "ctscreen/phantom/lesions.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace ctscreen::phantom {
namespace {

constexpr double kPi = 3.14159265358979323846;

Vec3 RandomUnit(Rng& rng) {
  double z = rng.Uniform(-1, 1), t = rng.Uniform(0, 2 * kPi), r = std::sqrt(1 - z * z);
  return {r * std::cos(t), r * std::sin(t), z};
}

// What a lesion contributes at one point: weight (0..1, label where >= 0.5), the HU it pulls
// the voxel towards, and whether bronchus lumens stay air (air bronchograms).
struct Contribution {
  double weight;
  double target_hu;
};

// Index bounds of a phantom-frame box, clipped to the grid.
struct Box {
  int lo[3], hi[3];
  bool empty() const { return lo[0] > hi[0] || lo[1] > hi[1] || lo[2] > hi[2]; }
};

Box BoxAround(const PatientGrid& grid, const Vec3& lo, const Vec3& hi) {
  Box box;
  const std::vector<double>* axes[3] = {&grid.x, &grid.y, &grid.z};
  for (int a = 0; a < 3; ++a) {
    const auto& v = *axes[a];
    box.lo[a] = static_cast<int>(v.size());
    box.hi[a] = -1;
    for (int n = 0; n < static_cast<int>(v.size()); ++n) {
      if (v[n] >= lo[a] && v[n] <= hi[a]) {
        box.lo[a] = std::min(box.lo[a], n);
        box.hi[a] = std::max(box.hi[a], n);
      }
    }
  }
  return box;
}

struct Canvas {
  const PatientGrid& grid;
  const Geometry& g;
  std::int16_t* hu;
  const std::uint8_t* tissue;
  std::uint8_t* labels;
};

// Draws one lesion over a box; returns how many voxels got its label.
std::size_t Paint(const Canvas& c, const Box& box, int id, bool keep_airways,
                  const std::function<Contribution(double, double, double)>& at) {
  std::size_t count = 0;
  if (box.empty()) return 0;
  for (int k = box.lo[2]; k <= box.hi[2]; ++k) {
    for (int j = box.lo[1]; j <= box.hi[1]; ++j) {
      std::size_t row = c.g.Offset(0, j, k);
      for (int i = box.lo[0]; i <= box.hi[0]; ++i) {
        std::uint8_t t = c.tissue[row + i];
        if (!IsLung(t)) continue;
        Contribution v = at(c.grid.x[i], c.grid.y[j], c.grid.z[k]);
        if (v.weight <= 0) continue;
        if (v.weight >= 0.5 && c.labels[row + i] == 0) {
          c.labels[row + i] = static_cast<std::uint8_t>(id);
          ++count;
        }
        if (keep_airways && (t & kBronchusFlag)) continue;
        std::int16_t& h = c.hu[row + i];
        double value = h + (v.target_hu - h) * v.weight;
        if (value > h) h = static_cast<std::int16_t>(std::lround(value));
      }
    }
  }
  return count;
}

// A rounded blob: ellipsoid with lobulated surface and optional spicules.
struct Blob {
  Vec3 centre;
  double radius;
  double axis[3];
  Vec3 lobe_dir[3];
  double lobe_amp[3], lobe_freq[3], lobe_phase[3];
  std::vector<Vec3> spikes;
  std::vector<double> spike_len;
  double edge;

  static Blob Draw(Rng& rng, const Vec3& centre, double radius, double lobulation, double edge,
                   double elongation = 0.25) {
    Blob b;
    b.centre = centre;
    b.radius = radius;
    for (int a = 0; a < 3; ++a) {
      b.axis[a] = rng.Uniform(1 - elongation, 1 + elongation);
      b.lobe_dir[a] = RandomUnit(rng);
      b.lobe_amp[a] = lobulation * rng.Uniform(0.3, 1.0);
      b.lobe_freq[a] = rng.Uniform(2, 5);
      b.lobe_phase[a] = rng.Uniform(0, 2 * kPi);
    }
    b.edge = edge;
    return b;
  }
  double Extent() const {
    double longest = 0;
    for (double l : spike_len) longest = std::max(longest, l);
    return radius * 1.6 + longest + 2 * edge;
  }
  // Signed distance-like value (mm, positive inside) and normalised depth (0 centre, 1 edge).
  double Inside(double x, double y, double z, double* depth) const {
    double px = (x - centre[0]) / axis[0], py = (y - centre[1]) / axis[1],
           pz = (z - centre[2]) / axis[2];
    double dist = std::sqrt(px * px + py * py + pz * pz);
    double r = radius;
    if (dist > 1e-9) {
      double ux = px / dist, uy = py / dist, uz = pz / dist;
      double f = 1.0;
      for (int a = 0; a < 3; ++a) {
        double dot = ux * lobe_dir[a][0] + uy * lobe_dir[a][1] + uz * lobe_dir[a][2];
        f += lobe_amp[a] * std::sin(lobe_freq[a] * dot + lobe_phase[a]);
      }
      r *= f;
      for (std::size_t s = 0; s < spikes.size(); ++s) {
        double dot = ux * spikes[s][0] + uy * spikes[s][1] + uz * spikes[s][2];
        const double cos_width = 0.985;  // about 10 degrees
        if (dot > cos_width) {
          double t = (dot - cos_width) / (1 - cos_width);
          r += spike_len[s] * t * t;
        }
      }
    }
    *depth = r > 0 ? dist / r : 1.0;
    return r - dist;
  }
};

double SmoothStep(double t) {
  t = std::clamp(t, 0.0, 1.0);
  return t * t * (3 - 2 * t);
}

// Thickened interlobular septa over ground glass: three families of planes a lobule apart,
// which cut an axial slice into a polygonal network.
struct Septa {
  Vec3 normal[3];
  double spacing;
  double Line(double x, double y, double z) const {
    double best = 1.0;
    for (const Vec3& n : normal) {
      double s = (x * n[0] + y * n[1] + z * n[2]) / spacing;
      double f = s - std::floor(s);
      best = std::min(best, std::min(f, 1 - f) * spacing);
    }
    return std::clamp(1.0 - best / 0.8, 0.0, 1.0);  // 1 on a septum, 0 beyond 0.8 mm
  }
};

class LesionPainter {
 public:
  LesionPainter(const AnatomyParams& anatomy, const PatientGrid& grid, const Geometry& g, Rng& rng,
                std::int16_t* hu, const std::uint8_t* tissue, std::uint8_t* labels)
      : a_(anatomy), canvas_{grid, g, hu, tissue, labels}, rng_(rng) {
    lookup_offset_ = {0, 0, 0};
    // Lung bounding boxes per side, in the phantom frame, for sampling.
    for (int s = 0; s < 2; ++s) {
      lo_[s] = {1e9, 1e9, 1e9};
      hi_[s] = {-1e9, -1e9, -1e9};
    }
    for (int k = 0; k < g.size[2]; ++k) {
      for (int j = 0; j < g.size[1]; ++j) {
        std::size_t row = g.Offset(0, j, k);
        for (int i = 0; i < g.size[0]; ++i) {
          std::uint8_t t = tissue[row + i] & kTissueMask;
          if (t != kLungLeft && t != kLungRight) continue;
          int s = t == kLungLeft ? 0 : 1;
          Vec3 p{grid.x[i], grid.y[j], grid.z[k]};
          for (int a = 0; a < 3; ++a) {
            lo_[s][a] = std::min(lo_[s][a], p[a]);
            hi_[s][a] = std::max(hi_[s][a], p[a]);
          }
        }
      }
    }
  }

  bool HasLung(int side) const { return hi_[side][0] >= lo_[side][0]; }

  // Tissue at the voxel nearest a phantom-frame point.
  std::uint8_t TissueAt(const Vec3& p, std::array<int, 3>* index = nullptr) const {
    const PatientGrid& grid = canvas_.grid;
    const std::vector<double>* axes[3] = {&grid.x, &grid.y, &grid.z};
    std::array<int, 3> idx{};
    for (int a = 0; a < 3; ++a) {
      const auto& v = *axes[a];
      double step = v.size() > 1 ? v[1] - v[0] : 1.0;
      int n = static_cast<int>(std::lround((p[a] - v[0]) / step));
      if (n < 0 || n >= static_cast<int>(v.size())) return kOutside;
      idx[a] = n;
    }
    if (index) *index = idx;
    return canvas_.tissue[canvas_.g.Offset(idx[0], idx[1], idx[2])];
  }

  // A lung voxel centre of `side`; peripheral ones touch the costal pleura within `reach` mm.
  bool SamplePoint(int side, bool peripheral, double reach, double min_depth, Vec3* out) {
    const std::uint8_t want = side == 0 ? kLungLeft : kLungRight;
    for (int attempt = 0; attempt < 4000; ++attempt) {
      Vec3 p{rng_.Uniform(lo_[side][0], hi_[side][0]), rng_.Uniform(lo_[side][1], hi_[side][1]),
             rng_.Uniform(lo_[side][2], hi_[side][2])};
      std::array<int, 3> idx;
      if ((TissueAt(p, &idx) & kTissueMask) != want) continue;
      p = {canvas_.grid.x[idx[0]], canvas_.grid.y[idx[1]], canvas_.grid.z[idx[2]]};
      // Covid favours the lower, posterior lung.
      double zt = (p[2] - lo_[side][2]) / std::max(1.0, hi_[side][2] - lo_[side][2]);
      if (peripheral && !rng_.Chance(1.0 - 0.6 * zt)) continue;
      if (peripheral) {
        Vec3 out_dir{p[0] / (a_.body_a * a_.body_a), p[1] / (a_.body_b_post * a_.body_b_post), 0};
        double n = std::hypot(out_dir[0], out_dir[1]);
        out_dir = {out_dir[0] / n, out_dir[1] / n, 0};
        bool wall = false;
        for (double d = 1.0; d <= reach; d += 1.0) {
          std::uint8_t t = TissueAt({p[0] + out_dir[0] * d, p[1] + out_dir[1] * d, p[2]});
          if (IsLung(t)) continue;
          t &= kTissueMask;
          wall = t == kMuscle || t == kCorticalBone || t == kCancellousBone || t == kCartilage ||
                 t == kFat;
          break;
        }
        if (!wall) continue;
      } else if (min_depth > 0) {
        bool deep = true;
        const Vec3 dirs[6] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
        for (const Vec3& d : dirs) {
          Vec3 q{p[0] + d[0] * min_depth, p[1] + d[1] * min_depth, p[2] + d[2] * min_depth};
          if (!IsLung(TissueAt(q))) deep = false;
        }
        if (!deep) continue;
      }
      bool apart = true;
      for (const auto& other : placed_) {
        double dx = p[0] - other.first[0], dy = p[1] - other.first[1], dz = p[2] - other.first[2];
        if (std::sqrt(dx * dx + dy * dy + dz * dz) < other.second + reach * 0.8) apart = false;
      }
      if (!apart) continue;
      *out = p;
      return true;
    }
    return false;
  }

  void Remember(const Vec3& centre, double radius) { placed_.push_back({centre, radius}); }

  std::size_t PaintBlob(const Blob& b, int id, bool keep_airways,
                        const std::function<double(double, double, double, double)>& hu_at) {
    double e = b.Extent();
    Box box = BoxAround(canvas_.grid, {b.centre[0] - e, b.centre[1] - e, b.centre[2] - e},
                        {b.centre[0] + e, b.centre[1] + e, b.centre[2] + e});
    return Paint(canvas_, box, id, keep_airways, [&](double x, double y, double z) {
      double depth;
      double inside = b.Inside(x, y, z, &depth);
      double w = std::clamp(inside / b.edge + 0.5, 0.0, 1.0);
      if (w <= 0) return Contribution{0, 0};
      return Contribution{w, hu_at(x, y, z, depth)};
    });
  }

  std::size_t PaintRegion(const Box& box, int id,
                          const std::function<Contribution(double, double, double)>& at) {
    return Paint(canvas_, box, id, true, at);
  }

  Box LungBox(int side) const { return BoxAround(canvas_.grid, lo_[side], hi_[side]); }
  const Vec3& lo(int s) const { return lo_[s]; }
  const Vec3& hi(int s) const { return hi_[s]; }

 private:
  const AnatomyParams& a_;
  Canvas canvas_;
  Rng& rng_;
  Vec3 lookup_offset_;
  Vec3 lo_[2], hi_[2];
  std::vector<std::pair<Vec3, double>> placed_;
};

std::vector<LesionPlan> DrawCovid(LesionPainter& painter, Rng& rng, bool small_only) {
  std::vector<LesionPlan> lesions;
  int count = small_only ? rng.Int(2, 6) : rng.Int(2, 8);
  for (int n = 0; n < count; ++n) {
    int side = n < 2 ? n : rng.Int(0, 1);  // bilateral
    if (!painter.HasLung(side)) side = 1 - side;
    double diameter =
        small_only ? rng.Uniform(4, 8.5) : std::exp(rng.Uniform(std::log(10.0), std::log(60.0)));
    double r = diameter / 2;
    Vec3 centre;
    if (!painter.SamplePoint(side, true, std::max(3.0, r * 0.8), 0, &centre)) continue;
    painter.Remember(centre, r);
    LesionPlan plan;
    plan.id = static_cast<int>(lesions.size()) + 1;
    plan.covid_like = true;
    plan.side = side;
    plan.centre = centre;
    plan.nominal_diameter_mm = diameter;
    double edge = small_only ? rng.Uniform(1.0, 1.8) : rng.Uniform(2.5, 5.0);
    // Small opacities stay round so that none reaches 1 cm.
    Blob blob = small_only ? Blob::Draw(rng, centre, r, 0.04, edge, 0.08)
                           : Blob::Draw(rng, centre, r, 0.12, edge);
    double ggo = rng.Uniform(-680, -380);
    double roll = rng.Uniform();
    if (small_only || roll < 0.45) {
      plan.kind = "ground_glass";
      if (painter.PaintBlob(blob, plan.id, true,
                            [&](double, double, double, double) { return ggo; }) > 0) {
        lesions.push_back(plan);
      }
      continue;
    }
    if (roll < 0.75) {
      plan.kind = "crazy_paving";
      Septa septa{{RandomUnit(rng), RandomUnit(rng), RandomUnit(rng)}, rng.Uniform(6, 10)};
      double septum = rng.Uniform(150, 280);
      if (painter.PaintBlob(blob, plan.id, true, [&](double x, double y, double z, double) {
            return ggo + septum * septa.Line(x, y, z);
          }) > 0) {
        lesions.push_back(plan);
      }
      continue;
    }
    plan.kind = "ground_glass_consolidation";
    double core = rng.Uniform(0.3, 0.6);
    double core_hu = rng.Uniform(-120, 20);
    if (painter.PaintBlob(blob, plan.id, true, [&](double, double, double, double depth) {
          double t = SmoothStep((core + 0.15 - depth) / 0.3);
          return ggo + (core_hu - ggo) * t;
        }) > 0) {
      lesions.push_back(plan);
    }
  }
  return lesions;
}

std::vector<LesionPlan> DrawPneumonia(LesionPainter& painter, const AnatomyParams& a, Rng& rng) {
  std::vector<LesionPlan> lesions;
  int side = rng.Int(0, 1);
  if (!painter.HasLung(side)) side = 1 - side;
  int count = rng.Chance(0.25) ? 2 : 1;
  for (int n = 0; n < count; ++n) {
    LesionPlan plan;
    plan.id = static_cast<int>(lesions.size()) + 1;
    plan.side = side;
    plan.covid_like = false;
    bool lobar = n == 0 && rng.Chance(0.5);
    double consolidation = rng.Uniform(15, 45);
    double edge = rng.Uniform(3, 6);
    // Patchy filling, so the consolidation is not a flat slab.
    Vec3 patch_dir = RandomUnit(rng);
    double patch_k = 2 * kPi / rng.Uniform(25, 50);
    Box box = painter.LungBox(side);
    if (lobar) {
      // Oblique fissure from the back at carina level to the front above the dome: the lower
      // lobe lies below it; upper lobes above.
      double y_back = a.body_b_post * 0.8, y_front = -a.body_b_ant * 0.7;
      double z_back = a.carina_z + 10, z_front = a.dome_top[side] + 15;
      double slope = (z_back - z_front) / (y_back - y_front);
      double norm = std::sqrt(1 + slope * slope);
      bool lower = rng.Chance(0.65);
      plan.kind = "lobar_consolidation";
      Vec3 centre;
      // A point in the chosen lobe, from which the consolidation spreads.
      bool found = false;
      for (int tries = 0; tries < 50 && !found; ++tries) {
        if (!painter.SamplePoint(side, false, 10, 0, &centre)) break;
        double zf = z_front + slope * (centre[1] - y_front);
        found = lower ? centre[2] < zf - 15 : centre[2] > zf + 15;
      }
      if (!found) continue;
      double extent = rng.Uniform(45, 80);
      plan.centre = centre;
      plan.nominal_diameter_mm = 2 * extent;
      if (painter.PaintRegion(box, plan.id, [&](double x, double y, double z) {
            double zf = z_front + slope * (y - y_front);
            double to_fissure = (lower ? zf - z : z - zf) / norm;
            double dx = x - centre[0], dy = y - centre[1], dz = z - centre[2];
            double spread = extent - std::sqrt(dx * dx + dy * dy + dz * dz);
            double inside = std::min(to_fissure * 3.0, spread);  // the fissure edge is sharp
            double w = std::clamp(inside / edge + 0.5, 0.0, 1.0);
            double patch =
                0.5 +
                0.5 * std::sin(patch_k * (x * patch_dir[0] + y * patch_dir[1] + z * patch_dir[2]));
            return Contribution{w, consolidation - 60 * patch * (1 - w)};
          }) > 0) {
        lesions.push_back(plan);
      }
      continue;
    }
    // Segmental: a cone from the hilum out to the pleura.
    plan.kind = "segmental_consolidation";
    Vec3 target;
    if (!painter.SamplePoint(side, true, 15, 0, &target)) continue;
    const Vec3& h = a.hilum[side];
    Vec3 axis{target[0] - h[0], target[1] - h[1], target[2] - h[2]};
    double axis_len = std::sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
    for (double& c : axis) c /= axis_len;
    double half_angle = rng.Uniform(0.25, 0.45);
    double start = axis_len * rng.Uniform(0.3, 0.5);
    plan.centre = target;
    plan.nominal_diameter_mm = axis_len - start;
    if (painter.PaintRegion(box, plan.id, [&](double x, double y, double z) {
          double px = x - h[0], py = y - h[1], pz = z - h[2];
          double along = px * axis[0] + py * axis[1] + pz * axis[2];
          if (along <= 0) return Contribution{0, 0};
          double across = std::sqrt(std::max(0.0, px * px + py * py + pz * pz - along * along));
          double inside = std::min(along * std::tan(half_angle) - across, along - start);
          double w = std::clamp(inside / edge + 0.5, 0.0, 1.0);
          double patch =
              0.5 +
              0.5 * std::sin(patch_k * (x * patch_dir[0] + y * patch_dir[1] + z * patch_dir[2]));
          return Contribution{w, consolidation - 60 * patch * (1 - w)};
        }) > 0) {
      lesions.push_back(plan);
    }
  }
  return lesions;
}

std::vector<LesionPlan> DrawNodules(LesionPainter& painter, Rng& rng) {
  std::vector<LesionPlan> lesions;
  bool mass = rng.Chance(0.15);
  int count = mass ? 1 : rng.Int(1, 2);
  for (int n = 0; n < count; ++n) {
    int side = rng.Int(0, 1);
    if (!painter.HasLung(side)) side = 1 - side;
    double diameter = mass ? rng.Uniform(30, 40) : rng.Uniform(8, 28);
    double r = diameter / 2;
    Vec3 centre;
    if (!painter.SamplePoint(side, false, r, r * 0.6, &centre)) continue;
    painter.Remember(centre, r);
    LesionPlan plan;
    plan.id = static_cast<int>(lesions.size()) + 1;
    plan.side = side;
    plan.centre = centre;
    plan.nominal_diameter_mm = diameter;
    bool spiculated = !mass && rng.Chance(0.4);
    plan.kind = mass ? "mass" : (spiculated ? "spiculated_nodule" : "solid_nodule");
    Blob blob = Blob::Draw(rng, centre, r, mass ? 0.12 : 0.05, rng.Uniform(0.5, 0.9));
    if (spiculated) {
      int spikes = rng.Int(8, 16);
      for (int s = 0; s < spikes; ++s) {
        blob.spikes.push_back(RandomUnit(rng));
        blob.spike_len.push_back(r * rng.Uniform(0.4, 1.0));
      }
    }
    double solid = rng.Uniform(20, 60);
    if (painter.PaintBlob(blob, plan.id, false,
                          [&](double, double, double, double) { return solid; }) > 0) {
      lesions.push_back(plan);
    }
  }
  return lesions;
}

}  // namespace

std::vector<LesionPlan> DrawLesions(CaseClass case_class, const AnatomyParams& anatomy,
                                    const PatientGrid& grid, const Geometry& g, Rng& rng,
                                    std::int16_t* hu, const std::uint8_t* tissue,
                                    std::uint8_t* labels) {
  if (case_class == CaseClass::kNormal) return {};
  LesionPainter painter(anatomy, grid, g, rng, hu, tissue, labels);
  if (!painter.HasLung(0) && !painter.HasLung(1)) return {};
  switch (case_class) {
    case CaseClass::kCovid:
      return DrawCovid(painter, rng, false);
    case CaseClass::kCovidSmall:
      return DrawCovid(painter, rng, true);
    case CaseClass::kOtherPneumonia:
      return DrawPneumonia(painter, anatomy, rng);
    case CaseClass::kNodule:
      return DrawNodules(painter, rng);
    case CaseClass::kNormal:
      break;
  }
  return {};
}

}  // namespace ctscreen::phantom
