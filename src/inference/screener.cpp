// The seed method's inference order: lungs first, lesions only in the lungs, then one
// classification per lesion, and the case decided from its lesions.
#include "ctscreen/inference/screener.h"

#include <ATen/Context.h>
#include <c10/core/StreamGuard.h>
#include <c10/core/impl/VirtualGuardImpl.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <optional>

#include "ctscreen/core/logging.h"
#include "ctscreen/inference/components.h"
#include "ctscreen/inference/device.h"
#include "ctscreen/inference/nn/lesion_crop.h"
#include "ctscreen/inference/nn/sliding_window.h"
#include "ctscreen/inference/nn/stage_model.h"
#include "ctscreen/inference/verdict.h"

namespace ctscreen::inference {
namespace {

using Clock = std::chrono::steady_clock;
using torch::indexing::Slice;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// A voxel grid margin around lungs: lesions at the pleura need their context in the patch.
constexpr int kLungCropMargin = 4;

// A lesion component with at least this share of its voxels in the lung mask is kept whole.
// Measured on validation phantoms (seed 3000, not the held-out set): true opacities had 2.5 % to
// 98 % inside (the lung model excludes dense ones), the large false findings on chest wall
// and mediastinum 0 to 1.8 % (docs/evaluation/README.md).
constexpr double kWholeLesionFraction = 0.02;

torch::Tensor Window(const torch::Tensor& hu, const std::array<double, 2>& window) {
  return ((hu - window[0]) / (window[1] - window[0])).clamp(0.0, 1.0);
}

nn::SlidingWindowOptions WindowOptions(const StageSpec& stage) {
  nn::SlidingWindowOptions o;
  o.patch_dhw = {stage.patch_size_xyz[2], stage.patch_size_xyz[1], stage.patch_size_xyz[0]};
  o.overlap = stage.overlap;
  o.batch_size = stage.batch_size;
  return o;
}

// The foreground probability of logits (1, K, D, H, W): a single output channel is a sigmoid
// logit, otherwise one minus the background's softmax.
torch::Tensor ForegroundProbability(const torch::Tensor& logits) {
  const torch::Tensor l = logits[0].to(torch::kFloat);
  if (l.size(0) == 1) return torch::sigmoid(l[0]);
  if (l.size(0) == 2) return torch::sigmoid(l[1] - l[0]);
  return 1 - torch::softmax(l, 0)[0];
}

// Foreground (D, H, W) uint8 on the CPU: where that probability passes the stage's THRESHOLD.
torch::Tensor Foreground(const torch::Tensor& logits, double threshold) {
  // One or two classes, the stages' case, compare logits against the threshold's logit instead
  // of taking a sigmoid: the same voxels (0.5 is the argmax, a tie background either way) in
  // a hundredth of the time (0.8 s of the lung stage on a chest CT). More classes at 0.5 keep
  // the argmax, any class but background.
  const double margin = std::log(threshold / (1 - threshold));
  torch::Tensor fg = logits.size(1) == 1   ? logits[0][0] > margin
                     : logits.size(1) == 2 ? logits[0][1] - logits[0][0] > margin
                     : threshold == 0.5    ? logits[0].argmax(0) != 0
                                           : ForegroundProbability(logits) > threshold;
  return fg.to(torch::kCPU, torch::kUInt8).contiguous();
}

void CopyInto(const torch::Tensor& t, std::vector<std::uint8_t>* out) {
  out->resize(static_cast<std::size_t>(t.numel()));
  std::memcpy(out->data(), t.data_ptr<std::uint8_t>(), out->size());
}

double VolumeMl(const Mask& mask) {
  std::int64_t voxels = 0;
  for (std::uint8_t v : mask.voxels) voxels += v;
  return voxels * mask.VoxelVolumeMl();
}

struct Box {
  std::array<int, 3> lo, hi;  // x, y, z; hi exclusive
};

Box Grow(const std::array<int, 3>& min_xyz, const std::array<int, 3>& max_xyz,
         const std::array<int, 3>& margin, const std::array<int, 3>& size) {
  Box b;
  for (int a = 0; a < 3; ++a) {
    b.lo[a] = std::max(0, min_xyz[a] - margin[a]);
    b.hi[a] = std::min(size[a], max_xyz[a] + 1 + margin[a]);
  }
  return b;
}

// A mask as a float tensor (1, 1, D, H, W) of 0 and 1 on DEVICE.
torch::Tensor MaskTensor(const Mask& mask, const torch::Device& device) {
  return torch::from_blob(const_cast<std::uint8_t*>(mask.voxels.data()),
                          {1, 1, mask.size_xyz[2], mask.size_xyz[1], mask.size_xyz[0]},
                          torch::kUInt8)
      .to(device)
      .to(torch::kFloat);
}

// (1, 1, D, H, W) tensor restricted to BOX.
torch::Tensor Crop(const torch::Tensor& t, const Box& b) {
  return t.index({Slice(), Slice(), Slice(b.lo[2], b.hi[2]), Slice(b.lo[1], b.hi[1]),
                  Slice(b.lo[0], b.hi[0])});
}

}  // namespace

struct Screener::Impl {
  std::filesystem::path dir;
  Manifest manifest;
  Device device;
  torch::Device torch_device{torch::kCPU};
  // CUDA: this screener's own stream, so that two screeners on one GPU (two workers) overlap.
  std::optional<c10::Stream> stream;
  Precision precision = Precision::kFp32;
  std::unique_ptr<nn::StageModel> lung;
  std::unique_ptr<nn::StageModel> lesion;
  std::unique_ptr<nn::StageModel> classifier;
  bool keep_lesion_probability = false;

