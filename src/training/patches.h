// Training samples cut from a case: patches for the segmentation stages, lesion crops for the
// classifier, with the augmentations (left-right flips, shifts, zoom). Internal: torch types.
#pragma once

#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ctscreen/inference/manifest.h"
#include "ctscreen/training/case_data.h"

namespace ctscreen::training {

using Dhw = std::array<std::int64_t, 3>;

struct CaseTensors {
  torch::Tensor hu;       // (1, D, H, W) float, HU
  torch::Tensor lungs;    // (D, H, W) uint8, 0/1
  torch::Tensor lesions;  // (D, H, W) uint8, truth lesion ids
  torch::Tensor found;    // (D, H, W) int32, the lesion model's components; undefined if not run
  // (D, H, W) uint8, the bundle's lung stage's mask: the second channel of a lesion model that
  // takes one; undefined otherwise.
  torch::Tensor lung_context;
};
CaseTensors ToTensors(const TrainingCase& c);

// HU window -> [0, 1], as inference::Screener does it.
torch::Tensor ApplyWindow(const torch::Tensor& hu, const std::array<double, 2>& window);

// T (C, D, H, W) restricted to [lo, lo + size), PAD where the box leaves the volume.
torch::Tensor ExtractBox(const torch::Tensor& t, const Dhw& lo, const Dhw& size, double pad);

// A segmentation patch of PATCH around CENTER, zoomed by a random factor in [0.85, 1.15] and
// flipped left-right half the time. IMAGE (1, D, H, W) windowed; LABEL (1, D, H, W) 0/1
// (uint8 or float).
// Returns {image (1, d, h, w), label (d, h, w) long}.
std::pair<torch::Tensor, torch::Tensor> SegmentationPatch(const torch::Tensor& image,
                                                          const torch::Tensor& label,
                                                          const Dhw& center, const Dhw& patch,
                                                          std::mt19937_64& rng);

// Where a segmentation patch is centred. Lesion stage: two patches in three on a lesion (a
// lesion drawn first, so that small ones count as much as a consolidated lobe), the rest on
// the lungs, where the false findings would be. Lung stage: half anywhere (air-only and
// body-only patches are what teaches it outside air from lung), half on the lungs, or first
// LUNG_LESION_SHARE of them on a lesion (on the lungs in a case without any; consolidations
// and nodules are lung in the truth).
enum class PatchAnchor { kLesion, kLung, kAnywhere };
struct PatchMix {
  double lesion = 0;  // share centred on a lesion
  double lung = 0;    // share centred on a lung voxel; the rest anywhere
};
PatchMix SegmentationPatchMix(const std::string& stage, double lung_lesion_share);
// DRAW uniform in [0, 1): the anchor MIX gives it.
PatchAnchor DrawAnchor(const PatchMix& mix, double draw);

// A voxel of MASK (D, H, W) != 0 drawn uniformly; false when the mask is empty.
bool RandomVoxel(const torch::Tensor& mask, std::mt19937_64& rng, Dhw* out);

// The voxels of one mask, found once, so that drawing a patch centre costs nothing: a
// segmentation step used to search the whole case (millions of voxels) for every patch.
class VoxelSampler {
 public:
  VoxelSampler() = default;
  // Every voxel of MASK (D, H, W) != 0, and each label's voxels separately when BY_LABEL.
  VoxelSampler(const torch::Tensor& mask, bool by_label);
  bool empty() const { return count_ == 0; }
  std::size_t labels() const { return by_label_.size(); }
  // Uniform over all voxels.
  bool Any(std::mt19937_64& rng, Dhw* out) const;
  // A label drawn uniformly, then one of its voxels: a small lesion is drawn as often as a lobe.
  bool AnyLabel(std::mt19937_64& rng, Dhw* out) const;

 private:
  Dhw Unflatten(std::int64_t flat) const;
  std::int64_t count_ = 0;
  Dhw size_{0, 0, 0};
  torch::Tensor all_;                    // flat indices, int64
  std::vector<torch::Tensor> by_label_;  // flat indices of each label
};

struct LesionSample {
  int case_index = 0;
  int id = 0;
  bool covid = false;
  Dhw min_dhw{0, 0, 0};
  Dhw max_dhw{0, 0, 0};  // inclusive
  bool found = false;    // a component of CaseTensors::found, not a truth lesion
};
std::vector<LesionSample> FindLesions(const CaseTensors& t, const TrainingCase& c, int index);

// The components of T.found (the lesion model's findings on a training case), each labelled
// by the truth lesion it overlaps most: COVID-19-like when that lesion is; other when it is
// another disease's or when it overlaps no truth lesion at all (a false finding, *false_finding
// set). FALSE_FINDING gets one entry per returned sample.
std::vector<LesionSample> FoundLesions(const CaseTensors& t, const TrainingCase& c, int index,
                                       std::vector<bool>* false_finding);

// The classifier's two-channel input for a lesion (truth or found), cut by SPEC's crop rule as
// inference::Screener's Classify cuts it (inference/nn/lesion_crop.h), with a jittered margin or
// field of view, a shift of up to 2 voxels and a random left-right flip when RNG is given.
// (1, 2, d, h, w).
torch::Tensor LesionCrop(const CaseTensors& t, const LesionSample& s,
                         const inference::StageSpec& spec, const Dhw& out_dhw,
                         std::mt19937_64* rng);

}  // namespace ctscreen::training
