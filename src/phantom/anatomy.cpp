// Per-voxel drawing of the anatomy. The order of the tests is the order in which structures
// hide one another: spine, body wall, mediastinal tubes, abdomen, heart, lungs, filling.
#include "ctscreen/phantom/anatomy.h"

#include <algorithm>
#include <cmath>

namespace ctscreen::phantom {
namespace {

constexpr double kPi = 3.14159265358979323846;

// A warp evaluated with sin(a + b) = sin a cos b + cos a sin b: columns give a, rows and
// slices give b, so each voxel costs a few multiplications instead of a sine per wave.
class WarpTables {
 public:
  WarpTables(const Warp& warp, const std::vector<double>& xs) : warp_(warp) {
    const std::size_t n = warp.waves.size();
    sin_x_.resize(n * xs.size());
    cos_x_.resize(n * xs.size());
    for (std::size_t w = 0; w < n; ++w) {
      for (std::size_t i = 0; i < xs.size(); ++i) {
        sin_x_[i * n + w] =
            static_cast<float>(warp.waves[w].amplitude * std::sin(warp.waves[w].kx * xs[i]));
        cos_x_[i * n + w] =
            static_cast<float>(warp.waves[w].amplitude * std::cos(warp.waves[w].kx * xs[i]));
      }
    }
    sin_row_.resize(n);
    cos_row_.resize(n);
  }
  void SetRow(double y, double z) {
    for (std::size_t w = 0; w < warp_.waves.size(); ++w) {
      const auto& wave = warp_.waves[w];
      double b = wave.ky * y + wave.kz * z + wave.phase;
      sin_row_[w] = static_cast<float>(std::sin(b));
      cos_row_[w] = static_cast<float>(std::cos(b));
    }
  }
  float At(int i) const {
    const std::size_t n = sin_row_.size();
    const float* sx = &sin_x_[i * n];
    const float* cx = &cos_x_[i * n];
    float sum = 0;
    for (std::size_t w = 0; w < n; ++w) sum += sx[w] * cos_row_[w] + cx[w] * sin_row_[w];
    return sum;
  }

 private:
  const Warp& warp_;
  std::vector<float> sin_x_, cos_x_;
  std::vector<float> sin_row_, cos_row_;
};

struct Voxel {
  Tissue tissue;
  float hu;
};

// A tube active in the current slice, with its axial bounding box.
struct ActiveTube {
  const Tube* tube;
  double x_lo, x_hi, y_lo, y_hi;
};

double SegmentDistance2(const Tube& t, double x, double y, double z) {
  double dx = t.b[0] - t.a[0], dy = t.b[1] - t.a[1], dz = t.b[2] - t.a[2];
  double px = x - t.a[0], py = y - t.a[1], pz = z - t.a[2];
  double len2 = dx * dx + dy * dy + dz * dz;
  double s = len2 > 0 ? std::clamp((px * dx + py * dy + pz * dz) / len2, 0.0, 1.0) : 0.0;
  px -= s * dx;
  py -= s * dy;
  pz -= s * dz;
  return px * px + py * py + pz * pz;
}

class SliceRenderer {
 public:
  SliceRenderer(const AnatomyParams& p, const PatientGrid& grid)
      : p_(p),
        grid_(grid),
        body_warp_(p.body_warp, grid.x),
        lung_warp_{WarpTables(p.lung_warp[0], grid.x), WarpTables(p.lung_warp[1], grid.x)} {
    skin_hu_ = static_cast<float>(p.muscle_hu - 15);
  }

