// Minimal PNG encoder (8-bit grey or RGB, zlib), so previews need no image library.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ctscreen::phantom {

// channels is 1 (grey) or 3 (RGB); pixels are row-major, width * height * channels bytes.
std::string EncodePng(const std::vector<std::uint8_t>& pixels, int width, int height, int channels);

}  // namespace ctscreen::phantom
