// Training losses. Internal: torch types.
#pragma once

#include <torch/torch.h>

namespace ctscreen::training {

// Cross-entropy plus (1 - soft Dice of the foreground), the Dice taken per patch and averaged
// over the patches of the batch that hold foreground. LOGITS (N, 2, D, H, W), TARGET
// (N, D, H, W) long 0/1. A batch without any foreground is scored by the cross-entropy alone.
torch::Tensor SegmentationLoss(const torch::Tensor& logits, const torch::Tensor& target);

}  // namespace ctscreen::training
