#include "ctscreen/phantom/nrrd_writer.h"

#include <zlib.h>

#include <cstdio>

#include "ctscreen/core/durable_file.h"

namespace ctscreen::phantom {
namespace {

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.10g", v);
  return buf;
}

// gzip stream (not zlib): the NRRD "gzip" encoding.
std::string Gzip(const std::uint8_t* data, std::size_t size) {
  z_stream zs{};
  // Level 1: masks are mostly zeros and compress well even at the fastest level.
  deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(size)) + 64);
  zs.next_in = const_cast<Bytef*>(data);
  zs.avail_in = static_cast<uInt>(size);
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

}  // namespace

std::string EncodeNrrd(const LabelVolume& volume,
                       const std::map<std::string, std::string>& fields) {
  const Geometry& g = volume.geometry;
  std::string h = "NRRD0004\n";
  h += "# ctscreen phantom ground truth\n";
  h += "type: uint8\n";
  h += "dimension: 3\n";
  h += "space: left-posterior-superior\n";
  h += "sizes: " + std::to_string(g.size[0]) + " " + std::to_string(g.size[1]) + " " +
       std::to_string(g.size[2]) + "\n";
  h += "space directions:";
  for (int a = 0; a < 3; ++a) {
    h += " (" + Number(g.direction[a][0] * g.spacing[a]) + "," +
         Number(g.direction[a][1] * g.spacing[a]) + "," + Number(g.direction[a][2] * g.spacing[a]) +
         ")";
  }
  h += "\nkinds: domain domain domain\n";
  h += "encoding: gzip\n";
  h += "space origin: (" + Number(g.origin[0]) + "," + Number(g.origin[1]) + "," +
       Number(g.origin[2]) + ")\n";
  for (const auto& [key, value] : fields) h += key + ":=" + value + "\n";
  h += "\n";
  return h + Gzip(volume.voxels.data(), volume.voxels.size());
}

core::Status WriteNrrd(const LabelVolume& volume, const std::map<std::string, std::string>& fields,
                       const std::string& path) {
  return core::WriteFileDurably(path, EncodeNrrd(volume, fields));
}

}  // namespace ctscreen::phantom
