#include "ctscreen/imaging/window.h"

namespace ctscreen::imaging {

void ApplyWindow(const float* in, std::size_t count, const Window& w, float* out) {
  // Multiply by the reciprocal: one division per buffer, and the loop vectorises.
  const float scale = 1.0f / (w.high - w.low);
  for (std::size_t i = 0; i < count; ++i) {
    out[i] = std::clamp((in[i] - w.low) * scale, 0.0f, 1.0f);
  }
}

}  // namespace ctscreen::imaging
