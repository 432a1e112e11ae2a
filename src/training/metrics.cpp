#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ctscreen/training/evaluation.h"

namespace ctscreen::training {
namespace {

std::string Fixed(double v, int digits = 3) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

}  // namespace

double Auc(const std::vector<double>& scores, const std::vector<bool>& labels) {
  double pairs = 0, wins = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (!labels[i]) continue;
    for (std::size_t j = 0; j < scores.size(); ++j) {
      if (labels[j]) continue;
      pairs += 1;
      wins += scores[i] > scores[j] ? 1.0 : scores[i] == scores[j] ? 0.5 : 0.0;
    }
  }
  return pairs > 0 ? wins / pairs : 0.0;
}

std::vector<RocPoint> RocCurve(const std::vector<double>& scores, const std::vector<bool>& labels) {
  std::vector<double> thresholds(scores);
  std::sort(thresholds.begin(), thresholds.end(), std::greater<>());
  thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());
  const double pos = static_cast<double>(std::count(labels.begin(), labels.end(), true));
  const double neg = static_cast<double>(labels.size()) - pos;
  std::vector<RocPoint> roc{{1.0 + 1e-9, 0.0, 0.0}};
  for (double t : thresholds) {
    double tp = 0, fp = 0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
      if (scores[i] < t) continue;
      (labels[i] ? tp : fp) += 1;
    }
    roc.push_back({t, neg > 0 ? fp / neg : 0.0, pos > 0 ? tp / pos : 0.0});
  }
  if (roc.back().fpr < 1.0 || roc.back().tpr < 1.0) roc.push_back({-1e-9, 1.0, 1.0});
  return roc;
}

std::string EvaluationMarkdown(const EvaluationReport& r, const std::string& cases_note) {
  std::string md = "# Evaluation of " + r.bundle_name + " " + r.bundle_version + "\n\n";
  md += cases_note + "\n\n";
  md +=
      "Synthetic phantoms, not patients: these numbers say the machinery works end to end, "
      "not how the models would do on real CT.\n\n";
  md += "| metric | seed paper (deployed, real CT) | this bundle (phantoms) |\n";
  md += "|---|---|---|\n";
  md += "| lesion Dice (mean over cases with lesions) | 0.754 | " + Fixed(r.lesion_dice) + " |\n";
  md += "| lesion Dice (all voxels pooled) | – | " + Fixed(r.lesion_dice_pooled) + " |\n";
  md += "| lung Dice (mean) | – | " + Fixed(r.lung_dice) + " |\n";
  md += "| case AUC (COVID-19 vs not) | 0.991 | " + Fixed(r.auc) + " |\n";
  md += "| sensitivity at threshold " + Fixed(r.threshold, 2) + " | 0.974 | " +
        Fixed(r.sensitivity) + " (" + std::to_string(r.positives) + " positive cases) |\n";
  md += "| specificity at threshold " + Fixed(r.threshold, 2) + " | 0.922 | " +
        Fixed(r.specificity) + " (" + std::to_string(r.negatives) + " negative cases) |\n\n";
  md +=
      "ROC curve: roc.svg. Sensitivity and specificity take verdict `covid19_likely` as the "
      "positive call (a case without lesions is negative).\n\n";
  md +=
      "Lesion by lesion (a truth lesion is detected when a found lesion covers one of its "
      "voxels; a false finding is a found lesion on no truth lesion):\n\n";
  md +=
      "| case class | cases | truth lesions detected | found lesions | false findings | "
      "false findings per case | lesion Dice (mean) | case probability (lowest-highest) |\n";
  md += "|---|---|---|---|---|---|---|---|\n";
  for (const ClassDetection& k : r.by_class) {
    const LesionDetection& d = k.lesions;
    md += "| " + k.truth_class + " | " + std::to_string(k.cases) + " | " +
          std::to_string(d.detected) + " of " + std::to_string(d.truth) + " | " +
          std::to_string(d.found) + " | " + std::to_string(d.false_findings) + " | " +
          Fixed(k.cases ? static_cast<double>(d.false_findings) / k.cases : 0.0, 1) + " | " +
          (k.lesion_dice < 0 ? std::string("–") : Fixed(k.lesion_dice)) + " | " +
          Fixed(k.lowest_probability) + "-" + Fixed(k.highest_probability) + " |\n";
  }
  md += "\n";
  md +=
      "| case | truth | verdict | probability | lesions found | truth lesions detected | "
      "false findings | lesion Dice | lung Dice | s |\n";
  md += "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const CaseScore& c : r.cases) {
    md += "| " + c.name + " | " + c.truth_class + " | " + c.verdict + " | " + Fixed(c.probability) +
          " | " + std::to_string(c.lesions_found) + " | " + std::to_string(c.detection.detected) +
          "/" + std::to_string(c.detection.truth) + " | " +
          std::to_string(c.detection.false_findings) + " | " +
          (c.lesion_dice < 0 ? std::string("–") : Fixed(c.lesion_dice)) + " | " +
          Fixed(c.lung_dice) + " | " + Fixed(c.seconds, 1) + " |\n";
  }
  return md;
}

