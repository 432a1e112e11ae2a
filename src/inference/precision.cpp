#include "ctscreen/inference/precision.h"

#include <algorithm>

namespace ctscreen::inference {

core::Result<Precision> ParsePrecision(const std::string& name) {
  if (name == "fp32") return Precision::kFp32;
  if (name == "tf32") return Precision::kTf32;
  if (name == "bf16") return Precision::kBf16;
  if (name == "fp16") return Precision::kFp16;
  return core::Status(core::ErrorCode::kInvalidArgument,
                      "precision '" + name + "' is unknown; allowed: fp32, tf32, bf16, fp16");
}

const char* PrecisionName(Precision precision) {
  switch (precision) {
    case Precision::kFp32:
      return "fp32";
    case Precision::kTf32:
      return "tf32";
    case Precision::kBf16:
      return "bf16";
    case Precision::kFp16:
      return "fp16";
  }
  return "fp32";
}

core::Result<Precision> ResolvePrecision(const std::string& requested,
                                         const std::vector<std::string>& allowed, bool is_cuda) {
  // Reduced precision on CPU is slower than fp32 with this LibTorch, and pipeline.precision is
  // one setting for all devices: the CPU worker keeps fp32 whatever the GPUs use.
  if (!is_cuda) return Precision::kFp32;
  if (requested == "auto") {
    if (allowed.empty()) return Precision::kFp32;
    return ParsePrecision(allowed.front());
  }
  core::Result<Precision> precision = ParsePrecision(requested);
  if (!precision.ok()) return precision;
  if (std::find(allowed.begin(), allowed.end(), requested) == allowed.end()) {
    std::string list;
    for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
    return core::Status(
        core::ErrorCode::kInvalidConfig,
        "precision " + requested + " requested, but the bundle allows only [" + list + "]");
  }
  return precision;
}

}  // namespace ctscreen::inference
