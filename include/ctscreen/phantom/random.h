// Random numbers that are the same on every platform and standard library: std::mt19937_64 is
// fully specified, but std::uniform_real_distribution and std::normal_distribution are not, so
// the distributions are written here.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace ctscreen::phantom {

// splitmix64 finaliser: spreads nearby inputs (seed 1, seed 2) over the whole 64-bit range.
inline std::uint64_t SplitMix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Independent stream per (seed, a, b): case k of a set never depends on how many cases come
// before it, and the anatomy of a case does not change when its acquisition is overridden.
inline std::uint64_t MixSeed(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0) {
  return SplitMix64(SplitMix64(SplitMix64(seed) ^ a) ^ (b * 0xD6E8FEB86659FD93ull));
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t Next() { return engine_(); }
  // [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Inclusive on both ends.
  int Int(int lo, int hi) {
    int v = lo + static_cast<int>(Uniform() * (hi - lo + 1));
    return v > hi ? hi : v;
  }
  bool Chance(double p) { return Uniform() < p; }
  double Sign() { return Chance(0.5) ? 1.0 : -1.0; }
  // Box–Muller; keeps the second value of each pair.
  double Normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1 = 0.0;
    while (u1 <= 1e-300) u1 = Uniform();
    double u2 = Uniform();
    double radius = std::sqrt(-2.0 * std::log(u1));
    spare_ = radius * std::sin(6.283185307179586 * u2);
    has_spare_ = true;
    return radius * std::cos(6.283185307179586 * u2);
  }
  double Normal(double mean, double sd) { return mean + sd * Normal(); }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(Int(0, static_cast<int>(items.size()) - 1))];
  }

 private:
  std::mt19937_64 engine_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace ctscreen::phantom