std::string RocSvg(const EvaluationReport& r) {
  constexpr double kSize = 360, kPad = 50;
  auto x = [&](double fpr) { return kPad + fpr * kSize; };
  auto y = [&](double tpr) { return kPad + (1.0 - tpr) * kSize; };
  std::string points;
  for (const RocPoint& p : r.roc) points += Fixed(x(p.fpr), 1) + "," + Fixed(y(p.tpr), 1) + " ";
  const int w = static_cast<int>(kSize + 2 * kPad);
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(w) +
                    "\" height=\"" + std::to_string(w) + "\" font-family=\"sans-serif\" " +
                    "font-size=\"12\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += "<rect x=\"" + Fixed(kPad, 0) + "\" y=\"" + Fixed(kPad, 0) + "\" width=\"" +
         Fixed(kSize, 0) + "\" height=\"" + Fixed(kSize, 0) +
         "\" fill=\"none\" stroke=\"black\"/>\n";
  svg += "<line x1=\"" + Fixed(x(0), 1) + "\" y1=\"" + Fixed(y(0), 1) + "\" x2=\"" +
         Fixed(x(1), 1) + "\" y2=\"" + Fixed(y(1), 1) +
         "\" stroke=\"gray\" stroke-dasharray=\"4 4\"/>\n";
  svg += "<polyline points=\"" + points + "\" fill=\"none\" stroke=\"#c00\" stroke-width=\"2\"/>\n";
  for (int t = 0; t <= 4; ++t) {
    const double v = t / 4.0;
    svg += "<text x=\"" + Fixed(x(v) - 8, 1) + "\" y=\"" + Fixed(kPad + kSize + 16, 1) + "\">" +
           Fixed(v, 2) + "</text>\n";
    svg += "<text x=\"" + Fixed(kPad - 36, 1) + "\" y=\"" + Fixed(y(v) + 4, 1) + "\">" +
           Fixed(v, 2) + "</text>\n";
  }
  svg += "<text x=\"" + Fixed(kPad + kSize / 2 - 60, 1) + "\" y=\"" + Fixed(kPad + kSize + 36, 1) +
         "\">1 - specificity</text>\n";
  svg += "<text transform=\"translate(14," + Fixed(kPad + kSize / 2 + 30, 1) +
         ") rotate(-90)\">sensitivity</text>\n";
  svg += "<text x=\"" + Fixed(kPad, 1) + "\" y=\"30\">ROC, " + r.bundle_name + " " +
         r.bundle_version + ": AUC " + Fixed(r.auc) + " (" + std::to_string(r.positives) +
         " pos, " + std::to_string(r.negatives) + " neg)</text>\n";
  svg += "</svg>\n";
  return svg;
}

}  // namespace ctscreen::training
