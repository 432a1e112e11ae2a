// What one screening found: the module's answer to the pipeline, free of torch types.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "ctscreen/inference/volume.h"

namespace ctscreen::inference {

enum class Verdict { kCovid19Likely, kCovid19Unlikely, kNoLesion, kNotAssessable };
// "covid19_likely", "covid19_unlikely", "no_lesion", "not_assessable" (result.json).
const char* VerdictName(Verdict verdict);

enum class LesionClass { kCovid19Like, kOther };
// "covid19_like", "other".
const char* LesionClassName(LesionClass lesion_class);

struct Lesion {
  int id = 0;  // its label in Screening::lesion_map
  LesionClass lesion_class = LesionClass::kOther;
  double probability = 0.0;  // of being COVID-19-like
  double volume_ml = 0.0;
  std::array<double, 3> centroid_xyz{0, 0, 0};  // voxel coordinates of the input grid
};

struct StageTimingsMs {
  double lung_seg = 0;
  double lesion_seg = 0;
  double classify = 0;
  double total = 0;
};

struct Screening {
  Mask lung_mask;
  LabelMap lesion_map;
  // The lesion model's probability of "lesion" per voxel of the input grid, 0 outside the box
  // it ran on (the lungs' box); empty unless ScreenerOptions::keep_lesion_probability and the
  // lesion stage ran (not when the lungs were too small to assess).
  Volume lesion_probability;
  std::vector<Lesion> lesions;
  double lung_volume_ml = 0.0;
  double probability = 0.0;  // case probability, lesion probabilities combined per manifest
  double threshold = 0.5;
  Verdict verdict = Verdict::kNotAssessable;
  std::string reason;  // set when not_assessable
  StageTimingsMs timings_ms;
  std::string device;     // "cpu", "cuda:0"
  std::string precision;  // what actually ran: "fp32", "tf32", "bf16", "fp16"
};

}  // namespace ctscreen::inference