  core::Status CheckInput(const Volume& ct) const;
  Mask SegmentLungs(const torch::Tensor& hu, const Volume& ct);
  // PROBABILITY, when not null, receives the lesion model's map on the lungs' grid.
  LabelMap SegmentLesions(const torch::Tensor& hu, const Mask& lungs,
                          std::vector<Component>* lesions, Volume* probability);
  std::vector<double> Classify(const torch::Tensor& hu, const LabelMap& lesion_map,
                               const std::vector<Component>& lesions);
};

Screener::Screener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Screener::~Screener() = default;

const Manifest& Screener::manifest() const {
  return impl_->manifest;
}

core::Result<std::unique_ptr<Screener>> Screener::Create(const std::filesystem::path& bundle_dir,
                                                         const ScreenerOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->dir = bundle_dir;
  core::Result<Manifest> manifest = ReadManifest(bundle_dir);
  if (!manifest.ok()) return manifest.status();
  impl->manifest = std::move(*manifest);
  impl->keep_lesion_probability = options.keep_lesion_probability;
  core::Result<Device> device = ParseDevice(options.device);
  if (!device.ok()) return device.status();
  core::Status available = CheckDeviceAvailable(*device);
  if (!available.ok()) return available;
  impl->device = *device;
  core::Result<Precision> precision =
      ResolvePrecision(options.precision, impl->manifest.precision, device->is_cuda());
  if (!precision.ok()) return precision.status();
  impl->precision = *precision;
  if (device->is_cuda()) {
    impl->torch_device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(device->index));
    // Through the device-generic interface: this file also builds against a CPU-only LibTorch.
    impl->stream = c10::impl::VirtualGuardImpl(c10::DeviceType::CUDA)
                       .getStreamFromGlobalPool(impl->torch_device);
  }
  const Manifest& m = impl->manifest;
  std::unique_ptr<nn::StageModel>* slots[] = {&impl->lung, &impl->lesion, &impl->classifier};
  const StageSpec* stages[] = {&m.lung, &m.lesion, &m.classifier};
  const int stage_count = options.stages == ScreenerStages::kAll            ? 3
                          : options.stages == ScreenerStages::kSegmentation ? 2
                                                                            : 1;
  for (int i = 0; i < stage_count; ++i) {
    auto model = nn::LoadStageModel(bundle_dir, *stages[i], impl->torch_device, *precision);
    if (!model.ok()) return model.status();
    *slots[i] = std::move(*model);
  }
  core::Log("inference")
      ->info("bundle {} {} loaded on {} ({})", m.name, m.version, device->ToString(),
             PrecisionName(*precision));
  return std::unique_ptr<Screener>(new Screener(std::move(impl)));
}

