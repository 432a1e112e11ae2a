#include "ctscreen/training/evaluation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ctscreen/imaging/nrrd_io.h"
#include "ctscreen/imaging/preprocess.h"
#include "ctscreen/inference/screener.h"
#include "ctscreen/pipeline/analysis.h"
#include "ctscreen/training/case_data.h"

namespace ctscreen::training {
namespace fs = std::filesystem;

namespace {

// TRUTH's voxels on FOUND's grid. The same voxels, but not necessarily stored in the same
// order: the analysis writes its masks in the reader's slice order (and the phantom's series
// may run head to foot while its truth runs foot to head). Compared index by index they would
// be mirrored; the truth is resampled (nearest neighbour, so exactly permuted) onto the
// analysis grid instead. HOLDER keeps a resampled image alive.
core::Result<const imaging::LabelImage*> TruthOnGrid(const imaging::LabelImage& truth,
                                                     const imaging::LabelImage& found,
                                                     imaging::LabelImage::Pointer* holder) {
  const imaging::GeometryInfo a = imaging::GeometryOf(truth), b = imaging::GeometryOf(found);
  if (a.size != b.size) {
    return core::Status(core::ErrorCode::kInvalidArgument,
                        "truth mask and analysis are on different grids");
  }
  bool same = true;
  for (int k = 0; k < 3; ++k) {
    same = same && std::abs(a.origin[k] - b.origin[k]) < 1e-3 &&
           std::abs(a.spacing[k] - b.spacing[k]) < 1e-4;
    for (int l = 0; l < 3; ++l) {
      same = same && std::abs(a.direction[k][l] - b.direction[k][l]) < 1e-6;
    }
  }
  if (same) return &truth;
  auto r = imaging::ResampleLabels(truth, b);
  if (!r.ok()) return r.status();
  *holder = *r;
  return static_cast<const imaging::LabelImage*>(holder->GetPointer());
}

}  // namespace

core::Result<MaskOverlap> CompareMasks(const imaging::LabelImage& truth,
                                       const imaging::LabelImage& found) {
  imaging::LabelImage::Pointer holder;
  auto on_grid = TruthOnGrid(truth, found, &holder);
  if (!on_grid.ok()) return on_grid.status();
  MaskOverlap o;
  const std::uint8_t* t = (*on_grid)->GetBufferPointer();
  const std::uint8_t* f = found.GetBufferPointer();
  const std::size_t n = imaging::GeometryOf(found).VoxelCount();
  for (std::size_t i = 0; i < n; ++i) {
    o.truth += t[i] != 0;
    o.found += f[i] != 0;
    o.both += t[i] != 0 && f[i] != 0;
  }
  return o;
}

core::Result<LesionDetection> MatchLesions(const imaging::LabelImage& truth,
                                           const imaging::LabelImage& found, MaskOverlap* overlap) {
  imaging::LabelImage::Pointer holder;
  auto on_grid = TruthOnGrid(truth, found, &holder);
  if (!on_grid.ok()) return on_grid.status();
  // Labels are uint8: 256 flags a side. present: the label has voxels; hit: it overlaps the other.
  std::vector<bool> truth_present(256), truth_hit(256), found_present(256), found_hit(256);
  MaskOverlap o;
  const std::uint8_t* t = (*on_grid)->GetBufferPointer();
  const std::uint8_t* f = found.GetBufferPointer();
  const std::size_t n = imaging::GeometryOf(found).VoxelCount();
  for (std::size_t i = 0; i < n; ++i) {
    if (t[i]) {
      truth_present[t[i]] = true;
      ++o.truth;
    }
    if (f[i]) {
      found_present[f[i]] = true;
      ++o.found;
    }
    if (t[i] && f[i]) {
      truth_hit[t[i]] = found_hit[f[i]] = true;
      ++o.both;
    }
  }
  if (overlap) *overlap = o;
  LesionDetection d;
  for (int label = 1; label < 256; ++label) {
    d.truth += truth_present[label];
    d.detected += truth_hit[label];
    d.found += found_present[label];
    d.false_findings += found_present[label] && !found_hit[label];
  }
  return d;
}

std::vector<ClassDetection> SummariseByClass(const std::vector<CaseScore>& cases) {
  std::vector<ClassDetection> by_class;
  for (const CaseScore& c : cases) {
    auto same = [&](const ClassDetection& k) { return k.truth_class == c.truth_class; };
    auto it = std::find_if(by_class.begin(), by_class.end(), same);
    if (it == by_class.end()) {
      ClassDetection k;
      k.truth_class = c.truth_class;
      k.lesion_dice = 0;  // a sum until the end
      it = by_class.insert(by_class.end(), k);
    }
    ++it->cases;
    it->lesions += c.detection;
    it->lowest_probability = std::min(it->lowest_probability, c.probability);
    it->highest_probability = std::max(it->highest_probability, c.probability);
    if (c.lesion_dice >= 0) {
      it->lesion_dice += c.lesion_dice;
      ++it->lesion_cases;
    }
  }
  for (ClassDetection& k : by_class) {
    k.lesion_dice = k.lesion_cases > 0 ? k.lesion_dice / k.lesion_cases : -1;
  }
  return by_class;
}

core::Result<EvaluationReport> Evaluate(const EvaluateOptions& options) {
  auto case_dirs = FindCases(options.cases_dir);
  if (!case_dirs.ok()) return case_dirs.status();
  inference::ScreenerOptions screener_options;
  screener_options.device = options.device;
  auto screener = inference::Screener::Create(options.bundle_dir, screener_options);
  if (!screener.ok()) return screener.status();
  EvaluationReport r;
  r.bundle_name = (*screener)->manifest().name;
  r.bundle_version = (*screener)->manifest().version;
  r.threshold = (*screener)->manifest().threshold;
  MaskOverlap pooled;
  double lung_sum = 0, lesion_sum = 0;
  int lesion_cases = 0;
  for (const std::string& dir : *case_dirs) {
    const auto start = std::chrono::steady_clock::now();
    CaseScore s;
    s.name = fs::path(dir).filename().string();
    std::ifstream in(fs::path(dir) / "truth.json");
    std::stringstream text;
    text << in.rdbuf();
    const nlohmann::json truth = nlohmann::json::parse(text.str(), nullptr, false);
    if (truth.is_discarded()) {
      return core::Status(core::ErrorCode::kInvalidArgument, dir + "/truth.json: not JSON");
    }
    s.truth_class = truth.value("class", "");
    s.covid = truth.value("covid19_positive", false);
    auto a =
        pipeline::AnalyzeStudy((fs::path(dir) / "dicom").string(), {}, screener->get(), nullptr);
    if (!a.ok()) return core::Status(a.status().code(), s.name + ": " + a.status().reason());
    s.probability = a->screening.probability;
    s.verdict = inference::VerdictName(a->screening.verdict);
    s.lesions_found = static_cast<int>(a->source.lesion_list.size());
    auto lungs = imaging::ReadLabelNrrd((fs::path(dir) / "lungs.nrrd").string());
    auto lesions = imaging::ReadLabelNrrd((fs::path(dir) / "lesions.nrrd").string());
    if (!lungs.ok()) return lungs.status();
    if (!lesions.ok()) return lesions.status();
    auto lung = CompareMasks(**lungs, *a->source.lungs);
    if (!lung.ok()) return lung.status();
    MaskOverlap lesion;
    auto detection = MatchLesions(**lesions, *a->source.lesions, &lesion);
    if (!detection.ok()) return detection.status();
    s.detection = *detection;
    s.lung_dice = lung->Dice();
    lung_sum += s.lung_dice;
    s.lesion_truth_voxels = lesion.truth;
    s.lesion_found_voxels = lesion.found;
    s.lesion_overlap_voxels = lesion.both;
    pooled.truth += lesion.truth;
    pooled.found += lesion.found;
    pooled.both += lesion.both;
    if (lesion.truth > 0) {
      s.lesion_dice = lesion.Dice();
      lesion_sum += s.lesion_dice;
      ++lesion_cases;
    }
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.cases.push_back(s);
    if (options.progress) {
      options.progress(static_cast<int>(r.cases.size()), static_cast<int>(case_dirs->size()),
                       s.name);
    }
  }
  std::vector<double> scores;
  std::vector<bool> labels;
  double tp = 0, tn = 0;
  for (const CaseScore& c : r.cases) {
    scores.push_back(c.probability);
    labels.push_back(c.covid);
    const bool called = c.verdict == "covid19_likely";
    (c.covid ? r.positives : r.negatives) += 1;
    if (c.covid && called) ++tp;
    if (!c.covid && !called) ++tn;
  }
  r.by_class = SummariseByClass(r.cases);
  r.lung_dice = r.cases.empty() ? 0 : lung_sum / r.cases.size();
  r.lesion_dice = lesion_cases ? lesion_sum / lesion_cases : 0;
  r.lesion_dice_pooled = pooled.Dice();
  r.sensitivity = r.positives ? tp / r.positives : 0;
  r.specificity = r.negatives ? tn / r.negatives : 0;
  r.auc = Auc(scores, labels);
  r.roc = RocCurve(scores, labels);
  return r;
}

}  // namespace ctscreen::training
