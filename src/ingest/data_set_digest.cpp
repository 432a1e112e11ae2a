#include <openssl/evp.h>

#include <cstdint>
#include <fstream>
#include <vector>

#include "ctscreen/ingest/series_tracker.h"

namespace ctscreen::ingest {

core::Result<std::string> DataSetDigest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::Status(core::ErrorCode::kIoError, "cannot read " + path);
  // Part 10 layout: 128-byte preamble, "DICM", then (0002,0000) UL group length, explicit VR.
  std::vector<char> head(144);
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  std::streamoff skip = 0;
  if (in.gcount() == 144 && std::string(head.data() + 128, 4) == "DICM" && head[132] == 0x02 &&
      head[133] == 0 && head[134] == 0 && head[135] == 0) {
    auto b = [&](int i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(head[i])); };
    std::uint32_t group_length = b(140) | b(141) << 8 | b(142) << 16 | b(143) << 24;
    skip = 144 + static_cast<std::streamoff>(group_length);
  }
  in.clear();
  in.seekg(skip);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() > 0) EVP_DigestUpdate(ctx, buf.data(), static_cast<size_t>(in.gcount()));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

}  // namespace ctscreen::ingest
