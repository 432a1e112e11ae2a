// Lesions of each case class, drawn into lung voxels only, each with its own label so truth
// volumes and centroids come from the very voxels that were drawn.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ctscreen/phantom/anatomy.h"
#include "ctscreen/phantom/case_spec.h"

namespace ctscreen::phantom {

struct LesionPlan {
  int id = 0;               // label value in the lesion mask, from 1
  std::string kind;         // ground_glass, ground_glass_consolidation, crazy_paving,
                            // lobar_consolidation, segmental_consolidation, solid_nodule,
                            // spiculated_nodule, mass
  bool covid_like = false;  // truth class covid19_like, else other
  int side = 0;             // 0 left lung, 1 right lung
  Vec3 centre{0, 0, 0};     // phantom frame, mm (where it was placed)
  double nominal_diameter_mm = 0;
};

// Places and draws the lesions of `case_class`; labels gets 1..N per lesion (first wins where
// two overlap). Returns the lesions that left at least one labelled voxel.
std::vector<LesionPlan> DrawLesions(CaseClass case_class, const AnatomyParams& anatomy,
                                    const PatientGrid& grid, const Geometry& g, Rng& rng,
                                    std::int16_t* hu, const std::uint8_t* tissue,
                                    std::uint8_t* labels);

}  // namespace ctscreen::phantom