  void BeginSlice(double z) {
    z_ = z;
    tubes_.clear();
    for (const Tube& t : p_.tubes) {
      double reach = t.radius + 0.5;
      if (z < std::min(t.a[2], t.b[2]) - reach || z > std::max(t.a[2], t.b[2]) + reach) continue;
      tubes_.push_back({&t, std::min(t.a[0], t.b[0]) - reach, std::max(t.a[0], t.b[0]) + reach,
                        std::min(t.a[1], t.b[1]) - reach, std::max(t.a[1], t.b[1]) + reach});
    }
    for (int s = 0; s < 2; ++s) {
      double taper_start = p_.apex_z[s] - p_.taper_height;
      double scale = 1.0, shift = 0.0;
      if (z >= p_.apex_z[s]) {
        lung_present_[s] = false;
        continue;
      }
      lung_present_[s] = true;
      if (z > taper_start) {
        double t = (z - taper_start) / p_.taper_height;
        scale = std::sqrt(std::max(1e-4, 1 - t * t));
        shift = 0.25 * p_.lung_hy[s] * t;  // apices sit posteriorly
      }
      lung_inv_hx2_[s] = 1.0 / std::pow(p_.lung_hx[s] * scale, 2);
      lung_inv_hy2_[s] = 1.0 / std::pow(p_.lung_hy[s] * scale, 2);
      lung_cy_now_[s] = p_.lung_cy[s] + shift;
    }
    double hz = (z - p_.heart_centre[2]) / p_.heart_axes[2];
    heart_dz2_ = hz * hz;
    double hil = (z - p_.hilum_z) / 45.0;
    strip_w_ = p_.mediastinum_w + p_.hilum_w * std::max(0.0, 1 - hil * hil);
    in_disc_ = std::fmod(std::fabs(z - p_.disc_phase), p_.disc_period) < 5.0;
    sternum_ = z > p_.sternum_z_low && z < p_.sternum_z_high;
    neck_ = z > std::max(p_.apex_z[0], p_.apex_z[1]) - 15;
  }

  void BeginRow(double y) {
    y_ = y;
    body_warp_.SetRow(y, z_);
    for (int s = 0; s < 2; ++s) {
      if (lung_present_[s]) lung_warp_[s].SetRow(y, z_);
    }
    b_ = y < 0 ? p_.body_b_ant : p_.body_b_post;
    double lung_t = std::clamp((y + p_.body_b_ant) / (p_.body_b_ant + p_.body_b_post), 0.0, 1.0);
    lung_hu_ = static_cast<float>(p_.lung_hu_anterior +
                                  (p_.lung_hu_posterior - p_.lung_hu_anterior) * lung_t);
    strip_row_w_ = y < -0.4 * p_.body_b_ant ? strip_w_ * 0.6 : strip_w_;
  }

