// The last step of image formation: quantum noise, the reconstruction circle and the value
// range the storage format can hold.
#pragma once

#include <cstdint>

#include "ctscreen/phantom/case_spec.h"
#include "ctscreen/phantom/volume.h"

namespace ctscreen::phantom {

// Smallest and largest HU the acquisition's pixel storage can represent.
int MinStorableHu(const Acquisition& acq);
int MaxStorableHu(const Acquisition& acq);

// Adds Gaussian noise (acq.noise_sd_hu) inside the field of view, writes acq.padding_hu and
// kAirOutsideFov outside the circle when acq.circular_fov, and clamps to the storable range.
void ApplyNoiseAndFieldOfView(const Acquisition& acq, const Geometry& g, Rng& rng, std::int16_t* hu,
                              std::uint8_t* tissue);

}  // namespace ctscreen::phantom
