// The geometry of a voxel grid in patient coordinates (DICOM LPS, mm), as plain numbers so
// modules without ITK (inference, the SEG/SR writers, result.json) can place voxels exactly.
#pragma once

#include <array>
#include <cstddef>

namespace ctscreen::imaging {

using Vec3 = std::array<double, 3>;

struct GeometryInfo {
  std::array<int, 3> size{0, 0, 0};        // voxels along index axes i (columns), j (rows), k
  std::array<double, 3> spacing{1, 1, 1};  // mm between voxel centres along i, j, k
  Vec3 origin{0, 0, 0};                    // LPS mm of the centre of voxel (0, 0, 0)
  // direction[a] is the LPS unit vector of index axis a (ITK's direction matrix column a).
  std::array<Vec3, 3> direction{Vec3{1, 0, 0}, Vec3{0, 1, 0}, Vec3{0, 0, 1}};

  std::size_t VoxelCount() const { return static_cast<std::size_t>(size[0]) * size[1] * size[2]; }
  double VoxelVolumeMm3() const { return spacing[0] * spacing[1] * spacing[2]; }
  Vec3 IndexToWorld(double i, double j, double k) const {
    Vec3 p = origin;
    const double idx[3] = {i, j, k};
    for (int a = 0; a < 3; ++a) {
      for (int c = 0; c < 3; ++c) p[c] += direction[a][c] * spacing[a] * idx[a];
    }
    return p;
  }
  // Continuous index of a point; exact for the orthonormal directions DICOM stacks have.
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

// A box of voxels in some grid's index space: [begin, begin + size) on each axis.
struct IndexBox {
  std::array<int, 3> begin{0, 0, 0};
  std::array<int, 3> size{0, 0, 0};

  bool empty() const { return size[0] <= 0 || size[1] <= 0 || size[2] <= 0; }
};

}  // namespace ctscreen::imaging
