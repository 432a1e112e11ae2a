// The screening on one device, measured: what scripts/gpu-check.sh runs on the lent GPU machine
// (it also runs on a CPU, slowly). Four parts, each printed as a Markdown table as it finishes,
// everything also written to OUT/screening_bench.json:
//
//  1. Full-size architecture, per stage and precision: the seed method's models (3D U-Net for
//     the lungs at base width 16, U-Net++ at base 32 with patch (256, 256, 128), ResNet-50 on
//     64^3 lesion crops), InstanceNorm as shipped and BatchNorm at reduced precision, random
//     weights, on a full-size phantom chest CT (512 x 512 x ~300) resampled on the device to (1,
//     1, 2.5) mm. Untrained models draw arbitrary masks, so the stages downstream of a segmentation
//     get the phantom's truth instead (lesion stage: the truth lungs' box; classifier: one crop per
//     truth lesion): the work is what a real screening of this study does. "inference" sums the
//     three model stages; "in-memory path" adds uploading the decoded volume, resampling it and the
//     CPU post-processing (components), i.e. decoded volume to masks and verdict.
//  2. The shipped bundle through Screener::Run, at each precision its manifest allows, against
//     the same Screener on the CPU: lung and lesion Dice between the two, probability, verdict.
//  3. Full-size models on one patch, the device at each precision against the CPU in fp32.
//  4. Throughput of a batch of studies with one worker and with two on the same device
//     (pipeline.devices [cuda:0] vs [cuda:0, cuda:0]) through what the appliance runs: jobs in
//     the SQLite job store, jobs::WorkerPool, inference::ScreenerPool; the shipped bundle, each
//     job from the decoded volume to the verdict (no DICOM: the GPU machine has no DCMTK).
//
//   screening_bench --device cuda:0 --bundle models/default --work DIR --out DIR
//                   [--precisions fp32,tf32,bf16,fp16] [--repeat 3] [--studies 12]
//                   [--cpu-threads N] [--parts 1234] [--tiny]
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ctscreen/core/clock.h"
#include "ctscreen/inference/components.h"
#include "ctscreen/inference/device.h"
#include "ctscreen/inference/nn/sliding_window.h"
#include "ctscreen/inference/nn/stage_model.h"
#include "ctscreen/inference/screener.h"
#include "ctscreen/inference/screener_pool.h"
#include "ctscreen/inference/untrained_bundle.h"
#include "ctscreen/jobs/job_store.h"
#include "ctscreen/jobs/worker_pool.h"
#include "ctscreen/phantom/case_generator.h"
#include "phantom_study.h"

#ifdef CTSCREEN_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace {

namespace fs = std::filesystem;
namespace inf = ctscreen::inference;
namespace F = torch::nn::functional;
using Clock = std::chrono::steady_clock;
using nlohmann::json;
using torch::indexing::Slice;

struct Options {
  std::string device = "cuda:0";
  std::string bundle = "models/default";
  std::string work = "/tmp/screening_bench";
  std::string out = ".";
  std::vector<std::string> precisions{"fp32", "tf32", "bf16", "fp16"};
  int repeat = 3;
  int studies = 12;
  int cpu_threads = 0;
  std::string parts = "1234";
  bool tiny = false;  // parts 1 and 3 with the unit tests' tiny models: checks the bench itself
};

torch::Device g_device(torch::kCPU);

void Sync() {
  if (g_device.is_cuda()) torch::cuda::synchronize();
}

double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void ResetPeak() {
#ifdef CTSCREEN_WITH_CUDA
  if (g_device.is_cuda()) c10::cuda::CUDACachingAllocator::resetPeakStats(g_device.index());
#endif
}

// Peak bytes the caching allocator handed out since ResetPeak, in GiB (0 on the CPU).
double PeakGiB() {
#ifdef CTSCREEN_WITH_CUDA
  if (g_device.is_cuda()) {
    auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(g_device.index());
    return static_cast<double>(stats.allocated_bytes[0].peak) / (1024.0 * 1024.0 * 1024.0);
  }
#endif
  return 0;
}

void SetPrecisionSwitches(inf::Precision p) {
  at::globalContext().setAllowTF32CuDNN(p == inf::Precision::kTf32);
  at::globalContext().setAllowTF32CuBLAS(p == inf::Precision::kTf32);
}

