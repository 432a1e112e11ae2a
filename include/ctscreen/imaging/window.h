// HU windowing to the [0, 1] range the models were trained on.
#pragma once

#include <algorithm>
#include <cstddef>

#include "ctscreen/imaging/model_input.h"

namespace ctscreen::imaging {

// Inline: it runs once per voxel of every model input.
inline float ApplyWindow(float hu, const Window& w) {
  const float t = (hu - w.low) / (w.high - w.low);
  return std::clamp(t, 0.0f, 1.0f);
}

// out[i] = ApplyWindow(in[i], w).
void ApplyWindow(const float* in, std::size_t count, const Window& w, float* out);

}  // namespace ctscreen::imaging
