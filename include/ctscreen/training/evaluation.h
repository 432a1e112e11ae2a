// `ctscreen evaluate`: a bundle against phantom truth, case by case through the same stages as
// analyze: lung and lesion Dice on the source grid, case AUC (COVID-19 vs not), sensitivity
// and specificity at the bundle's threshold, a ROC curve.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/imaging/ct_volume.h"

namespace ctscreen::training {

struct EvaluateOptions {
  std::string cases_dir;
  std::string bundle_dir;
  std::string device = "cpu";
  // Called after each case with (done, total, case name).
  std::function<void(int, int, const std::string&)> progress;
};

// Lesion by lesion: a truth lesion is detected when a found lesion covers at least one of its
// voxels; a found lesion that covers no truth voxel is a false finding. Dice alone hides both:
// a case's Dice is carried by its largest lesion, so four missed 5 mm opacities next to a
// found lobe, or a dozen small false findings in a normal lung, barely move it.
struct LesionDetection {
  int truth = 0, detected = 0;        // truth lesions on the grid, and those found
  int found = 0, false_findings = 0;  // found lesions, and those on no truth lesion
  LesionDetection& operator+=(const LesionDetection& o) {
    truth += o.truth;
    detected += o.detected;
    found += o.found;
    false_findings += o.false_findings;
    return *this;
  }
};

struct ClassDetection {
  std::string truth_class;
  int cases = 0;
  LesionDetection lesions;
  // Mean lesion Dice over the class's cases with truth lesions (-1: none has any), and the
  // range of its case probabilities: which class holds the Dice down, and how close a class's
  // highest-scored negative comes to the threshold.
  double lesion_dice = -1;
  int lesion_cases = 0;
  double lowest_probability = 1, highest_probability = 0;
};

struct CaseScore {
  std::string name;
  std::string truth_class;  // truth.json class: covid, covid_small, normal, ...
  bool covid = false;       // truth
  double probability = 0;
  std::string verdict;
  double lung_dice = 0;
  double lesion_dice = -1;  // -1: no truth lesion (nothing to overlap)
  std::size_t lesion_truth_voxels = 0, lesion_found_voxels = 0, lesion_overlap_voxels = 0;
  int lesions_found = 0;
  LesionDetection detection;
  double seconds = 0;
};

struct RocPoint {
  double threshold, fpr, tpr;
};

struct EvaluationReport {
  std::string bundle_name, bundle_version;
  double threshold = 0.5;
  std::vector<CaseScore> cases;
  double lung_dice = 0;           // mean over cases
  double lesion_dice = 0;         // mean over cases with truth lesions
  double lesion_dice_pooled = 0;  // all voxels of all cases together
  double auc = 0;
  double sensitivity = 0, specificity = 0;  // verdict covid19_likely as the positive call
  int positives = 0, negatives = 0;
  std::vector<RocPoint> roc;
  std::vector<ClassDetection> by_class;  // in order of first appearance
};

core::Result<EvaluationReport> Evaluate(const EvaluateOptions& options);

// The cases grouped by truth class, in order of first appearance.
std::vector<ClassDetection> SummariseByClass(const std::vector<CaseScore>& cases);

struct MaskOverlap {
  std::size_t truth = 0, found = 0, both = 0;  // foreground voxels
  double Dice() const { return truth + found ? 2.0 * both / (truth + found) : 1.0; }
};

// Foreground overlap of a truth mask with an analysis mask covering the same voxels; the two
// may store them in different orders (an axis flipped), as a phantom's truth and an analysis
// written in the series' slice order do. Refused when the grids differ in size.
core::Result<MaskOverlap> CompareMasks(const imaging::LabelImage& truth,
                                       const imaging::LabelImage& found);

// Which truth lesions (labels of TRUTH) a found label map (FOUND, one label per lesion) detects,
// on the same voxels stored in either order, as CompareMasks. With OVERLAP, also what
// CompareMasks would give, from the same pass (the truth is resampled once).
core::Result<LesionDetection> MatchLesions(const imaging::LabelImage& truth,
                                           const imaging::LabelImage& found,
                                           MaskOverlap* overlap = nullptr);

// Area under the ROC of SCORES for LABELS (true = positive); ties count a half.
double Auc(const std::vector<double>& scores, const std::vector<bool>& labels);
std::vector<RocPoint> RocCurve(const std::vector<double>& scores, const std::vector<bool>& labels);

// The seed paper's table with this bundle's column, then one row per case.
std::string EvaluationMarkdown(const EvaluationReport& report, const std::string& cases_note);
std::string RocSvg(const EvaluationReport& report);

}  // namespace ctscreen::training
