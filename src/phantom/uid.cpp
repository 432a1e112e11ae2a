#include "ctscreen/phantom/uid.h"

#include <algorithm>

#include "ctscreen/phantom/random.h"

namespace ctscreen::phantom {

std::string DerivedUid(std::uint64_t seed, int case_index, std::string_view purpose,
                       std::uint64_t n) {
  std::uint64_t tag = 1469598103934665603ull;  // FNV-1a of the purpose
  for (char c : purpose) tag = (tag ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  std::uint64_t hi = MixSeed(seed, static_cast<std::uint64_t>(case_index) ^ (tag << 1), n);
  std::uint64_t lo = SplitMix64(hi ^ tag ^ 0xA5A5A5A5A5A5A5A5ull);
  unsigned __int128 value = (static_cast<unsigned __int128>(hi) << 64) | lo;
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  } while (value != 0);
  std::reverse(digits.begin(), digits.end());
  return "2.25." + digits;
}

}  // namespace ctscreen::phantom
