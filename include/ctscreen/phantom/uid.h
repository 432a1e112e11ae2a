// DICOM UIDs derived from the seed, so the same seed gives the same study, series and instance
// UIDs: 2.25.<128-bit number> (PS3.5 B.2), which needs no registered root.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ctscreen::phantom {

// purpose names what the UID identifies ("study", "series", "instance", ...); n tells apart
// instances of the same purpose.
std::string DerivedUid(std::uint64_t seed, int case_index, std::string_view purpose,
                       std::uint64_t n = 0);

}  // namespace ctscreen::phantom
