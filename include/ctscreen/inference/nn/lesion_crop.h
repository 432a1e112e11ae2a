// The classifier's view of one lesion, cut the same way in the pipeline and in training (which
// adds its augmentation through CropJitter), so that a model sees at analysis what it learnt on.
#pragma once

#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <vector>

#include "ctscreen/inference/manifest.h"

namespace ctscreen::inference::nn {

using Dhw = std::array<std::int64_t, 3>;

// A region of the model grid, (D, H, W), HI exclusive. It may reach outside the volume
// (CropRule::kAtScale near an edge); what lies outside reads as air and no lesion.
struct CropBox {
  Dhw lo{0, 0, 0}, hi{0, 0, 0};
};

// Training's augmentation of a crop; the pipeline uses the default (none).
struct CropJitter {
  double context = 1.0;  // kLesionBox: the margin; kAtScale: the field of view (>1 zooms out)
  Dhw shift{0, 0, 0};    // voxels
};

// The box around the lesion with inclusive extent MIN_DHW..MAX_DHW on a volume of SIZE_DHW,
// for a classifier whose input is PATCH_DHW voxels.
// - kLesionBox (the seed method's ROI): the lesion's box grown by a quarter of its extent (at
//   least 4 voxels) on each side, clipped to the volume; resized to the patch, so every lesion
//   fills it alike whatever its size.
// - kAtScale: at least the patch itself, centred on the lesion, grown evenly on all axes only
//   when the lesion and that margin do not fit; so lesions up to the patch's size keep their
//   true size and shape, and a 3-voxel speck is not magnified into a blob the size of a lobe.
CropBox ClassifierCropBox(CropRule rule, const Dhw& min_dhw, const Dhw& max_dhw,
                          const Dhw& size_dhw, const Dhw& patch_dhw, const CropJitter& jitter = {});

// (1, 2, PATCH) on WINDOWED's device: channel 0 the windowed CT (1, 1, D, H, W) over BOX,
// trilinear; channel 1 the lesion's MASK (1, 1, D, H, W, 0/1 float) on the same voxels.
torch::Tensor CutLesionCrop(const torch::Tensor& windowed, const torch::Tensor& mask,
                            const CropBox& box, const Dhw& patch_dhw);

}  // namespace ctscreen::inference::nn
