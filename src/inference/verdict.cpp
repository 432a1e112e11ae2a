#include "ctscreen/inference/verdict.h"

#include <algorithm>
#include <cstdio>

namespace ctscreen::inference {

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kCovid19Likely:
      return "covid19_likely";
    case Verdict::kCovid19Unlikely:
      return "covid19_unlikely";
    case Verdict::kNoLesion:
      return "no_lesion";
    case Verdict::kNotAssessable:
      return "not_assessable";
  }
  return "not_assessable";
}

const char* LesionClassName(LesionClass lesion_class) {
  return lesion_class == LesionClass::kCovid19Like ? "covid19_like" : "other";
}

core::Result<Combine> ParseCombine(const std::string& name) {
  if (name == "max") return Combine::kMax;
  if (name == "noisy_or") return Combine::kNoisyOr;
  if (name == "mean") return Combine::kMean;
  return core::Status(core::ErrorCode::kInvalidArgument,
                      "combine '" + name + "' is unknown; allowed: max, noisy_or, mean");
}

const char* CombineName(Combine combine) {
  switch (combine) {
    case Combine::kMax:
      return "max";
    case Combine::kNoisyOr:
      return "noisy_or";
    case Combine::kMean:
      return "mean";
  }
  return "max";
}

double CombineLesionProbabilities(const std::vector<double>& probabilities, Combine combine) {
  if (probabilities.empty()) return 0.0;
  switch (combine) {
    case Combine::kMax:
      return *std::max_element(probabilities.begin(), probabilities.end());
    case Combine::kNoisyOr: {
      // The case is negative only if every lesion is: 1 - prod(1 - p).
      double all_negative = 1.0;
      for (double p : probabilities) all_negative *= 1.0 - p;
      return 1.0 - all_negative;
    }
    case Combine::kMean: {
      double sum = 0.0;
      for (double p : probabilities) sum += p;
      return sum / static_cast<double>(probabilities.size());
    }
  }
  return 0.0;
}

VerdictDecision DecideVerdict(double lung_volume_ml, const std::vector<double>& lesion_volumes_ml,
                              double case_probability, const VerdictRules& rules) {
  if (lung_volume_ml < rules.min_lung_volume_ml) {
    char reason[160];
    std::snprintf(reason, sizeof(reason),
                  "no lungs found in the series (is it a chest CT?): %.0f mL of lung, at least "
                  "%.0f mL expected",
                  lung_volume_ml, rules.min_lung_volume_ml);
    return {Verdict::kNotAssessable, reason};
  }
  bool any_lesion = std::any_of(lesion_volumes_ml.begin(), lesion_volumes_ml.end(),
                                [&](double v) { return v >= rules.min_lesion_volume_ml; });
  if (!any_lesion) return {Verdict::kNoLesion, ""};
  if (case_probability >= rules.threshold) return {Verdict::kCovid19Likely, ""};
  return {Verdict::kCovid19Unlikely, ""};
}

}  // namespace ctscreen::inference
