// The case-level rules, as pure functions: they decide what the radiologist reads, so they are
// tested on their own, without any model.
#pragma once

#include <string>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/inference/screening.h"

namespace ctscreen::inference {

enum class Combine { kMax, kNoisyOr, kMean };
core::Result<Combine> ParseCombine(const std::string& name);
const char* CombineName(Combine combine);

// The case probability from its lesions' COVID-19-like probabilities; 0 without lesions.
double CombineLesionProbabilities(const std::vector<double>& probabilities, Combine combine);

struct VerdictRules {
  double min_lung_volume_ml = 500.0;
  double min_lesion_volume_ml = 0.0;
  double threshold = 0.5;
};

struct VerdictDecision {
  Verdict verdict = Verdict::kNotAssessable;
  std::string reason;  // only for not_assessable
};

// Too little lung means the series is not a chest CT (or the lungs were not found): calling
// it negative would be a false reassurance, so it is not assessable. Lesions below the
// minimum volume do not count.
VerdictDecision DecideVerdict(double lung_volume_ml, const std::vector<double>& lesion_volumes_ml,
                              double case_probability, const VerdictRules& rules);

}  // namespace ctscreen::inference