core::Status Screener::Impl::CheckInput(const Volume& ct) const {
  for (int a = 0; a < 3; ++a) {
    if (ct.size_xyz[a] <= 0) {
      return core::Status(core::ErrorCode::kInvalidArgument, "volume has an empty dimension");
    }
  }
  if (ct.voxels.size() != ct.NumVoxels()) {
    return core::Status(core::ErrorCode::kInvalidArgument,
                        "volume holds " + std::to_string(ct.voxels.size()) + " voxels, its size " +
                            "says " + std::to_string(ct.NumVoxels()));
  }
  const auto& want = manifest.model_spacing_xyz();
  for (int a = 0; a < 3; ++a) {
    // 1%: resampling writes the target spacing, up to rounding.
    if (std::abs(ct.spacing_xyz[a] - want[a]) > 0.01 * want[a]) {
      return core::Status(core::ErrorCode::kInvalidArgument,
                          "volume spacing (" + std::to_string(ct.spacing_xyz[0]) + ", " +
                              std::to_string(ct.spacing_xyz[1]) + ", " +
                              std::to_string(ct.spacing_xyz[2]) + ") mm differs from the " +
                              "bundle's model grid, its lesion stage's spacing (" +
                              std::to_string(want[0]) + ", " + std::to_string(want[1]) + ", " +
                              std::to_string(want[2]) + ") mm: resample first");
    }
  }
  return core::Status::Ok();
}

Mask Screener::Impl::SegmentLungs(const torch::Tensor& hu, const Volume& ct) {
  namespace F = torch::nn::functional;
  const StageSpec& s = manifest.lung;
  // Lungs are large: their stage may run on a coarser grid than the lesions' (the manifest
  // allows coarser, never finer). That grid covers the same box: SIZE voxels of the spacing
  // that fits the extent, which is the manifest's up to rounding.
  std::array<std::int64_t, 3> size_xyz{};
  bool same = true;
  for (int a = 0; a < 3; ++a) {
    const double extent = ct.size_xyz[a] * ct.spacing_xyz[a];
    size_xyz[a] = std::max(1L, std::lround(extent / s.input_spacing_xyz[a]));
    same = same && size_xyz[a] == ct.size_xyz[a];
  }
  auto resize = [](const torch::Tensor& t, std::vector<std::int64_t> dhw) {
    return F::interpolate(t, F::InterpolateFuncOptions()
                                 .size(std::move(dhw))
                                 .mode(torch::kTrilinear)
                                 .align_corners(false));
  };
  torch::Tensor logits = nn::SlidingWindowInference(
      Window(same ? hu : resize(hu, {size_xyz[2], size_xyz[1], size_xyz[0]}), s.window),
      [&](const torch::Tensor& x) { return lung->Forward(x); }, WindowOptions(s));
  // Back onto the model grid before anything is decided: the logits, resized trilinearly like
  // the CT above, give a boundary as fine as the lesions' grid, where a mask carried over
  // voxel by voxel gave the coarse grid's steps (held-out lung Dice 0.947 against 0.942 with a
  // lung model at 3 mm).
  if (!same) logits = resize(logits, {ct.size_xyz[2], ct.size_xyz[1], ct.size_xyz[0]});
  Mask raw = LikeGrid<std::uint8_t>(ct);
  CopyInto(Foreground(logits, s.foreground_threshold), &raw.voxels);
  // Lungs are inside the body. The lung model normalises each patch, and a patch of nothing
  // but air outside a patient (a wide field of view without a circular reconstruction
  // border) becomes noise it took for lung: as one large component it then displaced a
  // whole lung below.
  const Mask body = BodyMask(ct);
  for (std::size_t i = 0; i < raw.voxels.size(); ++i) raw.voxels[i] &= body.voxels[i];
  // Two lungs, possibly joined at the carina; fragments under a tenth of the largest are
  // misclassified gas (bowel, trachea outside the chest). What they enclose in a slice
  // (vessels, solid nodules the model left out) is lung, as a lung mask means.
  return FillAxialHoles(KeepLargestComponents(raw, 2, 0.1));
}

