// Connected components on plain masks (face connectivity, as ITK's default), for lung
// clean-up and lesion extraction without pulling ITK into the inference module.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "ctscreen/inference/volume.h"

namespace ctscreen::inference {

struct Component {
  int label = 0;
  std::int64_t voxels = 0;
  std::array<double, 3> centroid_xyz{0, 0, 0};
  std::array<int, 3> min_xyz{0, 0, 0};
  std::array<int, 3> max_xyz{0, 0, 0};  // inclusive
};

// Labels the non-zero voxels of MASK 1..n, largest component first; components smaller than
// MIN_VOXELS are dropped (their voxels become 0). COMPONENTS receives them in label order.
LabelMap LabelComponents(const Mask& mask, std::int64_t min_voxels,
                         std::vector<Component>* components);

// Keeps at most MAX_COUNT largest components, and of those only the ones at least
// MIN_FRACTION of the largest: the two lungs stay, specks of misclassified bowel gas go.
Mask KeepLargestComponents(const Mask& mask, int max_count, double min_fraction);

// The lesion voxels of LABELS (from LabelComponents, with COMPONENTS) that count as lung
// disease: a component at least WHOLE_FRACTION inside LUNGS stays whole, of any other only
// its voxels inside LUNGS stay. A lung model may leave the denser part of an opacity out of
// the lungs, and clipping it would halve the lesion; a component barely touching the lungs is
// chest wall or mediastinum the lesion model mistook, and only its part inside counts.
Mask LesionsInLungs(const LabelMap& labels, const std::vector<Component>& components,
                    const Mask& lungs, double whole_fraction);

// Fills, slice by slice along z, the background the slice's border cannot reach (in-plane
// face connectivity): vessels and nodules enclosed by lung become lung, as a lung mask means.
Mask FillAxialHoles(const Mask& mask);

// What the patient's body holds: the largest connected region of CT denser than BODY_HU,
// with its axial holes filled (so the lungs and airways are in it, the air around the patient,
// the table and the blankets are not). Lungs can only be in it: an air-only patch at the edge
// of a wide field of view looks like lung to a model that normalises each patch.
Mask BodyMask(const Volume& ct, float body_hu = -400.0F);

}  // namespace ctscreen::inference
