// Voxel grids of a phantom: the CT in HU, tissue labels and masks all share one Geometry, which
// is also what the DICOM slices and the NRRD masks are written with.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ctscreen::phantom {

using Vec3 = std::array<double, 3>;

struct Geometry {
  std::array<int, 3> size{0, 0, 0};        // columns (i), rows (j), slices (k)
  std::array<double, 3> spacing{1, 1, 1};  // mm between voxel centres along i, j, k
  Vec3 origin{0, 0, 0};                    // LPS mm of the centre of voxel (0, 0, 0)
  // direction[a] is the LPS unit vector of index axis a. Phantoms are axial, so each is +-1 on
  // its own axis; i runs right-to-left (or left-to-right feet first), k runs inferior-superior.
  std::array<Vec3, 3> direction{Vec3{1, 0, 0}, Vec3{0, 1, 0}, Vec3{0, 0, 1}};

  std::size_t VoxelCount() const { return static_cast<std::size_t>(size[0]) * size[1] * size[2]; }
  std::size_t SliceVoxels() const { return static_cast<std::size_t>(size[0]) * size[1]; }
  double VoxelVolumeMm3() const { return spacing[0] * spacing[1] * spacing[2]; }
  std::size_t Offset(int i, int j, int k) const {
    return (static_cast<std::size_t>(k) * size[1] + j) * size[0] + i;
  }
  Vec3 IndexToWorld(double i, double j, double k) const {
    Vec3 p = origin;
    const double idx[3] = {i, j, k};
    for (int a = 0; a < 3; ++a) {
      for (int c = 0; c < 3; ++c) p[c] += direction[a][c] * spacing[a] * idx[a];
    }
    return p;
  }
  // Exact inverse of IndexToWorld for the orthonormal directions used here.
  Vec3 WorldToIndex(const Vec3& p) const {
    Vec3 idx{0, 0, 0};
    for (int a = 0; a < 3; ++a) {
      double dot = 0;
      for (int c = 0; c < 3; ++c) dot += direction[a][c] * (p[c] - origin[c]);
      idx[a] = dot / spacing[a];
    }
    return idx;
  }
};

template <typename T>
struct Volume {
  Geometry geometry;
  std::vector<T> voxels;

  Volume() = default;
  explicit Volume(const Geometry& g, T fill = T{}) : geometry(g), voxels(g.VoxelCount(), fill) {}
  T& at(int i, int j, int k) { return voxels[geometry.Offset(i, j, k)]; }
  const T& at(int i, int j, int k) const { return voxels[geometry.Offset(i, j, k)]; }
};

using HuVolume = Volume<std::int16_t>;
using LabelVolume = Volume<std::uint8_t>;

}  // namespace ctscreen::phantom
