// Numeric precision of a forward pass. CPU always runs fp32; CUDA devices run what the
// configuration asks for, within what the bundle's manifest allows.
#pragma once

#include <string>
#include <vector>

#include "ctscreen/core/status.h"

namespace ctscreen::inference {

enum class Precision { kFp32, kTf32, kBf16, kFp16 };
core::Result<Precision> ParsePrecision(const std::string& name);
const char* PrecisionName(Precision precision);

// REQUESTED is pipeline.precision ("auto" or a name); ALLOWED is the manifest's list, most
// preferred first. "auto" on CUDA takes the bundle's first choice.
core::Result<Precision> ResolvePrecision(const std::string& requested,
                                         const std::vector<std::string>& allowed, bool is_cuda);

}  // namespace ctscreen::inference