  Voxel At(int i) const {
    const double x = grid_.x[i], y = y_, z = z_;
    const double u = x / p_.body_a, v = y / b_;
    const double rho2 = u * u + v * v;
    if (rho2 > 1.1 * 1.1) return Outside(x);
    const double rho = std::sqrt(rho2);
    const double rho_w = rho + body_warp_.At(i);
    if (rho_w > 1.0) return Outside(x);

    if (std::fabs(x) < 45 && y > p_.vertebra_y - p_.vertebra_r - 1) {
      Voxel bone;
      if (Spine(x, y, &bone)) return bone;
    }

    // Depth under the skin along the outline's normal; wall layers thicken with the angle.
    const double g = std::sqrt(u * u / (p_.body_a * p_.body_a) + v * v / (b_ * b_));
    const double depth = rho > 1e-6 ? (1.0 - rho_w) * rho / std::max(g, 1e-9) : 1e9;
    const double un = rho > 1e-6 ? u / rho : 0.0, vn = rho > 1e-6 ? v / rho : 0.0;
    const double w_skin = p_.skin;
    const double w_fat = w_skin + p_.fat + p_.fat_flank * un * un;
    double para = std::max(0.0, 1 - (un / 0.35) * (un / 0.35));
    double pect = std::max(0.0, 1 - ((std::fabs(un) - 0.5) / 0.3) * ((std::fabs(un) - 0.5) / 0.3));
    const double w_muscle = w_fat + p_.muscle +
                            p_.paraspinal * para * para * std::max(0.0, vn) * std::max(0.0, vn) +
                            p_.pectoral * pect * pect * std::max(0.0, -vn);
    if (depth < w_skin) return {kSkin, skin_hu_};
    if (depth < w_fat) return {kFat, static_cast<float>(p_.fat_hu)};
    if (depth < w_muscle) return {kMuscle, static_cast<float>(p_.muscle_hu)};
    const double w_ribs = w_muscle + p_.rib_band;
    if (depth < w_ribs) return RibBand(x, y, depth - w_muscle);

    for (const ActiveTube& at : tubes_) {
      if (x < at.x_lo || x > at.x_hi || y < at.y_lo || y > at.y_hi) continue;
      const Tube& t = *at.tube;
      double d2 = SegmentDistance2(t, x, y, z);
      if (d2 < t.radius * t.radius) {
        double lumen = t.radius - t.wall;
        if (d2 < lumen * lumen) return {t.lumen_tissue, static_cast<float>(t.lumen_hu)};
        return {t.wall_tissue, static_cast<float>(t.wall_hu)};
      }
    }

    // Below the diaphragm domes: liver on the right, stomach and spleen on the left.
    double dome = 0.0;
    for (int s = 0; s < 2; ++s) {
      double dx = x - p_.dome_x[s], dy = y - p_.dome_y[s];
      dome = std::max(dome, p_.dome_top[s] - p_.dome_k[s] * (dx * dx + dy * dy));
    }
    if (z < dome) {
      if (x < 15) return {kLiver, static_cast<float>(p_.liver_hu)};
      return {kSoftTissue, static_cast<float>(y < -10 ? p_.soft_hu - 15 : p_.soft_hu + 5)};
    }

    const double hx = x - p_.heart_centre[0], hy = y - p_.heart_centre[1];
    const double ca = std::cos(p_.heart_angle), sa = std::sin(p_.heart_angle);
    const double hxr = (hx * ca - hy * sa) / p_.heart_axes[0];
    const double hyr = (hx * sa + hy * ca) / p_.heart_axes[1];
    const double hq = hxr * hxr + hyr * hyr + heart_dz2_;
    if (hq < 1.0) return {kBlood, static_cast<float>(p_.blood_hu)};
    if (hq < 1.15) return {kFat, static_cast<float>(p_.fat_hu)};

    const bool paravertebral =
        std::fabs(x) < p_.vertebra_r + 6 && y > p_.vertebra_y - p_.vertebra_r - 4;
    const bool in_strip = std::fabs(x - p_.mediastinum_x) < strip_row_w_;
    if (!paravertebral && !in_strip && depth > w_ribs + 0.5) {
      const int s = x > p_.mediastinum_x ? 0 : 1;
      if (lung_present_[s]) {
        double lx = x - p_.lung_cx[s], ly = y - lung_cy_now_[s];
        double q = lx * lx * lung_inv_hx2_[s] + ly * ly * lung_inv_hy2_[s] + lung_warp_[s].At(i);
        if (q < 1.0) return {s == 0 ? kLungLeft : kLungRight, lung_hu_};
      }
    }
    if (neck_) return {kMuscle, static_cast<float>(p_.muscle_hu)};
    return {kFat, static_cast<float>(p_.fat_hu)};
  }

 private:
  Voxel Outside(double x) const {
    if (y_ > p_.table_y && y_ < p_.table_y + 4 && std::fabs(x) < p_.body_a * 1.2) {
      return {kTable, 150.0f};
    }
    return {kOutside, -1000.0f};
  }

  bool Spine(double x, double y, Voxel* out) const {
    const float cortical = 750.0f, cancellous = 230.0f;
    double dy = y - p_.vertebra_y;
    double r = std::sqrt(x * x + dy * dy);
    if (r < p_.vertebra_r) {
      if (in_disc_)
        *out = {kSoftTissue, 85.0f};
      else if (r > p_.vertebra_r - 1.5)
        *out = {kCorticalBone, cortical};
      else
        *out = {kCancellousBone, cancellous};
      return true;
    }
    double cy = y - p_.canal_y;
    double rc = std::sqrt(x * x + cy * cy);
    if (rc < p_.canal_r) {
      *out = {kSoftTissue, static_cast<float>(p_.soft_hu - 10)};
      return true;
    }
    bool arch = rc < p_.canal_r + 5 && cy > -p_.canal_r * 0.3;
    bool pedicle = std::fabs(x) > p_.canal_r - 2 && std::fabs(x) < p_.canal_r + 4 &&
                   y > p_.vertebra_y && y < p_.canal_y;
    bool spinous = std::fabs(x) < 3.5 && cy > p_.canal_r && cy < p_.canal_r + 30;
    bool transverse = std::fabs(cy + 2) < 4 && std::fabs(x) < p_.canal_r + 25;
    if (arch || pedicle || spinous || transverse) {
      *out = {kCorticalBone, 520.0f};
      return true;
    }
    return false;
  }

