#include "ctscreen/phantom/noise.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "ctscreen/phantom/anatomy.h"

namespace ctscreen::phantom {

int MinStorableHu(const Acquisition& acq) {
  double min_stored = acq.signed_pixels ? -std::pow(2.0, acq.bits_stored - 1) : 0.0;
  return static_cast<int>(std::max(-32768.0, min_stored + acq.rescale_intercept));
}

int MaxStorableHu(const Acquisition& acq) {
  double max_stored = acq.signed_pixels ? std::pow(2.0, acq.bits_stored - 1) - 1
                                        : std::pow(2.0, acq.bits_stored) - 1;
  return static_cast<int>(std::min(32767.0, max_stored + acq.rescale_intercept));
}

void ApplyNoiseAndFieldOfView(const Acquisition& acq, const Geometry& g, Rng& rng, std::int16_t* hu,
                              std::uint8_t* tissue) {
  // One Gaussian table, read from a random offset per row: a normal deviate per voxel would
  // cost more than drawing the whole anatomy.
  constexpr std::size_t kTable = 1u << 20;
  std::vector<float> table(kTable + static_cast<std::size_t>(g.size[0]));
  for (float& v : table) v = static_cast<float>(rng.Normal() * acq.noise_sd_hu);

  const int lo = std::max(MinStorableHu(acq), -1024);
  const int hi = MaxStorableHu(acq);
  const double ci = (g.size[0] - 1) / 2.0, cj = (g.size[1] - 1) / 2.0;
  const double radius = std::min(g.size[0], g.size[1]) / 2.0;
  const auto padding = static_cast<std::int16_t>(acq.padding_hu);
  for (int k = 0; k < g.size[2]; ++k) {
    for (int j = 0; j < g.size[1]; ++j) {
      const std::size_t row = g.Offset(0, j, k);
      const float* noise = &table[rng.Next() % kTable];
      int i_lo = 0, i_hi = g.size[0] - 1;
      if (acq.circular_fov) {
        double dj = j - cj;
        double half = radius * radius - dj * dj;
        if (half <= 0) {
          i_lo = 1;
          i_hi = 0;
        } else {
          double w = std::sqrt(half);
          i_lo = std::max(0, static_cast<int>(std::ceil(ci - w)));
          i_hi = std::min(g.size[0] - 1, static_cast<int>(std::floor(ci + w)));
        }
      }
      for (int i = 0; i < g.size[0]; ++i) {
        if (i < i_lo || i > i_hi) {
          hu[row + i] = padding;
          tissue[row + i] = kAirOutsideFov;
          continue;
        }
        int v = static_cast<int>(std::lround(hu[row + i] + noise[i]));
        hu[row + i] = static_cast<std::int16_t>(std::clamp(v, lo, hi));
      }
    }
  }
}

}  // namespace ctscreen::phantom