torch::Tensor Window(const torch::Tensor& hu, const std::array<double, 2>& w) {
  return ((hu - w[0]) / (w[1] - w[0])).clamp(0.0, 1.0);
}

inf::nn::SlidingWindowOptions WindowOptions(const inf::StageSpec& s) {
  inf::nn::SlidingWindowOptions o;
  o.patch_dhw = {s.patch_size_xyz[2], s.patch_size_xyz[1], s.patch_size_xyz[0]};
  o.overlap = s.overlap;
  o.batch_size = s.batch_size;
  return o;
}

// Foreground of (1, K, D, H, W) logits, on the host: what the screener hands to post-processing.
torch::Tensor ForegroundOnHost(const torch::Tensor& logits) {
  return (logits[0].argmax(0) != 0).to(torch::kCPU, torch::kUInt8).contiguous();
}

// Part 1 ------------------------------------------------------------------------------------

inf::UntrainedBundleOptions FullSizeOptions(bool tiny, const std::string& norm) {
  inf::UntrainedBundleOptions o;
  o.seg_norm = norm;
  if (tiny) return o;
  o.seed = 1;
  o.seg_base_width = 32;  // U-Net++ paper: 32, 64, 128, 256 over four levels
  // The lungs are large and high-contrast; the seed method's cost is in the lesion model.
  o.lung_base_width = 16;
  o.seg_depth = 4;
  o.seg_patch_xyz = {256, 256, 128};
  o.classifier_base_width = 64;  // ResNet-50 as published: 64 ... 2048 channels
  o.classifier_depth = 50;
  o.classifier_patch_xyz = {64, 64, 64};
  return o;
}

struct Box {
  std::array<int, 3> lo{0, 0, 0}, hi{0, 0, 0};  // x, y, z; hi exclusive
};

Box MaskBox(const inf::Mask& m, int margin) {
  Box b{m.size_xyz, {0, 0, 0}};
  for (int z = 0; z < m.size_xyz[2]; ++z)
    for (int y = 0; y < m.size_xyz[1]; ++y)
      for (int x = 0; x < m.size_xyz[0]; ++x) {
        if (!m.at(x, y, z)) continue;
        const int p[3] = {x, y, z};
        for (int a = 0; a < 3; ++a) {
          b.lo[a] = std::min(b.lo[a], p[a]);
          b.hi[a] = std::max(b.hi[a], p[a] + 1);
        }
      }
  for (int a = 0; a < 3; ++a) {
    b.lo[a] = std::max(0, b.lo[a] - margin);
    b.hi[a] = std::min(m.size_xyz[a], b.hi[a] + margin);
  }
  return b;
}

torch::Tensor Crop(const torch::Tensor& t, const Box& b) {
  return t.index({Slice(), Slice(), Slice(b.lo[2], b.hi[2]), Slice(b.lo[1], b.hi[1]),
                  Slice(b.lo[0], b.hi[0])});
}

