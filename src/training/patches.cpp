#include "patches.h"

#include <algorithm>
#include <cmath>

#include "ctscreen/inference/nn/lesion_crop.h"
#include "ctscreen/inference/nn/resize.h"

namespace ctscreen::training {
namespace {

namespace F = torch::nn::functional;
using torch::indexing::Slice;

double Uniform(std::mt19937_64& rng, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}

}  // namespace

CaseTensors ToTensors(const TrainingCase& c) {
  const auto& s = c.hu.size_xyz;
  CaseTensors t;
  t.hu =
      torch::from_blob(const_cast<float*>(c.hu.voxels.data()), {1, s[2], s[1], s[0]}, torch::kFloat)
          .clone();
  t.lungs = torch::from_blob(const_cast<std::uint8_t*>(c.lungs.voxels.data()), {s[2], s[1], s[0]},
                             torch::kUInt8)
                .clone();
  t.lesions = torch::from_blob(const_cast<std::uint8_t*>(c.lesions.voxels.data()),
                               {s[2], s[1], s[0]}, torch::kUInt8)
                  .clone();
  return t;
}

torch::Tensor ApplyWindow(const torch::Tensor& hu, const std::array<double, 2>& window) {
  return ((hu - window[0]) / (window[1] - window[0])).clamp(0.0, 1.0);
}

torch::Tensor ExtractBox(const torch::Tensor& t, const Dhw& lo, const Dhw& size, double pad) {
  torch::Tensor inside = t;
  std::vector<std::int64_t> padding(6, 0);  // F::pad order: W low, W high, H low, H high, D...
  for (int a = 0; a < 3; ++a) {
    const std::int64_t n = t.size(a + 1);
    const std::int64_t b = std::clamp<std::int64_t>(lo[a], 0, n);
    const std::int64_t e = std::max(b, std::clamp<std::int64_t>(lo[a] + size[a], 0, n));
    inside = inside.narrow(a + 1, b, e - b);
    padding[2 * (2 - a)] = b - lo[a];
    padding[2 * (2 - a) + 1] = lo[a] + size[a] - e;
  }
  if (std::all_of(padding.begin(), padding.end(), [](std::int64_t p) { return p == 0; })) {
    return inside;
  }
  return F::pad(inside, F::PadFuncOptions(padding).mode(torch::kConstant).value(pad));
}

std::pair<torch::Tensor, torch::Tensor> SegmentationPatch(const torch::Tensor& image,
                                                          const torch::Tensor& label,
                                                          const Dhw& center, const Dhw& patch,
                                                          std::mt19937_64& rng) {
  const double zoom = Uniform(rng, 0.85, 1.15);
  Dhw size, lo;
  for (int a = 0; a < 3; ++a) {
    size[a] = std::max<std::int64_t>(4, std::llround(patch[a] * zoom));
    // The centre voxel lands anywhere in the middle half of the patch: the shift.
    const auto offset = static_cast<std::int64_t>(Uniform(rng, 0.25, 0.75) * size[a]);
    lo[a] = center[a] - offset;
  }
  torch::Tensor x = ExtractBox(image, lo, size, 0.0).unsqueeze(0);
  torch::Tensor y = ExtractBox(label, lo, size, 0.0).unsqueeze(0);
  const std::vector<std::int64_t> out(patch.begin(), patch.end());
  x = F::interpolate(
      x, F::InterpolateFuncOptions().size(out).mode(torch::kTrilinear).align_corners(false));
  // Torch's `nearest` put labels up to a voxel towards the origin from this image, which
  // misplaced 4-8 mm opacities (two or three voxels here) against it (patches_test).
  y = inference::nn::ResizeNearest(y, out);
  // Left-right only: the body is near-symmetric that way, not head to foot or front to back.
  if (rng() % 2) {
    x = x.flip({4});
    y = y.flip({4});
  }
  return {x[0], y[0][0].to(torch::kLong)};
}

PatchMix SegmentationPatchMix(const std::string& stage, double lung_lesion_share) {
  if (stage == "lesion") return {0.67, 0.33};
  return {lung_lesion_share, (1 - lung_lesion_share) / 2};
}

PatchAnchor DrawAnchor(const PatchMix& mix, double draw) {
  if (draw < mix.lesion) return PatchAnchor::kLesion;
  if (draw < mix.lesion + mix.lung) return PatchAnchor::kLung;
  return PatchAnchor::kAnywhere;
}

bool RandomVoxel(const torch::Tensor& mask, std::mt19937_64& rng, Dhw* out) {
  torch::Tensor nz = mask.nonzero();
  if (nz.size(0) == 0) return false;
  const std::int64_t i = std::uniform_int_distribution<std::int64_t>(0, nz.size(0) - 1)(rng);
  for (int a = 0; a < 3; ++a) (*out)[a] = nz[i][a].item<std::int64_t>();
  return true;
}

VoxelSampler::VoxelSampler(const torch::Tensor& mask, bool by_label) {
  for (int a = 0; a < 3; ++a) size_[a] = mask.size(a);
  torch::Tensor flat = mask.reshape({-1});
  all_ = flat.nonzero().reshape({-1});
  count_ = all_.size(0);
  if (by_label && count_ > 0) {
    torch::Tensor values = flat.index({all_}).to(torch::kLong);
    torch::Tensor ids = std::get<0>(torch::_unique(values));
    for (std::int64_t k = 0; k < ids.size(0); ++k) {
      by_label_.push_back(all_.index({values == ids[k]}));
    }
  }
}

Dhw VoxelSampler::Unflatten(std::int64_t flat) const {
  return {flat / (size_[1] * size_[2]), (flat / size_[2]) % size_[1], flat % size_[2]};
}

bool VoxelSampler::Any(std::mt19937_64& rng, Dhw* out) const {
  if (count_ == 0) return false;
  const std::int64_t i = std::uniform_int_distribution<std::int64_t>(0, count_ - 1)(rng);
  *out = Unflatten(all_[i].item<std::int64_t>());
  return true;
}

bool VoxelSampler::AnyLabel(std::mt19937_64& rng, Dhw* out) const {
  if (by_label_.empty()) return Any(rng, out);
  const torch::Tensor& voxels = by_label_[rng() % by_label_.size()];
  const std::int64_t i = std::uniform_int_distribution<std::int64_t>(0, voxels.size(0) - 1)(rng);
  *out = Unflatten(voxels[i].item<std::int64_t>());
  return true;
}

// The box (D, H, W, inclusive) of the voxels NZ lists, as nonzero() gives them.
static void SetExtent(const torch::Tensor& nz, LesionSample* s) {
  torch::Tensor lo = std::get<0>(nz.min(0)), hi = std::get<0>(nz.max(0));
  for (int a = 0; a < 3; ++a) {
    s->min_dhw[a] = lo[a].item<std::int64_t>();
    s->max_dhw[a] = hi[a].item<std::int64_t>();
  }
}

std::vector<LesionSample> FindLesions(const CaseTensors& t, const TrainingCase& c, int index) {
  std::vector<LesionSample> out;
  for (const auto& [id, covid] : c.lesion_covid) {
    torch::Tensor nz = (t.lesions == id).nonzero();
    // Fewer than 2 voxels on the model grid: nothing a crop could show.
    if (nz.size(0) < 2) continue;
    LesionSample s;
    s.case_index = index;
    s.id = id;
    s.covid = covid;
    SetExtent(nz, &s);
    out.push_back(s);
  }
  return out;
}

std::vector<LesionSample> FoundLesions(const CaseTensors& t, const TrainingCase& c, int index,
                                       std::vector<bool>* false_finding) {
  std::vector<LesionSample> out;
  if (!t.found.defined()) return out;
  const torch::Tensor truth = t.lesions.to(torch::kInt32);
  const auto count = t.found.max().item<std::int32_t>();
  for (std::int32_t id = 1; id <= count; ++id) {
    const torch::Tensor inside = t.found == id;
    torch::Tensor nz = inside.nonzero();
    if (nz.size(0) < 2) continue;
    LesionSample s;
    s.case_index = index;
    s.id = id;
    s.found = true;
    SetExtent(nz, &s);
    // The truth lesion under most of the component's voxels.
    torch::Tensor under = truth.masked_select(inside);
    under = under.masked_select(under > 0);
    bool covid = false, none = under.numel() == 0;
    if (!none) {
      const int truth_id = std::get<0>(torch::mode(under.to(torch::kLong), 0)).item<int>();
      auto it = c.lesion_covid.find(truth_id);
      covid = it != c.lesion_covid.end() && it->second;
    }
    s.covid = covid;
    out.push_back(s);
    false_finding->push_back(none);
  }
  return out;
}

torch::Tensor LesionCrop(const CaseTensors& t, const LesionSample& s,
                         const inference::StageSpec& spec, const Dhw& out_dhw,
                         std::mt19937_64* rng) {
  inference::nn::CropJitter jitter;
  if (rng) {
    // Lesion boxes: a margin 0.8-1.3 times the pipeline's. At scale: a field of view 0.9-1.2
    // times the patch, a little zoom either way without losing the lesion's true size.
    jitter.context = spec.crop == inference::CropRule::kAtScale ? Uniform(*rng, 0.9, 1.2)
                                                                : Uniform(*rng, 0.8, 1.3);
    for (int a = 0; a < 3; ++a) {
      jitter.shift[a] = std::uniform_int_distribution<std::int64_t>(-2, 2)(*rng);
    }
  }
  const Dhw size{t.lesions.size(0), t.lesions.size(1), t.lesions.size(2)};
  const inference::nn::CropBox box =
      inference::nn::ClassifierCropBox(spec.crop, s.min_dhw, s.max_dhw, size, out_dhw, jitter);
  const torch::Tensor& labels = s.found ? t.found : t.lesions;
  torch::Tensor x = inference::nn::CutLesionCrop(
      ApplyWindow(t.hu, spec.window).unsqueeze(0),
      (labels == s.id).unsqueeze(0).unsqueeze(0).to(torch::kFloat), box, out_dhw);
  if (rng && (*rng)() % 2) x = x.flip({4});
  return x;
}

}  // namespace ctscreen::training
