// The training loop shared by the three stages: Adam, a fixed seed, one checkpoint per epoch
// (model, optimizer, epoch) so that --resume continues where a run stopped, a progress bar.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>

#include "ctscreen/core/durable_file.h"
#include "ctscreen/inference/nn/stage_model.h"
#include "ctscreen/inference/nn/unetpp3d.h"
#include "ctscreen/inference/screener.h"
#include "ctscreen/training/train.h"
#include "losses.h"
#include "patches.h"

namespace ctscreen::training {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

void DrawProgress(const std::string& stage, int epoch, int epochs, int step, int steps,
                  double loss) {
  constexpr int kWidth = 30;
  const int filled = steps ? step * kWidth / steps : kWidth;
  std::fprintf(stderr, "\r%-10s epoch %d/%d [%s%s] %d/%d loss %.4f ", stage.c_str(), epoch, epochs,
               std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(), step,
               steps, loss);
  std::fflush(stderr);
}

core::Result<inference::Manifest> BundleManifest(const TrainOptions& o) {
  if (fs::exists(fs::path(o.out_dir) / "manifest.json")) {
    return inference::ReadManifest(o.out_dir);
  }
  return o.manifest ? *o.manifest : DemoManifest();
}

inference::StageSpec& StageOf(inference::Manifest& m, const std::string& stage) {
  return stage == "lung" ? m.lung : stage == "lesion" ? m.lesion : m.classifier;
}

// Draws one batch and returns its loss (with the graph, for backward).
class BatchSource {
 public:
  virtual ~BatchSource() = default;
  virtual torch::Tensor Loss(std::mt19937_64& rng) = 0;
  // Called before each epoch's first step.
  virtual void StartEpoch() {}
};

class SegmentationSource : public BatchSource {
 public:
  SegmentationSource(const inference::StageSpec& spec, std::vector<CaseTensors> cases,
                     inference::nn::NativeNet* net, int batch, double lung_lesion_share)
      : spec_(spec),
        net_(net),
        batch_(batch),
        mix_(SegmentationPatchMix(spec.name, lung_lesion_share)) {
    for (CaseTensors& c : cases) {
      torch::Tensor label = spec.name == "lung" ? c.lungs : (c.lesions > 0).to(torch::kUInt8);
      torch::Tensor image = ApplyWindow(c.hu, spec.window);
      if (c.lung_context.defined()) {
        image = torch::cat({image, c.lung_context.unsqueeze(0).to(torch::kFloat)}, 0);
      }
      images_.push_back(image);
      c.hu = torch::Tensor();  // the windowed copy is all a patch needs; not both at the peak
      // uint8 until a patch is cut: a float copy took 4 bytes a voxel of every case held.
      labels_.push_back(label.unsqueeze(0).to(torch::kUInt8));
      lesions_.emplace_back(c.lesions, true);
      lungs_.emplace_back(c.lungs, false);
    }
    patch_ = {spec.patch_size_xyz[2], spec.patch_size_xyz[1], spec.patch_size_xyz[0]};
    if (spec.name == "lesion") {
      unetpp_ = std::dynamic_pointer_cast<inference::nn::UNetPlusPlus3dImpl>(net->module);
    }
  }

  torch::Tensor Loss(std::mt19937_64& rng) override {
    std::vector<torch::Tensor> xs, ys;
    for (int b = 0; b < batch_; ++b) {
      const std::size_t i = rng() % images_.size();
      Dhw center{0, 0, 0};
      // Centring a third or a quarter of the lung patches on lesions from scratch gave far
      // worse lung models in the same number of steps (lung Dice 0.69 on the held-out
      // phantoms, 0 on five; models/default/README.md). --lung-lesion-share fine-tunes a
      // trained one so instead (round 15 did, and was not shipped).
      const double draw = std::uniform_real_distribution<double>(0, 1)(rng);
      bool found = false;
      switch (DrawAnchor(mix_, draw)) {
        case PatchAnchor::kLesion:
          found = lesions_[i].AnyLabel(rng, &center);
          if (!found) found = lungs_[i].Any(rng, &center);
          break;
        case PatchAnchor::kLung:
          found = lungs_[i].Any(rng, &center);
          break;
        case PatchAnchor::kAnywhere:
          break;
      }
      if (!found) {
        for (int a = 0; a < 3; ++a) {
          center[a] =
              std::uniform_int_distribution<std::int64_t>(0, images_[i].size(a + 1) - 1)(rng);
        }
      }
      auto [x, y] = SegmentationPatch(images_[i], labels_[i], center, patch_, rng);
      xs.push_back(x);
      ys.push_back(y);
    }
    torch::Tensor x = torch::stack(xs), y = torch::stack(ys);
    if (unetpp_) {
      // Deep supervision: every head learns the full-resolution mask.
      std::vector<torch::Tensor> heads = unetpp_->ForwardHeads(x);
      torch::Tensor loss = torch::zeros({});
      for (const torch::Tensor& h : heads) loss = loss + SegmentationLoss(h, y);
      return loss / static_cast<double>(heads.size());
    }
    return SegmentationLoss(net_->forward(x), y);
  }