json FullSizeStages(const Options& o, const ctscreen::phantom::PhantomCase& study,
                    const std::string& norm) {
  const fs::path dir = fs::path(o.work) / ("full-size-" + norm);
  std::fprintf(stderr, "writing the full-size (untrained) bundle to %s\n", dir.c_str());
  if (auto s = inf::WriteUntrainedBundle(dir, FullSizeOptions(o.tiny, norm)); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return json::object();
  }
  const inf::Manifest m = *inf::ReadManifest(dir);
  const std::array<double, 3> grid = m.model_spacing_xyz();
  ctscreen::testing::StudyOnGrid truth = ctscreen::testing::PhantomOnGrid(study, grid);
  const Box lung_box = MaskBox(truth.lungs, 4);
  std::vector<inf::Component> lesions;
  const auto min_voxels =
      static_cast<std::int64_t>(std::ceil(m.min_lesion_volume_ml / truth.lungs.VoxelVolumeMl()));
  // The screener labels lesions within the lung box only.
  inf::Mask boxed_lesions;
  boxed_lesions.size_xyz = {lung_box.hi[0] - lung_box.lo[0], lung_box.hi[1] - lung_box.lo[1],
                            lung_box.hi[2] - lung_box.lo[2]};
  boxed_lesions.voxels.resize(boxed_lesions.NumVoxels());
  for (int z = 0; z < boxed_lesions.size_xyz[2]; ++z)
    for (int y = 0; y < boxed_lesions.size_xyz[1]; ++y)
      for (int x = 0; x < boxed_lesions.size_xyz[0]; ++x)
        boxed_lesions.at(x, y, z) =
            truth.lesions.at(x + lung_box.lo[0], y + lung_box.lo[1], z + lung_box.lo[2]);
  inf::LabelComponents(boxed_lesions, min_voxels, &lesions);

  std::printf("\n### 1%s. Full-size architecture per stage, %sNorm (random weights; %s)\n\n",
              norm == "instance" ? "a" : "b", norm == "instance" ? "Instance" : "Batch",
              g_device.str().c_str());
  std::printf(
      "Study: phantom %d x %d x %d at (%.2f, %.2f, %.2f) mm -> %d x %d x %d at (1, 1, "
      "2.5) mm; lung box %d x %d x %d; %zu lesions. Median of %d after one warm-up, ms.\n\n",
      study.hu.geometry.size[0], study.hu.geometry.size[1], study.hu.geometry.size[2],
      study.hu.geometry.spacing[0], study.hu.geometry.spacing[1], study.hu.geometry.spacing[2],
      truth.ct.size_xyz[0], truth.ct.size_xyz[1], truth.ct.size_xyz[2],
      lung_box.hi[0] - lung_box.lo[0], lung_box.hi[1] - lung_box.lo[1],
      lung_box.hi[2] - lung_box.lo[2], lesions.size(), o.repeat);
  std::printf(
      "| precision | upload + resample | lung U-Net | lung components | lesion U-Net++ | "
      "lesion components | ResNet-50 | **inference** | **in-memory path** | peak GPU GiB |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
  std::fflush(stdout);

  json rows = json::array();
  for (const std::string& name : o.precisions) {
    auto precision = inf::ParsePrecision(name);
    if (!precision.ok() || (!g_device.is_cuda() && *precision != inf::Precision::kFp32)) continue;
    // BatchNorm is measured for what it buys at reduced precision only.
    if (norm == "batch" && *precision == inf::Precision::kFp32) continue;
    SetPrecisionSwitches(*precision);
    std::unique_ptr<inf::nn::StageModel> models[3];
    const inf::StageSpec* specs[3] = {&m.lung, &m.lesion, &m.classifier};
    bool loaded = true;
    for (int i = 0; i < 3; ++i) {
      auto model = inf::nn::LoadStageModel(dir, *specs[i], g_device, *precision);
      if (!model.ok()) {
        std::fprintf(stderr, "%s: %s\n", name.c_str(), model.status().ToString().c_str());
        loaded = false;
        break;
      }
      models[i] = std::move(*model);
    }
    if (!loaded) continue;
    std::vector<double> t_upload, t_lung, t_lung_cc, t_lesion, t_lesion_cc, t_cls, t_total;
    ResetPeak();
    try {
      c10::InferenceMode guard;
      for (int r = 0; r <= o.repeat; ++r) {
        const Clock::time_point start = Clock::now();
        Clock::time_point t = start;
        torch::Tensor hu = ctscreen::testing::ResampleHu(
            ctscreen::testing::UploadHu(study, g_device), study.hu.geometry.spacing, grid);
        Sync();
        const double upload = MsSince(t);

        t = Clock::now();
        torch::Tensor lung_fg = ForegroundOnHost(inf::nn::SlidingWindowInference(
            Window(hu, m.lung.window),
            [&](const torch::Tensor& x) { return models[0]->Forward(x); }, WindowOptions(m.lung)));
        const double lung = MsSince(t);
        t = Clock::now();
        inf::Mask lungs = inf::KeepLargestComponents(truth.lungs, 2, 0.1);
        const double lung_cc = MsSince(t);

        t = Clock::now();
        torch::Tensor lesion_fg = ForegroundOnHost(inf::nn::SlidingWindowInference(
            Window(Crop(hu, lung_box), m.lesion.window),
            [&](const torch::Tensor& x) { return models[1]->Forward(x); },
            WindowOptions(m.lesion)));
        const double lesion = MsSince(t);
        t = Clock::now();
        std::vector<inf::Component> found;
        inf::LabelMap labels = inf::LabelComponents(boxed_lesions, min_voxels, &found);
        for (inf::Component& c : found) {
          for (int a = 0; a < 3; ++a) {
            c.min_xyz[a] += lung_box.lo[a];
            c.max_xyz[a] += lung_box.lo[a];
          }
        }
        const double lesion_cc = MsSince(t);

        t = Clock::now();
        const auto& p = m.classifier.patch_size_xyz;
        std::vector<torch::Tensor> crops;
        torch::Tensor windowed = Window(hu, m.classifier.window);
        for (const inf::Component& c : found) {
          Box b;
          for (int a = 0; a < 3; ++a) {
            const int margin = std::max(4, (c.max_xyz[a] - c.min_xyz[a] + 1) / 4);
            b.lo[a] = std::max(0, c.min_xyz[a] - margin);
            b.hi[a] = std::min(truth.ct.size_xyz[a], c.max_xyz[a] + 1 + margin);
          }
          torch::Tensor ct =
              F::interpolate(Crop(windowed, b), F::InterpolateFuncOptions()
                                                    .size(std::vector<int64_t>{p[2], p[1], p[0]})
                                                    .mode(torch::kTrilinear)
                                                    .align_corners(false));
          crops.push_back(torch::cat({ct, torch::ones_like(ct)}, 1));
        }
        double probability = 0;
        for (std::size_t first = 0; first < crops.size();
             first += static_cast<std::size_t>(m.classifier.batch_size)) {
          std::vector<torch::Tensor> group(
              crops.begin() + static_cast<std::ptrdiff_t>(first),
              crops.begin() +
                  static_cast<std::ptrdiff_t>(std::min(
                      crops.size(), first + static_cast<std::size_t>(m.classifier.batch_size))));
          torch::Tensor prob = torch::softmax(models[2]->Forward(torch::cat(group, 0)), 1);
          probability = std::max(probability, prob.index({Slice(), 1}).max().item<double>());
        }
        const double cls = MsSince(t);
        const double total = MsSince(start);
        (void)lung_fg;
        (void)lesion_fg;
        (void)labels;
        (void)lungs;
        (void)probability;
        if (r == 0) continue;  // warm-up: cuDNN picks its kernels
        t_upload.push_back(upload);
        t_lung.push_back(lung);
        t_lung_cc.push_back(lung_cc);
        t_lesion.push_back(lesion);
        t_lesion_cc.push_back(lesion_cc);
        t_cls.push_back(cls);
        t_total.push_back(total);
      }
    } catch (const std::exception& e) {
      std::string what = e.what();
      std::printf("| %s | failed: %s |\n", name.c_str(), what.substr(0, what.find('\n')).c_str());
      continue;
    }
    const double inference = Median(t_lung) + Median(t_lesion) + Median(t_cls);
    json row = {{"precision", name},
                {"upload_resample_ms", Median(t_upload)},
                {"lung_ms", Median(t_lung)},
                {"lung_components_ms", Median(t_lung_cc)},
                {"lesion_ms", Median(t_lesion)},
                {"lesion_components_ms", Median(t_lesion_cc)},
                {"classifier_ms", Median(t_cls)},
                {"inference_ms", inference},
                {"in_memory_path_ms", Median(t_total)},
                {"peak_gpu_gib", PeakGiB()},
                {"lesions", lesions.size()}};
    rows.push_back(row);
    std::printf("| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | **%.0f** | **%.0f** | %.1f |\n",
                name.c_str(), Median(t_upload), Median(t_lung), Median(t_lung_cc), Median(t_lesion),
                Median(t_lesion_cc), Median(t_cls), inference, Median(t_total), PeakGiB());
    std::fflush(stdout);
  }
  return {{"study_size_xyz", study.hu.geometry.size},
          {"study_spacing_xyz", study.hu.geometry.spacing},
          {"grid_size_xyz", truth.ct.size_xyz},
          {"lung_box_xyz",
           {lung_box.hi[0] - lung_box.lo[0], lung_box.hi[1] - lung_box.lo[1],
            lung_box.hi[2] - lung_box.lo[2]}},
          {"rows", rows}};
}

// Part 2 ------------------------------------------------------------------------------------

struct ShippedRun {
  inf::Screening screening;
  double upload_resample_ms = 0;
};

json ShippedBundle(const Options& o, const ctscreen::phantom::PhantomCase& study) {
  auto cpu = inf::Screener::Create(o.bundle, {"cpu", "auto"});
  if (!cpu.ok()) {
    std::fprintf(stderr, "%s\n", cpu.status().ToString().c_str());
    return json::object();
  }
  const inf::Manifest& m = (*cpu)->manifest();
  const std::array<double, 3> grid = m.model_spacing_xyz();
  ctscreen::testing::StudyOnGrid on_grid = ctscreen::testing::PhantomOnGrid(study, grid);
  Clock::time_point t = Clock::now();
  auto reference = (*cpu)->Run(on_grid.ct);
  const double cpu_ms = MsSince(t);
  if (!reference.ok()) {
    std::fprintf(stderr, "%s\n", reference.status().ToString().c_str());
    return json::object();
  }
  auto lesion_mask = [](const inf::LabelMap& l) {
    inf::Mask mk = inf::LikeGrid<std::uint8_t>(l);
    for (std::size_t i = 0; i < l.voxels.size(); ++i) mk.voxels[i] = l.voxels[i] != 0;
    return mk;
  };
  std::printf("\n### 2. Shipped bundle %s %s through Screener::Run (%s)\n\n", m.name.c_str(),
              m.version.c_str(), g_device.str().c_str());
  std::printf(
      "Grid %d x %d x %d at (%.1f, %.1f, %.1f) mm. CPU reference (%d threads): %.0f ms, "
      "%s, p = %.3f, %zu lesions, lung Dice vs truth %.3f. Median of %d, ms.\n\n",
      on_grid.ct.size_xyz[0], on_grid.ct.size_xyz[1], on_grid.ct.size_xyz[2], grid[0], grid[1],
      grid[2], at::get_num_threads(), cpu_ms, inf::VerdictName(reference->verdict),
      reference->probability, reference->lesions.size(),
      ctscreen::testing::Dice(on_grid.lungs, reference->lung_mask), o.repeat);
  std::printf(
      "| precision | upload + resample | lungs | lesions | classify | **screening** | "
      "peak GPU GiB | lung Dice vs CPU | lesion Dice vs CPU | p (CPU) | verdict (CPU) |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
  std::fflush(stdout);
  json rows = json::array();
  if (!g_device.is_cuda()) return {{"cpu_ms", cpu_ms}, {"rows", rows}};
  for (const std::string& name : m.precision) {
    auto screener = inf::Screener::Create(o.bundle, {g_device.str(), name});
    if (!screener.ok()) {
      std::printf("| %s | refused: %s |\n", name.c_str(), screener.status().reason().c_str());
      continue;
    }
    std::vector<double> up, lung, lesion, cls, total;
    inf::Screening last;
    ResetPeak();
    for (int r = 0; r <= o.repeat; ++r) {
      t = Clock::now();
      const inf::Volume ct = ctscreen::testing::ResampledOnDevice(study, g_device, grid);
      const double upload = MsSince(t);
      auto s = (*screener)->Run(ct);
      if (!s.ok()) {
        std::printf("| %s | failed: %s |\n", name.c_str(), s.status().reason().c_str());
        break;
      }
      last = *s;
      if (r == 0) continue;
      up.push_back(upload);
      lung.push_back(s->timings_ms.lung_seg);
      lesion.push_back(s->timings_ms.lesion_seg);
      cls.push_back(s->timings_ms.classify);
      total.push_back(s->timings_ms.total);
    }
    if (total.empty()) continue;
    const double lung_dice = ctscreen::testing::Dice(reference->lung_mask, last.lung_mask);
    const double lesion_dice =
        ctscreen::testing::Dice(lesion_mask(reference->lesion_map), lesion_mask(last.lesion_map));
    std::printf(
        "| %s | %.0f | %.0f | %.0f | %.0f | **%.0f** | %.2f | %.4f | %.4f | %.3f (%.3f) | "
        "%s (%s) |\n",
        name.c_str(), Median(up), Median(lung), Median(lesion), Median(cls), Median(total),
        PeakGiB(), lung_dice, lesion_dice, last.probability, reference->probability,
        inf::VerdictName(last.verdict), inf::VerdictName(reference->verdict));
    std::fflush(stdout);
    rows.push_back({{"precision", name},
                    {"upload_resample_ms", Median(up)},
                    {"lung_ms", Median(lung)},
                    {"lesion_ms", Median(lesion)},
                    {"classify_ms", Median(cls)},
                    {"screening_ms", Median(total)},
                    {"peak_gpu_gib", PeakGiB()},
                    {"lung_dice_vs_cpu", lung_dice},
                    {"lesion_dice_vs_cpu", lesion_dice},
                    {"probability", last.probability},
                    {"probability_cpu", reference->probability},
                    {"verdict", inf::VerdictName(last.verdict)},
                    {"verdict_cpu", inf::VerdictName(reference->verdict)}});
  }
  return {{"cpu_ms", cpu_ms}, {"cpu_threads", at::get_num_threads()}, {"rows", rows}};
}

// Part 3 ------------------------------------------------------------------------------------

json FullSizeAgreement(const Options& o) {
  const fs::path dir = fs::path(o.work) / "full-size-instance";
  auto manifest = inf::ReadManifest(dir);
  if (!manifest.ok() || !g_device.is_cuda()) return json::array();
  std::printf("\n### 3. Full-size models, %s against the CPU in fp32 (one input each)\n\n",
              g_device.str().c_str());
  std::printf(
      "| stage | input | precision | max relative logit error | argmax agreement | CPU ms | "
      "%s ms |\n|---|---|---|---|---|---|---|\n",
      g_device.str().c_str());
  json rows = json::array();
  c10::InferenceMode guard;
  for (const inf::StageSpec* s : {&manifest->lung, &manifest->lesion, &manifest->classifier}) {
    torch::manual_seed(11);
    const bool seg = s->name != "classifier";
    // Half the patch across for the U-Nets: on the CPU the full patch takes many seconds.
    torch::Tensor x =
        seg ? torch::rand(
                  {1, 1, s->patch_size_xyz[2], s->patch_size_xyz[1] / 2, s->patch_size_xyz[0] / 2})
            : torch::rand({2, 2, s->patch_size_xyz[2], s->patch_size_xyz[1], s->patch_size_xyz[0]});
    auto cpu = inf::nn::LoadStageModel(dir, *s, torch::kCPU, inf::Precision::kFp32);
    if (!cpu.ok()) continue;
    Clock::time_point t = Clock::now();
    torch::Tensor expected = (*cpu)->Forward(x);
    const double cpu_ms = MsSince(t);
    std::ostringstream shape;
    shape << x.sizes();
    for (const std::string& name : o.precisions) {
      auto precision = inf::ParsePrecision(name);
      if (!precision.ok()) continue;
      SetPrecisionSwitches(*precision);
      auto gpu = inf::nn::LoadStageModel(dir, *s, g_device, *precision);
      if (!gpu.ok()) continue;
      torch::Tensor xg = x.to(g_device);
      (*gpu)->Forward(xg);
      Sync();
      t = Clock::now();
      torch::Tensor got = (*gpu)->Forward(xg).to(torch::kCPU, torch::kFloat);
      const double gpu_ms = MsSince(t);
      const double error = (expected - got).abs().max().item<double>() /
                           std::max(1e-6, expected.abs().max().item<double>());
      const double agreement =
          (expected.argmax(1) == got.argmax(1)).to(torch::kFloat).mean().item<double>();
      std::printf("| %s | %s | %s | %.2e | %.5f | %.0f | %.1f |\n", s->name.c_str(),
                  shape.str().c_str(), name.c_str(), error, agreement, cpu_ms, gpu_ms);
      std::fflush(stdout);
      rows.push_back({{"stage", s->name},
                      {"input", shape.str()},
                      {"precision", name},
                      {"max_relative_error", error},
                      {"argmax_agreement", agreement},
                      {"cpu_ms", cpu_ms},
                      {"device_ms", gpu_ms}});
    }
  }
  return rows;
}

// Part 4 ------------------------------------------------------------------------------------

// The appliance's worker path minus DICOM: a job's study from its decoded volume to the verdict,
// on the screener the pool lends the worker.
class StudyRunner : public ctscreen::jobs::JobRunner {
 public:
  StudyRunner(inf::ScreenerPool& pool, const std::vector<ctscreen::phantom::PhantomCase>& studies)
      : pool_(pool), studies_(studies) {}
  ctscreen::jobs::JobOutcome Run(const ctscreen::jobs::JobRecord& job,
                                 const std::string& device) override {
    ctscreen::jobs::JobOutcome outcome;
    const Clock::time_point t = Clock::now();
    auto screener = pool_.Acquire(device);
    if (!screener.ok()) {
      outcome.reason = screener.status().reason();
      return outcome;
    }
    const auto& study = studies_[static_cast<std::size_t>(job.id) % studies_.size()];
    const std::array<double, 3> grid = pool_.manifest().model_spacing_xyz();
    const inf::Volume ct = ctscreen::testing::ResampledOnDevice(study, g_device, grid);
    auto s = (*screener)->Run(ct);
    if (!s.ok()) {
      outcome.reason = s.status().reason();
      return outcome;
    }
    outcome.kind = ctscreen::jobs::JobOutcome::Kind::kScreened;
    outcome.reason = inf::VerdictName(s->verdict);
    outcome.result.verdict = inf::VerdictName(s->verdict);
    outcome.result.device = device;
    std::lock_guard<std::mutex> lock(mutex_);
    latency_ms_.push_back(MsSince(t));
    return outcome;
  }
  std::vector<double> latencies() {
    std::lock_guard<std::mutex> lock(mutex_);
    return latency_ms_;
  }

 private:
  inf::ScreenerPool& pool_;
  const std::vector<ctscreen::phantom::PhantomCase>& studies_;
  std::mutex mutex_;
  std::vector<double> latency_ms_;
};

json Throughput(const Options& o, const std::vector<ctscreen::phantom::PhantomCase>& studies) {
  namespace jobs = ctscreen::jobs;
  std::printf(
      "\n### 4. Throughput: %d studies through the appliance's WorkerPool + ScreenerPool "
      "(job store in SQLite), shipped bundle, %s\n\n",
      o.studies, g_device.str().c_str());
  std::printf(
      "| pipeline.devices | wall s | studies/s | mean latency per study ms | failed |\n"
      "|---|---|---|---|---|\n");
  json rows = json::array();
  const std::string d = g_device.str();
  std::vector<std::vector<std::string>> layouts{{d}};
  if (g_device.is_cuda()) layouts.push_back({d, d});
  ctscreen::core::SystemClock clock;
  for (const auto& devices : layouts) {
    auto pool = inf::ScreenerPool::Create(o.bundle, devices, "auto", o.cpu_threads);
    std::string label = "[" + d + (devices.size() > 1 ? ", " + d : std::string()) + "]";
    if (!pool.ok()) {
      std::printf("| %s | refused: %s |\n", label.c_str(), pool.status().reason().c_str());
      continue;
    }
    StudyRunner runner(**pool, studies);
    const fs::path db = fs::path(o.work) / ("jobs-" + std::to_string(devices.size()) + ".sqlite");
    fs::remove(db);
    auto store = jobs::JobStore::Open(db.string());
    if (!store.ok()) {
      std::printf("| %s | %s |\n", label.c_str(), store.status().reason().c_str());
      continue;
    }
    auto queue = [&](const std::string& prefix, int count) {
      for (int i = 0; i < count; ++i) {
        auto job = (*store)->IngestJobFor(prefix + std::to_string(i), "2.25.1", clock.Now());
        if (job.ok()) {
          (*store)->Transition(job->id, jobs::JobState::kIngest, jobs::JobState::kQueued, "bench",
                               clock.Now());
        }
      }
    };
    auto finished = [&] {
      int n = 0;
      for (jobs::JobState state : {jobs::JobState::kSent, jobs::JobState::kFailed}) {
        auto list = (*store)->ListJobs(state);
        if (list.ok()) n += static_cast<int>(list->size());
      }
      return n;
    };
    jobs::WorkerPool workers(**store, runner, devices, {}, clock);
    workers.Start(0.005);
    // One warm-up study per worker (cuDNN picks its kernels), then the batch.
    const int warm = static_cast<int>(devices.size());
    queue("2.25.1.1.", warm);
    while (finished() < warm) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const std::size_t warm_latencies = runner.latencies().size();
    const Clock::time_point start = Clock::now();
    queue("2.25.1.2.", o.studies);
    while (finished() < warm + o.studies) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const double wall = MsSince(start) / 1000.0;
    workers.Stop();
    std::vector<double> latencies = runner.latencies();
    latencies.erase(latencies.begin(),
                    latencies.begin() + static_cast<std::ptrdiff_t>(warm_latencies));
    double mean = 0;
    for (double l : latencies) mean += l / std::max<std::size_t>(1, latencies.size());
    auto failed = (*store)->ListJobs(jobs::JobState::kFailed);
    const int failures = failed.ok() ? static_cast<int>(failed->size()) : -1;
    std::printf("| %s | %.2f | %.2f | %.0f | %d |\n", label.c_str(), wall, o.studies / wall, mean,
                failures);
    std::fflush(stdout);
    rows.push_back({{"workers", devices.size()},
                    {"wall_s", wall},
                    {"studies_per_s", o.studies / wall},
                    {"mean_latency_ms", mean},
                    {"failed", failures}});
  }
  return rows;
}

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(item);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has = i + 1 < argc;
    if (a == "--device" && has)
      o.device = argv[++i];
    else if (a == "--bundle" && has)
      o.bundle = argv[++i];
    else if (a == "--work" && has)
      o.work = argv[++i];
    else if (a == "--out" && has)
      o.out = argv[++i];
    else if (a == "--precisions" && has)
      o.precisions = Split(argv[++i]);
    else if (a == "--repeat" && has)
      o.repeat = std::max(1, std::atoi(argv[++i]));
    else if (a == "--studies" && has)
      o.studies = std::max(1, std::atoi(argv[++i]));
    else if (a == "--cpu-threads" && has)
      o.cpu_threads = std::atoi(argv[++i]);
    else if (a == "--parts" && has)
      o.parts = argv[++i];
    else if (a == "--tiny")
      o.tiny = true;
    else {
      std::fprintf(stderr, "unknown argument %s (see the comment at the top of %s)\n", argv[i],
                   __FILE__);
      return 2;
    }
  }
  auto device = inf::ParseDevice(o.device);
  if (!device.ok() || !inf::CheckDeviceAvailable(*device).ok()) {
    std::fprintf(stderr, "%s\n",
                 device.ok() ? inf::CheckDeviceAvailable(*device).reason().c_str()
                             : device.status().reason().c_str());
    return 2;
  }
  g_device = device->is_cuda()
                 ? torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(device->index))
                 : torch::Device(torch::kCPU);
  inf::SetCpuThreads(o.cpu_threads);
  at::globalContext().setBenchmarkCuDNN(true);
  fs::create_directories(o.work);
  fs::create_directories(o.out);

  namespace ph = ctscreen::phantom;
  Clock::time_point t = Clock::now();
  std::vector<ph::PhantomCase> studies;
  studies.push_back(ph::GenerateCase(2026, 0, ph::CaseClass::kCovid, ph::SizeMode::kFull));
  std::fprintf(stderr, "full-size phantom generated in %.1f s\n", MsSince(t) / 1000);
  json report = {{"device", g_device.str()}, {"date", __DATE__}};
  if (o.parts.find('1') != std::string::npos) {
    report["full_size_instance_norm"] = FullSizeStages(o, studies[0], "instance");
    if (g_device.is_cuda()) report["full_size_batch_norm"] = FullSizeStages(o, studies[0], "batch");
  }
  if (o.parts.find('2') != std::string::npos) report["shipped"] = ShippedBundle(o, studies[0]);
  if (o.parts.find('3') != std::string::npos) report["agreement"] = FullSizeAgreement(o);
  if (o.parts.find('4') != std::string::npos) {
    studies.push_back(ph::GenerateCase(2026, 1, ph::CaseClass::kNormal, ph::SizeMode::kFull));
    report["throughput"] = Throughput(o, studies);
  }
  std::ofstream(fs::path(o.out) / "screening_bench.json") << report.dump(2) << "\n";
  return 0;
}
