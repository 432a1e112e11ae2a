#include "losses.h"

namespace ctscreen::training {

// Why per patch: a Dice pooled over the batch let a lobe-sized opacity in one patch outweigh
// a 1 mL nodule in another a hundredfold, and the cross-entropy over 130 000 voxels a patch
// hardly sees the nodule either; trained so, the lesion model never found nodules or 4-8 mm
// opacities, not even on its own training cases. Patches without foreground are left to the
// cross-entropy: a Dice of nothing would punish one stray voxel as hard as a missed lobe.
torch::Tensor SegmentationLoss(const torch::Tensor& logits, const torch::Tensor& target) {
  torch::Tensor ce = torch::nn::functional::cross_entropy(logits, target);
  torch::Tensor p = torch::softmax(logits, 1).select(1, 1).flatten(1);
  torch::Tensor t = (target == 1).to(torch::kFloat).flatten(1);
  torch::Tensor t_sum = t.sum(1);
  torch::Tensor has = t_sum > 0;
  if (!has.any().item<bool>()) return ce;
  torch::Tensor dice = (2 * (p * t).sum(1) + 1) / (p.sum(1) + t_sum + 1);
  return ce + (1 - dice.index({has})).mean();
}

}  // namespace ctscreen::training
