#include "ctscreen/imaging/window.h"

namespace ctscreen::imaging {

void ApplyWindow(const float* in, std::size_t count, const Window& w, float* out) {
  // A true division (not a multiply by the reciprocal) keeps both edges exact: low -> 0 and
  // high -> (high - low) / (high - low) = 1. min/max instead of std::clamp, so the loop
  // vectorises (the file is built with -O3; see CMakeLists.txt).
  const float width = w.high - w.low;
  const float low = w.low;
  for (std::size_t i = 0; i < count; ++i) {
    const float t = (in[i] - low) / width;
    out[i] = std::min(std::max(t, 0.0f), 1.0f);
  }
}

}  // namespace ctscreen::imaging