 private:
  inference::StageSpec spec_;
  inference::nn::NativeNet* net_;
  int batch_;
  PatchMix mix_;
  Dhw patch_;
  std::vector<torch::Tensor> images_, labels_;
  std::vector<VoxelSampler> lesions_, lungs_;
  std::shared_ptr<inference::nn::UNetPlusPlus3dImpl> unetpp_;
};

class ClassifierSource : public BatchSource {
 public:
  // FALSE_FINDING: one entry per lesion, true for the lesion model's findings on no truth
  // lesion (hard negatives).
  // HARD_SHARE: the share of negative draws taken from the hardest quarter of all negatives
  // (other diseases' lesions and false findings), rescored at the start of every epoch.
  ClassifierSource(const inference::StageSpec& spec, std::vector<CaseTensors> cases,
                   const std::vector<LesionSample>& lesions, const std::vector<bool>& false_finding,
                   inference::nn::NativeNet* net, double hard_share)
      : spec_(spec), cases_(std::move(cases)), net_(net), hard_share_(hard_share) {
    for (std::size_t k = 0; k < lesions.size(); ++k) {
      const LesionSample& s = lesions[k];
      (s.covid ? covid_ : false_finding[k] ? false_ : other_).push_back(s);
    }
    out_ = {spec.patch_size_xyz[2], spec.patch_size_xyz[1], spec.patch_size_xyz[0]};
  }

  void StartEpoch() override {
    if (hard_share_ > 0) RescoreNegatives();
  }

  torch::Tensor Loss(std::mt19937_64& rng) override {
    std::vector<torch::Tensor> xs;
    std::vector<std::int64_t> ys;
    const int batch = std::max(2, spec_.batch_size);
    for (int b = 0; b < batch; ++b) {
      // Balanced classes: COVID-19 cases bring several lesions each, the others one or two.
      // The negative half is split between other diseases' lesions and the lesion model's
      // false findings, when there are any: the verdict is the most COVID-19-like finding, so
      // a false finding called COVID-19-like makes a normal case positive.
      const std::vector<LesionSample>* pool = &covid_;
      if (covid_.empty() || b % 2 == 1) {
        pool = &other_;
        if (other_.empty() || (!false_.empty() && b % 4 == 3)) pool = &false_;
      }
      // The case verdict is its most COVID-19-like finding: the negatives that matter are the
      // ones the classifier currently scores highest, so part of the negative draws come from
      // those (online hard example mining).
      if (pool != &covid_ && !hard_.empty() &&
          std::uniform_real_distribution<double>(0, 1)(rng) < hard_share_) {
        pool = &hard_;
      }
      for (const std::vector<LesionSample>* any : {&other_, &false_, &covid_}) {
        if (pool->empty()) pool = any;  // a set with one class only (tests, tiny data)
      }
      const LesionSample& s = (*pool)[rng() % pool->size()];
      xs.push_back(LesionCrop(cases_[s.case_index], s, spec_, out_, &rng));
      ys.push_back(s.covid ? covid_index_ : 1 - covid_index_);
    }
    return torch::nn::functional::cross_entropy(net_->forward(torch::cat(xs, 0)),
                                                torch::tensor(ys, torch::kLong));
  }

  void SetCovidIndex(std::int64_t index) { covid_index_ = index; }
  const std::vector<double>& hardest_negative() const { return hardest_negative_; }