  // Ribs cross the axial plane obliquely: rib n sits at height rib_first_z - n * rib_step at
  // the back and drops by rib_drop towards the front, so the nearest rib is found in O(1).
  Voxel RibBand(double x, double y, double band_depth) const {
    const float intercostal = static_cast<float>(p_.muscle_hu);
    double phi = std::atan2(std::fabs(x), y) / kPi;  // 0 at the back, 1 at the front
    if (phi > 0.9) {
      if (sternum_ && std::fabs(x) < p_.sternum_half_width) {
        bool cortex = band_depth < 1.5 || band_depth > p_.rib_band - 1.5 ||
                      std::fabs(x) > p_.sternum_half_width - 1.5;
        return cortex ? Voxel{kCorticalBone, 650.0f} : Voxel{kCancellousBone, 200.0f};
      }
      return {kMuscle, intercostal};
    }
    if (phi < 0.06) return {kMuscle, intercostal};
    double rib_z = p_.rib_first_z - p_.rib_drop * phi * std::sqrt(phi);
    double n = std::round((rib_z - z_) / p_.rib_step);
    if (n < 0 || n >= p_.rib_count) return {kMuscle, intercostal};
    double off = std::fabs(rib_z - n * p_.rib_step - z_);
    double half = p_.rib_half_height;
    double radial = band_depth - 0.5 * p_.rib_band;  // ribs are thinner than the band
    if (off > half || std::fabs(radial) > 4.0) return {kMuscle, intercostal};
    if (phi > 0.74) return {kCartilage, 115.0f};
    bool cortex = off > half - 1.2 || std::fabs(radial) > 2.8;
    return cortex ? Voxel{kCorticalBone, 800.0f} : Voxel{kCancellousBone, 210.0f};
  }

  const AnatomyParams& p_;
  const PatientGrid& grid_;
  WarpTables body_warp_;
  WarpTables lung_warp_[2];
  std::vector<ActiveTube> tubes_;
  double z_ = 0, y_ = 0, b_ = 1;
  bool lung_present_[2] = {false, false};
  double lung_inv_hx2_[2] = {1, 1}, lung_inv_hy2_[2] = {1, 1}, lung_cy_now_[2] = {0, 0};
  double heart_dz2_ = 0, strip_w_ = 0, strip_row_w_ = 0;
  bool in_disc_ = false, sternum_ = false, neck_ = false;
  float lung_hu_ = -850, skin_hu_ = 30;
};

}  // namespace

PatientGrid MakePatientGrid(const Geometry& g, const Vec3& patient_offset) {
  PatientGrid grid;
  std::vector<double>* axes[3] = {&grid.x, &grid.y, &grid.z};
  for (int a = 0; a < 3; ++a) {
    axes[a]->resize(g.size[a]);
    for (int n = 0; n < g.size[a]; ++n) {
      (*axes[a])[n] = g.origin[a] + g.direction[a][a] * g.spacing[a] * n - patient_offset[a];
    }
  }
  return grid;
}

void RenderAnatomy(const AnatomyParams& anatomy, const PatientGrid& grid, const Geometry& g,
                   std::int16_t* hu, std::uint8_t* tissue) {
  SliceRenderer renderer(anatomy, grid);
  for (int k = 0; k < g.size[2]; ++k) {
    renderer.BeginSlice(grid.z[k]);
    for (int j = 0; j < g.size[1]; ++j) {
      renderer.BeginRow(grid.y[j]);
      std::size_t row = g.Offset(0, j, k);
      for (int i = 0; i < g.size[0]; ++i) {
        Voxel v = renderer.At(i);
        hu[row + i] = static_cast<std::int16_t>(std::lround(v.hu));
        tissue[row + i] = v.tissue;
      }
    }
  }
}

std::uint8_t TissueLookup::At(const Vec3& p) const {
  Vec3 world{p[0] + offset_[0], p[1] + offset_[1], p[2] + offset_[2]};
  Vec3 idx = g_.WorldToIndex(world);
  int i = static_cast<int>(std::lround(idx[0]));
  int j = static_cast<int>(std::lround(idx[1]));
  int k = static_cast<int>(std::lround(idx[2]));
  if (i < 0 || j < 0 || k < 0 || i >= g_.size[0] || j >= g_.size[1] || k >= g_.size[2]) {
    return kOutside;
  }
  return tissue_[g_.Offset(i, j, k)];
}

}  // namespace ctscreen::phantom