LabelMap Screener::Impl::SegmentLesions(const torch::Tensor& hu, const Mask& lungs,
                                        std::vector<Component>* lesions, Volume* probability) {
  const StageSpec& s = manifest.lesion;
  std::array<int, 3> lo = lungs.size_xyz, hi{-1, -1, -1};
  for (int z = 0; z < lungs.size_xyz[2]; ++z) {
    for (int y = 0; y < lungs.size_xyz[1]; ++y) {
      for (int x = 0; x < lungs.size_xyz[0]; ++x) {
        if (!lungs.at(x, y, z)) continue;
        const int p[3] = {x, y, z};
        for (int a = 0; a < 3; ++a) {
          lo[a] = std::min(lo[a], p[a]);
          hi[a] = std::max(hi[a], p[a]);
        }
      }
    }
  }
  const int m = kLungCropMargin;
  const Box box = Grow(lo, hi, {m, m, m}, lungs.size_xyz);
  torch::Tensor input = Window(Crop(hu, box), s.window);
  if (s.params.in_channels == 2) {
    // The lung mask as a second channel: the lungs' stage sees the whole chest, a lesion
    // patch does not, and a consolidation that fills the patch looks like the heart there.
    input = torch::cat({input, Crop(MaskTensor(lungs, hu.device()), box)}, 1);
  }
  torch::Tensor logits = nn::SlidingWindowInference(
      input, [&](const torch::Tensor& x) { return lesion->Forward(x); }, WindowOptions(s));
  torch::Tensor fg = Foreground(logits, s.foreground_threshold);
  const std::uint8_t* crop = fg.data_ptr<std::uint8_t>();
  const int cx = box.hi[0] - box.lo[0], cy = box.hi[1] - box.lo[1];
  if (probability) {
    *probability = LikeGrid<float>(lungs);
    const torch::Tensor p = ForegroundProbability(logits).to(torch::kCPU).contiguous();
    const float* v = p.data_ptr<float>();
    for (int z = box.lo[2]; z < box.hi[2]; ++z) {
      for (int y = box.lo[1]; y < box.hi[1]; ++y) {
        std::memcpy(&probability->at(box.lo[0], y, z),
                    v + (static_cast<std::size_t>(z - box.lo[2]) * cy + (y - box.lo[1])) * cx,
                    cx * sizeof(float));
      }
    }
  }

  // Only lung disease goes on (the seed method): LesionsInLungs keeps an opacity whole when a
  // fair part of it is in the lungs (a lung model may leave its denser part out), and only the
  // part inside the lungs of what merely borders them (chest wall, mediastinum). LUNGS hold
  // what they enclose (SegmentLungs): a solid nodule counts as inside.
  // Components are found within the lung box (a quarter of a chest CT's voxels), then placed.
  Mask boxed, boxed_lungs;
  boxed.size_xyz = {cx, cy, box.hi[2] - box.lo[2]};
  boxed.spacing_xyz = lungs.spacing_xyz;
  boxed_lungs = boxed;
  boxed.voxels.assign(crop, crop + boxed.NumVoxels());  // Foreground is 0/1 already
  boxed_lungs.voxels.resize(boxed.NumVoxels());
  for (int z = box.lo[2]; z < box.hi[2]; ++z) {
    for (int y = box.lo[1]; y < box.hi[1]; ++y) {
      for (int x = box.lo[0]; x < box.hi[0]; ++x) {
        boxed_lungs.at(x - box.lo[0], y - box.lo[1], z - box.lo[2]) = lungs.at(x, y, z);
      }
    }
  }
  std::vector<Component> found;
  const LabelMap found_labels = LabelComponents(boxed, 1, &found);
  const Mask in_lungs = LesionsInLungs(found_labels, found, boxed_lungs, kWholeLesionFraction);
  const auto min_voxels =
      static_cast<std::int64_t>(std::ceil(manifest.min_lesion_volume_ml / lungs.VoxelVolumeMl()));
  LabelMap boxed_labels = LabelComponents(in_lungs, min_voxels, lesions);
  LabelMap labels = LikeGrid<std::uint16_t>(lungs);
  for (int z = box.lo[2]; z < box.hi[2]; ++z) {
    for (int y = box.lo[1]; y < box.hi[1]; ++y) {
      for (int x = box.lo[0]; x < box.hi[0]; ++x) {
        labels.at(x, y, z) = boxed_labels.at(x - box.lo[0], y - box.lo[1], z - box.lo[2]);
      }
    }
  }
  for (Component& c : *lesions) {
    for (int a = 0; a < 3; ++a) {
      c.min_xyz[a] += box.lo[a];
      c.max_xyz[a] += box.lo[a];
      c.centroid_xyz[a] += box.lo[a];
    }
  }
  return labels;
}

