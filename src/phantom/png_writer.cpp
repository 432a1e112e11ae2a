#include "ctscreen/phantom/png_writer.h"

#include <zlib.h>

#include <array>

namespace ctscreen::phantom {
namespace {

void PutU32(std::string* out, std::uint32_t v) {
  out->push_back(static_cast<char>(v >> 24));
  out->push_back(static_cast<char>(v >> 16));
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}

void PutChunk(std::string* out, const char* type, const std::string& data) {
  PutU32(out, static_cast<std::uint32_t>(data.size()));
  std::string body = std::string(type, 4) + data;
  out->append(body);
  uLong crc =
      crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
  PutU32(out, static_cast<std::uint32_t>(crc));
}

}  // namespace

std::string EncodePng(const std::vector<std::uint8_t>& pixels, int width, int height,
                      int channels) {
  // Each scanline is prefixed with filter type 0 (none).
  const std::size_t stride = static_cast<std::size_t>(width) * channels;
  std::string raw;
  raw.reserve((stride + 1) * height);
  for (int y = 0; y < height; ++y) {
    raw.push_back('\0');
    raw.append(reinterpret_cast<const char*>(pixels.data() + y * stride), stride);
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
            reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()), 6);
  packed.resize(packed_size);

  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string header;
  PutU32(&header, static_cast<std::uint32_t>(width));
  PutU32(&header, static_cast<std::uint32_t>(height));
  header.push_back(8);                      // bit depth
  header.push_back(channels == 3 ? 2 : 0);  // colour type: RGB or grey
  header.append(std::string("\0\0\0", 3));  // compression, filter, interlace
  PutChunk(&png, "IHDR", header);
  PutChunk(&png, "IDAT", packed);
  PutChunk(&png, "IEND", "");
  return png;
}

}  // namespace ctscreen::phantom
