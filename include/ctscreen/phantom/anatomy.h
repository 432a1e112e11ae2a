// The chest: body wall, bones, mediastinum, airways and lungs as analytic shapes in the
// phantom's own frame (mm; x to the patient's left, y posterior, z up from the lung base), so
// the same case can be drawn on any grid. Every shape is drawn per voxel with cheap math and
// per-slice quantities computed once.
#pragma once

#include <cstdint>
#include <vector>

#include "ctscreen/phantom/case_spec.h"
#include "ctscreen/phantom/random.h"
#include "ctscreen/phantom/volume.h"

namespace ctscreen::phantom {

// Tissue of a voxel (low 6 bits of a tissue label) ...
enum Tissue : std::uint8_t {
  kOutside = 0,
  kSkin,
  kFat,
  kMuscle,
  kCorticalBone,
  kCancellousBone,
  kCartilage,
  kSoftTissue,   // organs, oesophagus, spinal cord, discs
  kBlood,        // heart and great vessels
  kAirwayLumen,  // trachea and main bronchi, outside the lungs
  kLungLeft,
  kLungRight,
  kLiver,
  kTable,
  kAirOutsideFov,  // set by the noise pass, outside the reconstruction circle
};
// ... and what the vessel pass drew inside a lung voxel (high bits).
inline constexpr std::uint8_t kVesselFlag = 0x40;
inline constexpr std::uint8_t kBronchusFlag = 0x80;
inline constexpr std::uint8_t kTissueMask = 0x3F;
inline bool IsLung(std::uint8_t label) {
  std::uint8_t t = label & kTissueMask;
  return t == kLungLeft || t == kLungRight;
}

// A tube in the mediastinum (aorta, trachea, ...): capsule from a to b.
struct Tube {
  Vec3 a, b;
  double radius;
  double wall;  // wall thickness inside radius
  Tissue lumen_tissue, wall_tissue;
  double lumen_hu, wall_hu;
};

// Sum of a few plane waves: a smooth, cheap deformation that makes shapes non-ellipsoid.
struct Warp {
  struct Wave {
    double kx, ky, kz, phase, amplitude;
  };
  std::vector<Wave> waves;
};

struct AnatomyParams {
  // Body outline: ellipse with different anterior and posterior half-depths.
  double body_a, body_b_ant, body_b_post;
  Warp body_warp;
  double skin, fat, fat_flank, muscle, paraspinal, pectoral;
  double rib_band;  // thickness of the rib and intercostal layer
  double rib_first_z, rib_step, rib_drop, rib_half_height;
  int rib_count;
  double sternum_half_width, sternum_z_low, sternum_z_high;
  // Spine.
  double vertebra_y, vertebra_r, canal_y, canal_r, disc_period, disc_phase;
  // Lungs (index 0 left, 1 right).
  double lung_cx[2], lung_cy[2], lung_hx[2], lung_hy[2];
  double apex_z[2], taper_height;
  double dome_top[2], dome_x[2], dome_y[2], dome_k[2];
  Warp lung_warp[2];
  double lung_hu_anterior, lung_hu_posterior;
  // Mediastinum strip that always separates the lungs.
  double mediastinum_x, mediastinum_w, hilum_w, hilum_z;
  // Heart: ellipsoid rotated about z by heart_angle and tilted forward.
  Vec3 heart_centre;
  double heart_axes[3];
  double heart_angle;
  std::vector<Tube> tubes;
  double carina_z;
  Vec3 hilum[2];       // where the pulmonary arteries and main bronchi enter each lung
  Vec3 vein_hilum[2];  // lower, where the pulmonary veins leave
  double soft_hu, fat_hu, muscle_hu, blood_hu, liver_hu;
  double table_y;
};

AnatomyParams DrawAnatomy(Rng& rng);
// Scan range and body width the acquisition needs to frame this patient.
ScanRange ScanRangeFor(const AnatomyParams& anatomy, Rng& rng);

// Phantom-frame coordinate of each index along each axis (axial grids only).
struct PatientGrid {
  std::vector<double> x, y, z;
};
PatientGrid MakePatientGrid(const Geometry& g, const Vec3& patient_offset);

// Fills hu (noise-free) and tissue labels for every voxel.
void RenderAnatomy(const AnatomyParams& anatomy, const PatientGrid& grid, const Geometry& g,
                   std::int16_t* hu, std::uint8_t* tissue);

// Whether a phantom-frame point lies in a lung, by the tissue volume (vessel growth, lesions).
class TissueLookup {
 public:
  TissueLookup(const Geometry& g, const Vec3& patient_offset, const std::uint8_t* tissue)
      : g_(g), offset_(patient_offset), tissue_(tissue) {}
  std::uint8_t At(const Vec3& p) const;
  const Geometry& geometry() const { return g_; }
  const Vec3& offset() const { return offset_; }

 private:
  const Geometry& g_;
  Vec3 offset_;
  const std::uint8_t* tissue_;
};

}  // namespace ctscreen::phantom