 private:
  // Scores every negative as the pipeline would (no jitter, eval mode) and keeps the hardest
  // quarter in hard_.
  void RescoreNegatives() {
    std::vector<const LesionSample*> negatives;
    for (const auto* pool : {&other_, &false_}) {
      for (const LesionSample& s : *pool) negatives.push_back(&s);
    }
    if (negatives.empty()) return;
    std::vector<std::pair<float, const LesionSample*>> scored;
    {
      torch::NoGradGuard no_grad;
      net_->module->eval();
      constexpr std::size_t kBatch = 32;
      for (std::size_t first = 0; first < negatives.size(); first += kBatch) {
        std::vector<torch::Tensor> xs;
        const std::size_t last = std::min(negatives.size(), first + kBatch);
        for (std::size_t k = first; k < last; ++k) {
          const LesionSample& s = *negatives[k];
          xs.push_back(LesionCrop(cases_[s.case_index], s, spec_, out_, nullptr));
        }
        const torch::Tensor p =
            torch::softmax(net_->forward(torch::cat(xs, 0)), 1).select(1, covid_index_);
        for (std::size_t k = first; k < last; ++k) {
          scored.emplace_back(p[static_cast<std::int64_t>(k - first)].item<float>(), negatives[k]);
        }
      }
      net_->module->train();
    }
    const std::size_t keep = std::max<std::size_t>(1, scored.size() / 4);
    std::partial_sort(scored.begin(), scored.begin() + keep, scored.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    hard_.clear();
    for (std::size_t k = 0; k < keep; ++k) hard_.push_back(*scored[k].second);
    hardest_negative_.push_back(scored.front().first);
  }

  inference::StageSpec spec_;
  std::vector<CaseTensors> cases_;
  inference::nn::NativeNet* net_;
  std::vector<LesionSample> covid_, other_, false_, hard_;
  Dhw out_;
  std::int64_t covid_index_ = 1;
  double hard_share_ = 0;
  std::vector<double> hardest_negative_;
};

// The bundle's lung and lesion stages, when both are trained: the classifier then also learns
// from what they find on the training cases, as it will see it at analysis.
std::unique_ptr<inference::Screener> SegmentationOf(const fs::path& out,
                                                    const inference::Manifest& m) {
  if (!inference::VerifyStageFile(out, m.lung).ok() ||
      !inference::VerifyStageFile(out, m.lesion).ok()) {
    return nullptr;
  }
  inference::ScreenerOptions options;
  options.stages = inference::ScreenerStages::kSegmentation;
  auto screener = inference::Screener::Create(out, options);
  return screener.ok() ? std::move(*screener) : nullptr;
}

// A lesion model that takes the lung mask as its second channel learns from the masks the
// bundle's own lung stage makes, as it will get them at analysis (the truth's lungs are
// cleaner than any model's). The lung stage must be trained first.
core::Result<std::unique_ptr<inference::Screener>> LungContextOf(const fs::path& out,
                                                                 const inference::Manifest& m) {
  if (core::Status st = inference::VerifyStageFile(out, m.lung); !st.ok()) {
    return core::Status(st.code(),
                        "the lesion stage takes the lung stage's mask as its second "
                        "channel (in_channels 2): train the lung stage into " +
                            out.string() + " first (" + st.reason() + ")");
  }
  inference::ScreenerOptions options;
  options.stages = inference::ScreenerStages::kLungs;
  return inference::Screener::Create(out, options);
}

// Mining runs the lung and lesion stages over every training case (7-25 s a case, 20 minutes
// for 80 cases at 1.5 mm), the same work for every classifier trained on the same segmentation.
// Its label maps are kept in the checkpoints under this key: a digest of everything in the
// manifest that decides what the segmentation finds (the two stages with their weights'
// sha256, the minimum volumes). kMiningRules names the analysis rules of Screener
// (docs/inference.md) and is raised when they change, so a stale map is never read back.
constexpr int kMiningRules = 1;

std::string MiningKey(const inference::Manifest& m) {
  inference::Manifest segmentation = m;
  segmentation.classifier = inference::StageSpec{};
  segmentation.threshold = 0.5;
  segmentation.name = segmentation.version = segmentation.description = "";
  const std::string text =
      inference::ManifestToJson(segmentation) + "rules " + std::to_string(kMiningRules);
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a: stable across builds, unlike std::hash
  for (unsigned char ch : text) h = (h ^ ch) * 1099511628211ull;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

// The weights of STAGE's namesake in another bundle, which must have the same architecture
// and the same widths: its file is checked against that bundle's manifest as a screener
// would. With the same parameters every tensor must fit. Where only the layers' kinds or the
// depth differ (a stem without norm or with more inputs, another norm, other heads, a level
// more or less), the tensors that still fit are taken and the rest start fresh, listed in
// FRESH; other widths are refused, never loaded in part.
core::Status InitFrom(const std::string& bundle_dir, const inference::StageSpec& stage,
                      inference::nn::NativeNet* net, std::vector<std::string>* fresh) {
  auto other = inference::ReadManifest(bundle_dir);
  if (!other.ok()) return other.status();
  const inference::StageSpec& from = StageOf(*other, stage.name);
  if (from.architecture != stage.architecture) {
    return core::Status(core::ErrorCode::kInvalidArgument,
                        bundle_dir + ": its " + stage.name + " stage is a different " +
                            "architecture (" + from.architecture + "); cannot start from it");
  }
  if (core::Status st = inference::VerifyStageFile(bundle_dir, from); !st.ok()) return st;
  const fs::path file = fs::path(bundle_dir) / from.file;
  const inference::ModelParams &a = from.params, &b = stage.params;
  const bool same_widths = a.base_width == b.base_width && a.max_width == b.max_width;
  // A level added to a U-Net or U-Net++ keeps the shallower one's levels under the same names
  // and shapes; the new ones learn on top of what those already know.
  const bool same_kinds = a.in_channels == b.in_channels && a.norm == b.norm &&
                          a.deep_supervision == b.deep_supervision && a.stem_norm == b.stem_norm &&
                          a.depth == b.depth;
  if (!same_widths || same_kinds) {
    // Every tensor's name and shape is checked by LoadNativeWeights.
    return inference::nn::LoadNativeWeights(file, net);
  }
  return inference::nn::LoadMatchingWeights(file, net, fresh);
}

// Cosine decay from LR at the first epoch to LR / 20 at the last, by epoch, so that a resumed
// run follows the same schedule as an uninterrupted one.
double EpochLr(double lr, int epoch, int epochs) {
  if (epochs <= 1) return lr;
  const double t = static_cast<double>(epoch) / (epochs - 1);
  return lr * (0.05 + 0.95 * 0.5 * (1 + std::cos(3.14159265358979323846 * t)));
}

core::Status WriteManifest(const inference::Manifest& m, const fs::path& dir) {
  return core::WriteFileDurably((dir / "manifest.json").string(), inference::ManifestToJson(m));
}

}  // namespace

core::Result<TrainReport> TrainStage(const TrainOptions& o) {
  if (o.stage != "lung" && o.stage != "lesion" && o.stage != "classifier") {
    return core::Status(core::ErrorCode::kInvalidArgument,
                        "stage '" + o.stage + "': choose lung, lesion or classifier");
  }
  if (o.epochs < 1 || o.steps_per_epoch < 1 || o.batch_size < 1 || !(o.lr > 0)) {
    return core::Status(core::ErrorCode::kInvalidArgument,
                        "epochs, steps per epoch, batch size and lr must be positive");
  }
  const auto start = Clock::now();
  const fs::path out(o.out_dir), ckpt = fs::path(o.out_dir) / "checkpoints";
  if (core::Status st = core::EnsureDirectory(ckpt.string()); !st.ok()) return st;
  auto manifest = BundleManifest(o);
  if (!manifest.ok()) return manifest.status();
  inference::StageSpec& spec = StageOf(*manifest, o.stage);

  auto case_dirs = FindCases(o.data_dir);
  if (!case_dirs.ok()) return case_dirs.status();
  if (o.max_cases > 0 && static_cast<int>(case_dirs->size()) > o.max_cases) {
    case_dirs->resize(o.max_cases);
  }
  TrainReport report;
  std::vector<CaseTensors> cases;
  std::vector<LesionSample> lesions;
  std::vector<bool> false_finding;
  std::unique_ptr<inference::Screener> segmenter;
  if (o.stage == "classifier") segmenter = SegmentationOf(out, *manifest);
  std::unique_ptr<inference::Screener> lung_context;
  if (o.stage == "lesion" && spec.params.in_channels == 2) {
    auto s = LungContextOf(out, *manifest);
    if (!s.ok()) return s.status();
    lung_context = std::move(*s);
  }
  const std::string mining_key = segmenter ? MiningKey(*manifest) : "";
  int found_lesions = 0, false_findings = 0;
  for (const std::string& dir : *case_dirs) {
    if (o.progress) {
      std::fprintf(stderr, "\rloading %zu/%zu %s ", cases.size() + 1, case_dirs->size(),
                   fs::path(dir).filename().c_str());
    }
    auto c = LoadTrainingCase(dir, spec.input_spacing_xyz);
    if (!c.ok()) return core::Status(c.status().code(), dir + ": " + c.status().reason());
    cases.push_back(ToTensors(*c));
    if (lung_context) {
      auto s = lung_context->Run(c->hu);
      if (!s.ok()) return core::Status(s.status().code(), dir + ": " + s.status().reason());
      const auto& g = s->lung_mask.size_xyz;
      cases.back().lung_context =
          torch::from_blob(s->lung_mask.voxels.data(), {g[2], g[1], g[0]}, torch::kUInt8).clone();
    }
    if (o.stage == "classifier") {
      const int index = static_cast<int>(cases.size()) - 1;
      std::vector<LesionSample> truth = FindLesions(cases.back(), *c, index);
      lesions.insert(lesions.end(), truth.begin(), truth.end());
      false_finding.resize(lesions.size(), false);
      if (segmenter) {
        const fs::path cached =
            ckpt / "found" / (fs::path(dir).filename().string() + "." + mining_key + ".pt");
        if (fs::exists(cached)) {
          torch::load(cases.back().found, cached.string());
        } else {
          auto s = segmenter->Run(c->hu);
          if (!s.ok()) return core::Status(s.status().code(), dir + ": " + s.status().reason());
          const auto& g = s->lesion_map.size_xyz;
          cases.back().found = torch::from_blob(s->lesion_map.voxels.data(), {g[2], g[1], g[0]},
                                                torch::kInt16)  // uint16 reinterpreted
                                   .to(torch::kInt32)
                                   .bitwise_and(0xFFFF);
          if (core::Status st = core::EnsureDirectory(cached.parent_path().string()); !st.ok()) {
            return st;
          }
          torch::save(cases.back().found, cached.string());
          ++report.cases_mined;
        }
        std::vector<LesionSample> found = FoundLesions(cases.back(), *c, index, &false_finding);
        found_lesions += static_cast<int>(found.size());
        for (std::size_t k = false_finding.size() - found.size(); k < false_finding.size(); ++k) {
          false_findings += false_finding[k];
        }
        lesions.insert(lesions.end(), found.begin(), found.end());
      }
    }
  }
  if (o.progress && o.stage == "classifier") {
    std::fprintf(stderr,
                 "\nclassifier samples: %zu truth lesions, %d found by the bundle's lesion stage "
                 "(%d of them false findings)%s",
                 lesions.size() - found_lesions, found_lesions, false_findings,
                 segmenter ? "" : "; lung/lesion stages not trained yet: truth lesions only");
  }
  if (o.progress) std::fputs("\n", stderr);
  report.cases = static_cast<int>(cases.size());
  report.samples = o.stage == "classifier" ? static_cast<int>(lesions.size()) : report.cases;
  if (o.stage == "classifier" && lesions.empty()) {
    return core::Status(core::ErrorCode::kInvalidArgument,
                        o.data_dir +
                            ": no lesions to train the classifier on; generate cases of "
                            "the covid, other_pneumonia and nodule classes");
  }

  torch::manual_seed(o.seed);
  auto net = inference::nn::BuildNativeNet(spec);
  if (!net.ok()) return net.status();
  if (!o.init_from.empty()) {
    if (core::Status st = InitFrom(o.init_from, spec, &*net, &report.fresh_tensors); !st.ok()) {
      return st;
    }
    if (o.progress && !report.fresh_tensors.empty()) {
      // Their names say why (a new level's x3_0, a head more, a stem's widened input), so
      // whoever trains sees what starts from nothing before spending an hour on it.
      const std::size_t shown = std::min<std::size_t>(report.fresh_tensors.size(), 6);
      std::string names;
      for (std::size_t i = 0; i < shown; ++i) {
        names += (i ? ", " : "") + report.fresh_tensors[i];
      }
      if (shown < report.fresh_tensors.size()) {
        names += " and " + std::to_string(report.fresh_tensors.size() - shown) + " more";
      }
      std::fprintf(stderr, "%zu tensors do not fit %s's and start fresh: %s\n",
                   report.fresh_tensors.size(), o.init_from.c_str(), names.c_str());
    }
  }
  net->module->train();
  torch::optim::Adam optimizer(net->module->parameters(),
                               torch::optim::AdamOptions(o.lr).weight_decay(o.weight_decay));

  const fs::path model_ckpt = ckpt / (o.stage + ".model.pt");
  const fs::path optim_ckpt = ckpt / (o.stage + ".optim.pt");
  const fs::path state_ckpt = ckpt / (o.stage + ".state.json");
  int first_epoch = 0;
  if (o.resume && fs::exists(state_ckpt)) {
    std::ifstream in(state_ckpt);
    std::stringstream text;
    text << in.rdbuf();
    const nlohmann::json state = nlohmann::json::parse(text.str(), nullptr, false);
    if (state.is_discarded() || !state.contains("epoch")) {
      return core::Status(core::ErrorCode::kInvalidArgument,
                          state_ckpt.string() + ": damaged; delete it to start afresh");
    }
    first_epoch = state["epoch"].get<int>();
    try {
      torch::load(net->module, model_ckpt.string());
      torch::load(optimizer, optim_ckpt.string());
    } catch (const std::exception& e) {
      std::string what = e.what();
      return core::Status(core::ErrorCode::kInvalidArgument,
                          "cannot resume from " + ckpt.string() + ": " +
                              what.substr(0, what.find('\n')) +
                              "; delete the checkpoints to start afresh");
    }
    if (o.progress) {
      std::fprintf(stderr, "resuming %s after epoch %d\n", o.stage.c_str(), first_epoch);
    }
  }

  std::unique_ptr<BatchSource> source;
  const ClassifierSource* classifier = nullptr;
  if (o.stage == "classifier") {
    auto c = std::make_unique<ClassifierSource>(spec, std::move(cases), lesions, false_finding,
                                                &*net, o.hard_negative_share);
    for (std::size_t k = 0; k < spec.output_classes.size(); ++k) {
      if (spec.output_classes[k] == "covid19_like") c->SetCovidIndex(static_cast<int>(k));
    }
    classifier = c.get();
    source = std::move(c);
  } else {
    source = std::make_unique<SegmentationSource>(spec, std::move(cases), &*net, o.batch_size,
                                                  o.lung_lesion_share);
  }

  for (int epoch = first_epoch; epoch < o.epochs; ++epoch) {
    // Seeded per epoch, so a resumed run draws what an uninterrupted one would have.
    std::mt19937_64 rng(o.seed * 1000003 + static_cast<std::uint64_t>(epoch));
    const double lr = EpochLr(o.lr, epoch, o.epochs);
    for (auto& group : optimizer.param_groups()) {
      static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
    }
    double sum = 0;
    source->StartEpoch();
    for (int step = 0; step < o.steps_per_epoch; ++step) {
      optimizer.zero_grad();
      torch::Tensor loss = source->Loss(rng);
      loss.backward();
      optimizer.step();
      sum += loss.item<double>();
      if (o.progress)
        DrawProgress(o.stage, epoch + 1, o.epochs, step + 1, o.steps_per_epoch, sum / (step + 1));
    }
    report.epoch_loss.push_back(sum / o.steps_per_epoch);
    try {
      torch::save(net->module, model_ckpt.string());
      torch::save(optimizer, optim_ckpt.string());
    } catch (const std::exception& e) {
      return core::Status(core::ErrorCode::kIoError, ckpt.string() + ": checkpoint failed: " +
                                                         std::string(e.what()).substr(0, 300));
    }
    const nlohmann::json state = {
        {"stage", o.stage}, {"epoch", epoch + 1}, {"loss", report.epoch_loss.back()}};
    if (core::Status st = core::WriteFileDurably(state_ckpt.string(), state.dump() + "\n");
        !st.ok()) {
      return st;
    }
    if (o.progress) {
      if (classifier && !classifier->hardest_negative().empty()) {
        std::fprintf(stderr, " hardest negative %.3f", classifier->hardest_negative().back());
      }
      std::fputs("\n", stderr);
    }
  }
  if (classifier) report.hardest_negative = classifier->hardest_negative();

  net->module->eval();
  const fs::path weights = out / spec.file;
  if (core::Status st = inference::nn::SaveNativeWeights(*net, weights); !st.ok()) return st;
  auto sha = inference::Sha256OfFile(weights);
  if (!sha.ok()) return sha.status();
  spec.sha256 = *sha;
  // Read again: another stage may have finished meanwhile (stages train independently, also
  // at the same time); only this stage's entry is ours to change.
  inference::Manifest latest = *manifest;
  if (fs::exists(out / "manifest.json")) {
    auto reread = inference::ReadManifest(out);
    if (!reread.ok()) return reread.status();
    latest = *reread;
  }
  StageOf(latest, o.stage) = spec;
  if (core::Status st = WriteManifest(latest, out); !st.ok()) return st;
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

}  // namespace ctscreen::training
