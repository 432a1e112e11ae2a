// HU constants shared by the reader (no ITK) and the imaging code.
#pragma once

#include <cstdint>

namespace ctscreen::imaging {

// HU the reader writes for padding and anything below the CT scale (outside the
// reconstruction circle): air at the bottom of the scale, where every window starts.
inline constexpr std::int16_t kAirHu = -1024;

}  // namespace ctscreen::imaging
