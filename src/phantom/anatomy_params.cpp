// Draws one patient's anatomy. Sizes are adult chest CT measurements, widened enough that no
// two cases look alike; relations between structures (heart on the diaphragm, trachea in front
// of the spine) are kept by deriving positions from one another.
#include <algorithm>
#include <cmath>

#include "ctscreen/phantom/anatomy.h"

namespace ctscreen::phantom {
namespace {

constexpr double kPi = 3.14159265358979323846;

Warp DrawWarp(Rng& rng, int waves, double amplitude, double min_wavelength, double max_wavelength,
              bool three_d) {
  Warp warp;
  for (int n = 0; n < waves; ++n) {
    double wavelength = rng.Uniform(min_wavelength, max_wavelength);
    double theta = rng.Uniform(0, 2 * kPi);
    double elevation = three_d ? rng.Uniform(-0.6, 0.6) : 0.0;
    double k = 2 * kPi / wavelength;
    warp.waves.push_back({k * std::cos(theta) * std::cos(elevation),
                          k * std::sin(theta) * std::cos(elevation), k * std::sin(elevation),
                          rng.Uniform(0, 2 * kPi), amplitude * rng.Uniform(0.5, 1.0)});
  }
  return warp;
}

Tube MakeTube(const Vec3& a, const Vec3& b, double radius, double wall, Tissue lumen,
              double lumen_hu, Tissue wall_tissue, double wall_hu) {
  return Tube{a, b, radius, wall, lumen, wall_tissue, lumen_hu, wall_hu};
}

}  // namespace

AnatomyParams DrawAnatomy(Rng& rng) {
  AnatomyParams p{};
  p.body_a = rng.Uniform(140, 180);
  p.body_b_ant = p.body_a * rng.Uniform(0.66, 0.78);
  p.body_b_post = p.body_b_ant * rng.Uniform(0.95, 1.1);
  p.body_warp = DrawWarp(rng, 3, 0.025, 120, 400, true);
  p.skin = rng.Uniform(1.5, 2.5);
  p.fat = rng.Uniform(5, 22);
  p.fat_flank = p.fat * rng.Uniform(0.2, 0.9);
  p.muscle = rng.Uniform(4, 8);
  p.pectoral = rng.Uniform(6, 16);
  p.rib_band = rng.Uniform(9, 12);

  p.fat_hu = rng.Uniform(-110, -85);
  p.muscle_hu = rng.Uniform(40, 60);
  p.soft_hu = rng.Uniform(30, 45);
  p.blood_hu = rng.Uniform(35, 50);
  p.liver_hu = rng.Uniform(50, 65);
  p.lung_hu_anterior = rng.Uniform(-880, -840);
  p.lung_hu_posterior = p.lung_hu_anterior + rng.Uniform(20, 60);

  // Spine: canal about 5 cm under the skin of the back, vertebral body in front of it.
  p.canal_r = rng.Uniform(6, 8);
  p.canal_y = p.body_b_post - p.skin - p.fat - rng.Uniform(45, 55);
  p.vertebra_r = rng.Uniform(15, 20);
  p.vertebra_y = p.canal_y - p.canal_r - 3 - p.vertebra_r;
  p.disc_period = rng.Uniform(24, 30);
  p.disc_phase = rng.Uniform(0, p.disc_period);
  p.paraspinal =
      std::max(10.0, p.body_b_post - p.vertebra_y - p.skin - p.fat - p.muscle - p.rib_band * 0.5);

  // Lungs.
  double lung_height = rng.Uniform(210, 270);
  double b_mean = 0.5 * (p.body_b_ant + p.body_b_post);
  for (int s = 0; s < 2; ++s) {
    double sign = s == 0 ? 1.0 : -1.0;  // left lung at +x
    p.lung_cx[s] = sign * rng.Uniform(0.4, 0.46) * p.body_a;
    p.lung_cy[s] = rng.Uniform(-5, 15);
    p.lung_hx[s] = rng.Uniform(0.46, 0.54) * p.body_a;
    p.lung_hy[s] = rng.Uniform(0.85, 1.0) * b_mean;
    p.apex_z[s] = lung_height + rng.Uniform(-8, 8);
    p.lung_warp[s] = DrawWarp(rng, 3, 0.12, 60, 200, true);
  }
  p.taper_height = rng.Uniform(80, 110);
  p.dome_top[1] = rng.Uniform(55, 85);                 // right dome, over the liver
  p.dome_top[0] = p.dome_top[1] - rng.Uniform(5, 20);  // left dome lower
  for (int s = 0; s < 2; ++s) {
    double sign = s == 0 ? 1.0 : -1.0;
    p.dome_x[s] = sign * rng.Uniform(0.35, 0.5) * p.body_a;
    p.dome_y[s] = rng.Uniform(-20, 10);
    double reach = rng.Uniform(0.45, 0.6) * p.body_a;
    p.dome_k[s] = p.dome_top[s] / (reach * reach);
  }

  // Ribs: first pair near the apex, running down and forward.
  p.rib_count = 12;
  p.rib_first_z = 0.5 * (p.apex_z[0] + p.apex_z[1]) + rng.Uniform(-5, 10);
  p.rib_step = rng.Uniform(20, 25);
  p.rib_drop = rng.Uniform(80, 110);
  p.rib_half_height = rng.Uniform(4.5, 6);
  double dome_mean = 0.5 * (p.dome_top[0] + p.dome_top[1]);
  p.sternum_half_width = rng.Uniform(13, 19);
  p.sternum_z_low = dome_mean - rng.Uniform(0, 15);
  p.sternum_z_high = p.rib_first_z - rng.Uniform(10, 30);

  // Heart sits on the left dome, touching the anterior chest wall.
  p.heart_axes[0] = rng.Uniform(55, 70);
  p.heart_axes[1] = rng.Uniform(40, 50);
  p.heart_axes[2] = rng.Uniform(45, 55);
  p.heart_angle = rng.Uniform(25, 45) * kPi / 180;
  double anterior_wall = p.skin + p.fat + p.muscle + p.rib_band;
  p.heart_centre = {rng.Uniform(15, 30), -p.body_b_ant + anterior_wall + p.heart_axes[1] * 0.85,
                    dome_mean + p.heart_axes[2] * 0.55};
  p.mediastinum_x = rng.Uniform(-3, 6);
  p.mediastinum_w = rng.Uniform(8, 12);
  p.hilum_w = rng.Uniform(8, 14);

  // Airways: trachea in front of the oesophagus and spine, carina about 10 cm below the apex.
  double top = std::max(p.apex_z[0], p.apex_z[1]) + 120;  // above any scan range
  double bottom = -150;
  double trachea_r = rng.Uniform(8, 11);
  double tx = rng.Uniform(-5, 3);
  double ty = p.vertebra_y - p.vertebra_r - trachea_r - 9;
  p.carina_z = 0.5 * (p.apex_z[0] + p.apex_z[1]) - rng.Uniform(90, 110);
  p.hilum_z = p.carina_z - 25;
  Vec3 carina{tx, ty, p.carina_z};
  p.hilum[1] = {tx - rng.Uniform(30, 40), ty + rng.Uniform(0, 10),
                p.carina_z - rng.Uniform(15, 25)};
  p.hilum[0] = {tx + rng.Uniform(40, 50), ty + rng.Uniform(5, 12),
                p.carina_z - rng.Uniform(25, 35)};
  for (int s = 0; s < 2; ++s) {
    p.vein_hilum[s] = {p.hilum[s][0] * 0.9, p.hilum[s][1] - 5, p.hilum[s][2] - rng.Uniform(25, 35)};
  }
  double air = -1000;
  p.tubes.push_back(
      MakeTube({tx, ty, top}, carina, trachea_r, 2, kAirwayLumen, air, kSoftTissue, 70));
  p.tubes.push_back(
      MakeTube(carina, p.hilum[1], trachea_r * 0.75, 1.5, kAirwayLumen, air, kSoftTissue, 60));
  p.tubes.push_back(
      MakeTube(carina, p.hilum[0], trachea_r * 0.7, 1.5, kAirwayLumen, air, kSoftTissue, 60));
  // Oesophagus, behind the trachea and to the left, down to the stomach.
  double ox = tx + rng.Uniform(8, 14);
  double oy = p.vertebra_y - p.vertebra_r - 6;
  double o_r = rng.Uniform(6, 8);
  Vec3 hiatus{ox + 10, oy - 5, p.dome_top[0] - 15};
  p.tubes.push_back(
      MakeTube({ox, oy, top}, hiatus, o_r, 0, kSoftTissue, p.soft_hu, kSoftTissue, p.soft_hu));
  p.tubes.push_back(MakeTube(hiatus, {50, -20, p.dome_top[0] - 45}, o_r, 0, kSoftTissue, p.soft_hu,
                             kSoftTissue, p.soft_hu));

  // Aorta: ascending right of the midline, arch over the left main bronchus, descending along
  // the left of the spine.
  double ao_r = rng.Uniform(12, 16);
  double arch_z = p.carina_z + rng.Uniform(15, 30);
  double arch_height = rng.Uniform(12, 22);
  Vec3 root{rng.Uniform(-15, -5), p.heart_centre[1] + 10,
            p.heart_centre[2] + p.heart_axes[2] * 0.3};
  Vec3 asc_top{root[0], ty - trachea_r - ao_r - 6, arch_z};
  Vec3 desc_top{p.vertebra_r * 0.5 + ao_r * 0.9 + rng.Uniform(0, 5),
                p.vertebra_y - p.vertebra_r * 0.4, arch_z};
  double bend_x = tx + trachea_r + ao_r + 3;
  p.tubes.push_back(MakeTube(root, asc_top, ao_r, 0, kBlood, p.blood_hu, kBlood, p.blood_hu));
  Vec3 prev = asc_top;
  const int arch_segments = 8;
  for (int n = 1; n <= arch_segments; ++n) {
    double t = static_cast<double>(n) / arch_segments;
    // Quadratic Bezier in the axial plane, bending to the left of the trachea.
    double x = (1 - t) * (1 - t) * asc_top[0] + 2 * t * (1 - t) * bend_x + t * t * desc_top[0];
    double y = (1 - t) * (1 - t) * asc_top[1] + 2 * t * (1 - t) * ty + t * t * desc_top[1];
    Vec3 next{x, y, arch_z + arch_height * std::sin(kPi * t)};
    p.tubes.push_back(MakeTube(prev, next, ao_r, 0, kBlood, p.blood_hu, kBlood, p.blood_hu));
    prev = next;
  }
  p.tubes.push_back(MakeTube(desc_top, {desc_top[0] * 0.6, desc_top[1] - 8, bottom}, ao_r * 0.9, 0,
                             kBlood, p.blood_hu, kBlood, p.blood_hu));
  // Pulmonary trunk and arteries, ending at the hila where the intrapulmonary trees start.
  Vec3 trunk_base{p.heart_centre[0] + 5, p.heart_centre[1] - 10,
                  p.heart_centre[2] + p.heart_axes[2] * 0.5};
  Vec3 bifurcation{tx + 8, ty - trachea_r - 16, p.carina_z - 8};
  double pa_r = rng.Uniform(11, 14);
  p.tubes.push_back(
      MakeTube(trunk_base, bifurcation, pa_r, 0, kBlood, p.blood_hu, kBlood, p.blood_hu));
  for (int s = 0; s < 2; ++s) {
    Vec3 end{p.hilum[s][0], p.hilum[s][1] - 10, p.hilum[s][2] + 4};
    p.tubes.push_back(
        MakeTube(bifurcation, end, pa_r * 0.75, 0, kBlood, p.blood_hu, kBlood, p.blood_hu));
  }
  // Superior vena cava, right of the ascending aorta.
  double svc_r = rng.Uniform(8, 11);
  p.tubes.push_back(MakeTube({root[0] - ao_r - svc_r - 2, asc_top[1] + 5, top},
                             {root[0] - ao_r - svc_r, p.heart_centre[1], p.heart_centre[2]}, svc_r,
                             0, kBlood, p.blood_hu, kBlood, p.blood_hu));

  p.table_y = p.body_b_post + rng.Uniform(2, 10);
  return p;
}

ScanRange ScanRangeFor(const AnatomyParams& anatomy, Rng& rng) {
  ScanRange range;
  range.z_bottom = -rng.Uniform(25, 50);
  range.z_top = std::max(anatomy.apex_z[0], anatomy.apex_z[1]) + rng.Uniform(15, 35);
  range.body_half_width = anatomy.body_a;
  return range;
}

}  // namespace ctscreen::phantom
