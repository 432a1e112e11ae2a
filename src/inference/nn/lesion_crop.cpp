#include "ctscreen/inference/nn/lesion_crop.h"

#include <algorithm>
#include <cmath>

#include "ctscreen/inference/nn/resize.h"

namespace ctscreen::inference::nn {
namespace {

using torch::indexing::Slice;

CropBox LesionBox(const Dhw& min_dhw, const Dhw& max_dhw, const Dhw& size_dhw,
                  const CropJitter& jitter) {
  CropBox b;
  for (int a = 0; a < 3; ++a) {
    const std::int64_t extent = max_dhw[a] - min_dhw[a] + 1;
    std::int64_t margin = std::max<std::int64_t>(4, extent / 4);
    if (jitter.context != 1.0) margin = std::llround(margin * jitter.context);
    const std::int64_t n = size_dhw[a];
    b.lo[a] = std::clamp<std::int64_t>(min_dhw[a] - margin + jitter.shift[a], 0, n - 1);
    b.hi[a] = std::clamp<std::int64_t>(max_dhw[a] + 1 + margin + jitter.shift[a], b.lo[a] + 1, n);
  }
  return b;
}

CropBox AtScaleBox(const Dhw& min_dhw, const Dhw& max_dhw, const Dhw& patch_dhw,
                   const CropJitter& jitter) {
  // One zoom for all axes, so the lesion's shape is kept when it has to be shrunk.
  double zoom = 1.0;
  for (int a = 0; a < 3; ++a) {
    const std::int64_t extent = max_dhw[a] - min_dhw[a] + 1;
    const std::int64_t need = extent + 2 * std::max<std::int64_t>(2, extent / 4);
    zoom = std::max(zoom, static_cast<double>(need) / static_cast<double>(patch_dhw[a]));
  }
  zoom *= jitter.context;
  CropBox b;
  for (int a = 0; a < 3; ++a) {
    const auto size = std::max<std::int64_t>(1, std::llround(patch_dhw[a] * zoom));
    // Twice the centre, in voxels, so that odd and even extents centre alike.
    const std::int64_t centre2 = min_dhw[a] + max_dhw[a] + 1 + 2 * jitter.shift[a];
    b.lo[a] = static_cast<std::int64_t>(std::floor(static_cast<double>(centre2 - size) / 2));
    b.hi[a] = b.lo[a] + size;
  }
  return b;
}

// T (1, 1, D, H, W) over BOX, zero outside the volume.
torch::Tensor CutPadded(const torch::Tensor& t, const CropBox& box) {
  Dhw lo, hi;
  std::vector<std::int64_t> pad(6);  // W, H, D pairs, as torch's pad reads them
  for (int a = 0; a < 3; ++a) {
    const std::int64_t n = t.size(2 + a);
    lo[a] = std::clamp<std::int64_t>(box.lo[a], 0, n);
    hi[a] = std::clamp<std::int64_t>(box.hi[a], lo[a], n);
    pad[2 * (2 - a)] = lo[a] - box.lo[a];
    pad[2 * (2 - a) + 1] = box.hi[a] - hi[a];
  }
  torch::Tensor inside =
      t.index({Slice(), Slice(), Slice(lo[0], hi[0]), Slice(lo[1], hi[1]), Slice(lo[2], hi[2])});
  if (std::all_of(pad.begin(), pad.end(), [](std::int64_t p) { return p == 0; })) return inside;
  return torch::constant_pad_nd(inside, pad, 0.0);
}

}  // namespace

CropBox ClassifierCropBox(CropRule rule, const Dhw& min_dhw, const Dhw& max_dhw,
                          const Dhw& size_dhw, const Dhw& patch_dhw, const CropJitter& jitter) {
  return rule == CropRule::kAtScale ? AtScaleBox(min_dhw, max_dhw, patch_dhw, jitter)
                                    : LesionBox(min_dhw, max_dhw, size_dhw, jitter);
}

torch::Tensor CutLesionCrop(const torch::Tensor& windowed, const torch::Tensor& mask,
                            const CropBox& box, const Dhw& patch_dhw) {
  namespace F = torch::nn::functional;
  const std::vector<std::int64_t> out(patch_dhw.begin(), patch_dhw.end());
  torch::Tensor ct = F::interpolate(
      CutPadded(windowed, box),
      F::InterpolateFuncOptions().size(out).mode(torch::kTrilinear).align_corners(false));
  // The mask on the voxels of the CT channel (torch's `nearest` would shift it towards the
  // origin; resize.h).
  return torch::cat({ct, ResizeNearest(CutPadded(mask, box), out)}, 1);
}

}  // namespace ctscreen::inference::nn
