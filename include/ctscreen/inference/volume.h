// Volumes cross into the inference module as plain buffers, so that callers (the pipeline,
// the imaging module) never see a tensor and this module never sees an ITK image.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ctscreen::inference {

// Voxel (x, y, z) lives at index (z * size_y + y) * size_x + x: z slowest, as tensors
// (N, C, D, H, W) = (..., z, y, x) expect.
template <typename T>
struct Grid {
  std::vector<T> voxels;
  std::array<int, 3> size_xyz{0, 0, 0};
  std::array<double, 3> spacing_xyz{1.0, 1.0, 1.0};  // mm

  std::size_t NumVoxels() const {
    return static_cast<std::size_t>(size_xyz[0]) * size_xyz[1] * size_xyz[2];
  }
  double VoxelVolumeMl() const { return spacing_xyz[0] * spacing_xyz[1] * spacing_xyz[2] / 1000.0; }
  std::size_t Index(int x, int y, int z) const {
    return (static_cast<std::size_t>(z) * size_xyz[1] + y) * size_xyz[0] + x;
  }
  T& at(int x, int y, int z) { return voxels[Index(x, y, z)]; }
  const T& at(int x, int y, int z) const { return voxels[Index(x, y, z)]; }
};

// CT intensities in HU, already resampled to the bundle's input spacing.
using Volume = Grid<float>;
// 0 background, 1 foreground (lungs).
using Mask = Grid<std::uint8_t>;
// 0 background, 1..n one label per lesion.
using LabelMap = Grid<std::uint16_t>;

// An empty grid with the geometry of another.
template <typename T, typename U>
Grid<T> LikeGrid(const Grid<U>& other) {
  Grid<T> grid;
  grid.size_xyz = other.size_xyz;
  grid.spacing_xyz = other.spacing_xyz;
  grid.voxels.assign(other.NumVoxels(), T{0});
  return grid;
}

}  // namespace ctscreen::inference
