// Pulmonary vessels and bronchi: branching trees grown from each hilum until they leave the
// lung or become thinner than a voxel, then drawn into the lung voxels only.
#pragma once

#include <cstdint>
#include <vector>

#include "ctscreen/phantom/anatomy.h"

namespace ctscreen::phantom {

struct Branch {
  Vec3 a, b;      // phantom frame, mm
  double radius;  // outer radius, mm
  bool bronchus;  // air lumen with a wall, instead of a solid vessel
};

// Grows arteries (with their bronchi for the first generations) and veins in both lungs.
std::vector<Branch> GrowAirwaysAndVessels(const AnatomyParams& anatomy, const TissueLookup& lookup,
                                          Rng& rng);

// Draws the branches with partial-volume edges; vessels set kVesselFlag, bronchus lumens set
// kBronchusFlag on the lung voxels they cover.
void DrawBranches(const std::vector<Branch>& branches, const PatientGrid& grid, const Geometry& g,
                  const Vec3& patient_offset, double blood_hu, std::int16_t* hu,
                  std::uint8_t* tissue);

}  // namespace ctscreen::phantom
