#include "ctscreen/phantom/vessels.h"

#include <algorithm>
#include <cmath>

namespace ctscreen::phantom {
namespace {

Vec3 Add(const Vec3& a, const Vec3& b) {
  return {a[0] + b[0], a[1] + b[1], a[2] + b[2]};
}
Vec3 Sub(const Vec3& a, const Vec3& b) {
  return {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
}
Vec3 Scale(const Vec3& a, double s) {
  return {a[0] * s, a[1] * s, a[2] * s};
}
double Dot(const Vec3& a, const Vec3& b) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
Vec3 Cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
Vec3 Normalize(const Vec3& a) {
  double n = std::sqrt(Dot(a, a));
  return n > 1e-12 ? Scale(a, 1.0 / n) : Vec3{1, 0, 0};
}
// Any unit vector perpendicular to d.
Vec3 Perpendicular(const Vec3& d) {
  Vec3 helper = std::fabs(d[2]) < 0.9 ? Vec3{0, 0, 1} : Vec3{1, 0, 0};
  return Normalize(Cross(d, helper));
}

constexpr double kMinRadius = 0.35;
constexpr int kBronchusGenerations = 5;

class TreeGrower {
 public:
  TreeGrower(const TissueLookup& lookup, Rng& rng, std::vector<Branch>* out)
      : lookup_(lookup), rng_(rng), out_(out) {}

  void Grow(const Vec3& start, const Vec3& dir, double radius, int generation, bool artery,
            int budget) {
    if (radius < kMinRadius || budget <= 0) return;
    double length = std::max(3.0, radius * rng_.Uniform(5, 8));
    Vec3 end = Add(start, Scale(dir, length));
    // Near the pleura a branch turns back into the lung rather than ending at once, so the
    // periphery fills with small vessels as in a real lung.
    Vec3 course = dir;
    for (int attempt = 0; attempt < 4 && !IsLung(lookup_.At(end)); ++attempt) {
      Vec3 jitter{rng_.Uniform(-1, 1), rng_.Uniform(-1, 1), rng_.Uniform(-1, 1)};
      course = Normalize(Add(dir, Scale(jitter, 0.4 + 0.3 * attempt)));
      length *= 0.75;
      end = Add(start, Scale(course, length));
    }
    // Near the hilum the start may still be in the mediastinum: keep going through it.
    if (!IsLung(lookup_.At(end)) && generation > 1) return;
    out_->push_back({start, end, radius, false});
    if (artery && generation < kBronchusGenerations && radius > 1.0) {
      // The bronchus runs beside its artery, about as wide.
      Vec3 side = Perpendicular(course);
      Vec3 shift = Scale(side, radius * 2.0 + 0.6);
      out_->push_back({Add(start, shift), Add(end, shift), radius * 0.95, true});
    }
    // Two children: a major one close to the parent's course and a minor one off to the side.
    const Vec3& dir_used = course;
    Vec3 axis = Perpendicular(dir_used);
    double turn = rng_.Uniform(0, 6.283185307179586);
    Vec3 other = Cross(dir_used, axis);
    Vec3 bend = Add(Scale(axis, std::cos(turn)), Scale(other, std::sin(turn)));
    double a1 = rng_.Uniform(0.2, 0.5), a2 = rng_.Uniform(0.5, 0.9);
    Vec3 d1 = Normalize(Add(dir_used, Scale(bend, a1)));
    Vec3 d2 = Normalize(Sub(dir_used, Scale(bend, a2)));
    Grow(end, d1, radius * rng_.Uniform(0.76, 0.86), generation + 1, artery, budget - 1);
    Grow(end, d2, radius * rng_.Uniform(0.6, 0.74), generation + 1, artery, budget - 1);
  }

 private:
  const TissueLookup& lookup_;
  Rng& rng_;
  std::vector<Branch>* out_;
};

}  // namespace

std::vector<Branch> GrowAirwaysAndVessels(const AnatomyParams& anatomy, const TissueLookup& lookup,
                                          Rng& rng) {
  std::vector<Branch> branches;
  TreeGrower grower(lookup, rng, &branches);
  for (int s = 0; s < 2; ++s) {
    double lateral = s == 0 ? 1.0 : -1.0;
    // Lobar trunks: up, out and down from the hilum.
    const Vec3 artery_dirs[] = {{lateral * 0.5, 0.2, 1.0},
                                {lateral * 1.0, -0.4, -0.1},
                                {lateral * 0.6, 0.5, -0.8},
                                {lateral * 0.4, 0.2, -1.0}};
    for (const Vec3& d : artery_dirs) {
      Vec3 jitter{rng.Uniform(-0.2, 0.2), rng.Uniform(-0.2, 0.2), rng.Uniform(-0.2, 0.2)};
      grower.Grow(anatomy.hilum[s], Normalize(Add(d, jitter)), rng.Uniform(4.0, 5.5), 1, true, 14);
    }
    const Vec3 vein_dirs[] = {
        {lateral * 0.8, -0.5, 0.6}, {lateral * 0.9, 0.3, -0.5}, {lateral * 0.5, -0.3, -0.9}};
    for (const Vec3& d : vein_dirs) {
      Vec3 jitter{rng.Uniform(-0.2, 0.2), rng.Uniform(-0.2, 0.2), rng.Uniform(-0.2, 0.2)};
      grower.Grow(anatomy.vein_hilum[s], Normalize(Add(d, jitter)), rng.Uniform(3.5, 5.0), 1, false,
                  14);
    }
  }
  return branches;
}

void DrawBranches(const std::vector<Branch>& branches, const PatientGrid& grid, const Geometry& g,
                  const Vec3& patient_offset, double blood_hu, std::int16_t* hu,
                  std::uint8_t* tissue) {
  // Partial volume over about one voxel, so thin vessels fade instead of flickering.
  const double edge = std::max(0.5, 0.5 * (g.spacing[0] + g.spacing[2]) * 0.7);
  for (const Branch& br : branches) {
    const double reach = br.radius + edge;
    int lo[3], hi[3];
    for (int a = 0; a < 3; ++a) {
      double w0 = std::min(br.a[a], br.b[a]) - reach + patient_offset[a];
      double w1 = std::max(br.a[a], br.b[a]) + reach + patient_offset[a];
      double i0 = (w0 - g.origin[a]) / (g.direction[a][a] * g.spacing[a]);
      double i1 = (w1 - g.origin[a]) / (g.direction[a][a] * g.spacing[a]);
      lo[a] = std::max(0, static_cast<int>(std::floor(std::min(i0, i1))));
      hi[a] = std::min(g.size[a] - 1, static_cast<int>(std::ceil(std::max(i0, i1))));
    }
    const Vec3 d = Sub(br.b, br.a);
    const double len2 = std::max(1e-9, Dot(d, d));
    const double lumen = br.radius * 0.7;
    for (int k = lo[2]; k <= hi[2]; ++k) {
      for (int j = lo[1]; j <= hi[1]; ++j) {
        std::size_t row = g.Offset(0, j, k);
        for (int i = lo[0]; i <= hi[0]; ++i) {
          std::uint8_t& t = tissue[row + i];
          if (!IsLung(t)) continue;
          Vec3 p{grid.x[i] - br.a[0], grid.y[j] - br.a[1], grid.z[k] - br.a[2]};
          double s = std::clamp(Dot(p, d) / len2, 0.0, 1.0);
          Vec3 q = Sub(p, Scale(d, s));
          double dist = std::sqrt(Dot(q, q));
          if (dist >= reach) continue;
          std::int16_t& v = hu[row + i];
          if (br.bronchus) {
            if (t & kVesselFlag) continue;
            if (dist < lumen) {
              double w = std::clamp((lumen - dist) / edge + 0.5, 0.0, 1.0);
              double air = -1000 * w + v * (1 - w);
              v = static_cast<std::int16_t>(std::lround(std::min<double>(v, air)));
              if (w > 0.5) t |= kBronchusFlag;
            } else {
              // Wall: only where no other lumen already is.
              if (t & kBronchusFlag) continue;
              double w = std::clamp((br.radius - dist) / edge + 0.5, 0.0, 1.0);
              double wall = (v + (0 - v) * w * 0.8);
              v = static_cast<std::int16_t>(std::lround(std::max<double>(v, wall)));
            }
          } else {
            double w = std::clamp((br.radius - dist) / edge + 0.5, 0.0, 1.0);
            double value = v + (blood_hu - v) * w;
            if (value > v) v = static_cast<std::int16_t>(std::lround(value));
            if (w > 0.5) t = static_cast<std::uint8_t>((t & ~kBronchusFlag) | kVesselFlag);
          }
        }
      }
    }
  }
}

}  // namespace ctscreen::phantom