std::vector<double> Screener::Impl::Classify(const torch::Tensor& hu, const LabelMap& lesion_map,
                                             const std::vector<Component>& lesions) {
  const StageSpec& s = manifest.classifier;
  const nn::Dhw out_dhw{s.patch_size_xyz[2], s.patch_size_xyz[1], s.patch_size_xyz[0]};
  std::int64_t covid = 0;
  for (std::size_t c = 0; c < s.output_classes.size(); ++c) {
    if (s.output_classes[c] == "covid19_like") covid = static_cast<std::int64_t>(c);
  }
  // Uploaded as 16 bits and widened on the device: the crops are cut next to the CT's.
  torch::Tensor labels =
      torch::from_blob(
          const_cast<std::uint16_t*>(lesion_map.voxels.data()),
          {1, 1, lesion_map.size_xyz[2], lesion_map.size_xyz[1], lesion_map.size_xyz[0]},
          torch::kInt16)  // torch 1.13 has no uint16: reinterpret, then unwrap
          .to(hu.device())
          .to(torch::kInt32)
          .bitwise_and(0xFFFF);
  torch::Tensor windowed = Window(hu, s.window);

  const nn::Dhw size{lesion_map.size_xyz[2], lesion_map.size_xyz[1], lesion_map.size_xyz[0]};
  std::vector<torch::Tensor> crops;
  for (const Component& c : lesions) {
    const nn::CropBox box =
        nn::ClassifierCropBox(s.crop, {c.min_xyz[2], c.min_xyz[1], c.min_xyz[0]},
                              {c.max_xyz[2], c.max_xyz[1], c.max_xyz[0]}, size, out_dhw);
    crops.push_back(
        nn::CutLesionCrop(windowed, (labels == c.label).to(torch::kFloat), box, out_dhw));
  }
  std::vector<double> probabilities;
  const auto batch = static_cast<std::size_t>(s.batch_size);
  for (std::size_t first = 0; first < crops.size(); first += batch) {
    std::vector<torch::Tensor> group(crops.begin() + first,
                                     crops.begin() + std::min(crops.size(), first + batch));
    torch::Tensor p = torch::softmax(classifier->Forward(torch::cat(group, 0)), 1)
                          .index({Slice(), covid})
                          .to(torch::kCPU, torch::kDouble)
                          .contiguous();
    for (std::int64_t i = 0; i < p.size(0); ++i) probabilities.push_back(p[i].item<double>());
  }
  return probabilities;
}

core::Result<Screening> Screener::Run(const Volume& ct) {
  Impl& impl = *impl_;
  const Manifest& m = impl.manifest;
  core::Status input = impl.CheckInput(ct);
  if (!input.ok()) return input;
  const Clock::time_point start = Clock::now();
  Screening result;
  result.device = impl.device.ToString();
  result.precision = PrecisionName(impl.precision);
  result.threshold = m.threshold;
  try {
    c10::InferenceMode guard;
    std::optional<c10::StreamGuard> on_stream;
    if (impl.stream) on_stream.emplace(*impl.stream);
    torch::Tensor hu =
        torch::from_blob(const_cast<float*>(ct.voxels.data()),
                         {1, 1, ct.size_xyz[2], ct.size_xyz[1], ct.size_xyz[0]}, torch::kFloat)
            .to(impl.torch_device);

    Clock::time_point t = Clock::now();
    result.lung_mask = impl.SegmentLungs(hu, ct);
    result.lung_volume_ml = VolumeMl(result.lung_mask);
    result.timings_ms.lung_seg = MsSince(t);

    std::vector<Component> components;
    result.lesion_map = LikeGrid<std::uint16_t>(ct);
    if (impl.lesion && result.lung_volume_ml >= m.min_lung_volume_ml) {
      t = Clock::now();
      result.lesion_map =
          impl.SegmentLesions(hu, result.lung_mask, &components,
                              impl.keep_lesion_probability ? &result.lesion_probability : nullptr);
      // Diseased lung is lung: the mask the radiologist sees holds the lesions, and what lungs
      // and lesions enclose together, as the seed method's lung masks did.
      for (std::size_t i = 0; i < result.lung_mask.voxels.size(); ++i) {
        if (result.lesion_map.voxels[i]) result.lung_mask.voxels[i] = 1;
      }
      result.lung_mask = FillAxialHoles(result.lung_mask);
      result.lung_volume_ml = VolumeMl(result.lung_mask);
      result.timings_ms.lesion_seg = MsSince(t);
      t = Clock::now();
      std::vector<double> probabilities(components.size(), 0.0);
      if (impl.classifier) probabilities = impl.Classify(hu, result.lesion_map, components);
      result.timings_ms.classify = MsSince(t);
      for (std::size_t i = 0; i < components.size(); ++i) {
        Lesion lesion;
        lesion.id = components[i].label;
        lesion.probability = probabilities[i];
        lesion.lesion_class =
            probabilities[i] >= m.threshold ? LesionClass::kCovid19Like : LesionClass::kOther;
        lesion.volume_ml = components[i].voxels * ct.VoxelVolumeMl();
        lesion.centroid_xyz = components[i].centroid_xyz;
        result.lesions.push_back(lesion);
      }
    }
  } catch (const std::exception& e) {
    std::string what = e.what();
    return core::Status(
        core::ErrorCode::kInternal,
        "inference on " + impl.device.ToString() + " failed: " + what.substr(0, what.find('\n')));
  }

  std::vector<double> probabilities, volumes;
  for (const Lesion& l : result.lesions) {
    probabilities.push_back(l.probability);
    volumes.push_back(l.volume_ml);
  }
  result.probability = CombineLesionProbabilities(probabilities, m.combine);
  VerdictDecision decision =
      DecideVerdict(result.lung_volume_ml, volumes, result.probability,
                    VerdictRules{m.min_lung_volume_ml, m.min_lesion_volume_ml, m.threshold});
  result.verdict = decision.verdict;
  result.reason = decision.reason;
  result.timings_ms.total = MsSince(start);
  core::Log("inference")
      ->info("screened on {}: {} (p={:.3f}), {} lesion(s), lungs {:.0f} mL, {:.0f} ms",
             result.device, VerdictName(result.verdict), result.probability, result.lesions.size(),
             result.lung_volume_ml, result.timings_ms.total);
  return result;
}

}  // namespace ctscreen::inference
