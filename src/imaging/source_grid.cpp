// Written as plain loops rather than an ITK resampler: the mapping is affine, so each source
// row is a straight walk through the model grid, and each source slice is filled on its own.
#include "ctscreen/imaging/source_grid.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace ctscreen::imaging {
namespace {

using core::ErrorCode;
using core::Status;

Status CheckInputs(std::size_t count, const GeometryInfo& model_grid, const GeometryInfo& source,
                   const IndexBox& crop) {
  if (count != model_grid.VoxelCount()) {
    return Status(ErrorCode::kInvalidArgument, "mask size does not match its model grid");
  }
  for (int a = 0; a < 3; ++a) {
    if (crop.begin[a] < 0 || crop.size[a] < 0 || crop.begin[a] + crop.size[a] > source.size[a]) {
      return Status(ErrorCode::kInvalidArgument, "the crop box lies outside the source grid");
    }
  }
  return Status::Ok();
}

// The model's continuous index of source voxel (0, 0, 0) and of one step along each source
// axis.
struct IndexMap {
  Vec3 origin;
  Vec3 step[3];
};

IndexMap MapIndices(const GeometryInfo& model_grid, const GeometryInfo& source) {
  IndexMap map;
  map.origin = model_grid.WorldToIndex(source.IndexToWorld(0, 0, 0));
  for (int a = 0; a < 3; ++a) {
    const Vec3 e = model_grid.WorldToIndex(
        source.IndexToWorld(a == 0 ? 1 : 0, a == 1 ? 1 : 0, a == 2 ? 1 : 0));
    for (int c = 0; c < 3; ++c) map.step[a][c] = e[c] - map.origin[c];
  }
  return map;
}

// Calls fill(k, j, i, model continuous index) for every source voxel of the crop box.
template <typename Fill>
void ForEachSourceVoxel(const GeometryInfo& model_grid, const GeometryInfo& source,
                        const IndexBox& crop, Fill fill) {
  const IndexMap map = MapIndices(model_grid, source);
  const Vec3& o = map.origin;
  const Vec3* step = map.step;
  for (int k = crop.begin[2]; k < crop.begin[2] + crop.size[2]; ++k) {
    for (int j = crop.begin[1]; j < crop.begin[1] + crop.size[1]; ++j) {
      for (int i = crop.begin[0]; i < crop.begin[0] + crop.size[0]; ++i) {
        Vec3 m;
        for (int c = 0; c < 3; ++c) m[c] = o[c] + step[0][c] * i + step[1][c] * j + step[2][c] * k;
        fill(k, j, i, m);
      }
    }
  }
}

bool Inside(const Vec3& m, const GeometryInfo& g) {
  for (int a = 0; a < 3; ++a) {
    if (m[a] < -0.5 || m[a] >= g.size[a] - 0.5) return false;
  }
  return true;
}

// The nearest index along an axis of N voxels to a continuous index inside it (-0.5 rounds
// away from zero, to -1: that edge belongs to voxel 0).
std::size_t Nearest(double m, int n) {
  return static_cast<std::size_t>(std::clamp<long>(std::lround(m), 0, n - 1));
}

// Whether each source axis runs along one model axis only (the model grid is built from the
// source's directions, so it does unless a caller mixes grids): then the nearest model index
// along each axis is a table, and mapping a mask is a gather. An off-axis drift under 1e-9
// voxel over the whole grid could only move a voxel centre lying that close to a boundary.
bool AxisAligned(const IndexMap& map, const GeometryInfo& source) {
  for (int a = 0; a < 3; ++a) {
    for (int c = 0; c < 3; ++c) {
      if (a != c && std::abs(map.step[a][c]) * source.size[a] > 1e-9) return false;
    }
  }
  return true;
}

}  // namespace

core::Result<LabelImage::Pointer> ToSourceGrid(const std::vector<std::uint8_t>& labels,
                                               const GeometryInfo& model_grid,
                                               const GeometryInfo& source,
                                               const IndexBox& source_crop) {
  if (Status st = CheckInputs(labels.size(), model_grid, source, source_crop); !st.ok()) return st;
  LabelImage::Pointer out = NewLabelImage(source, 0);
  std::uint8_t* dst = out->GetBufferPointer();
  const std::size_t nx = source.size[0], ny = source.size[1];
  const auto& ms = model_grid.size;
  const IndexMap map = MapIndices(model_grid, source);
  if (AxisAligned(map, source)) {
    // Per axis, the nearest model index of each source index in the crop, -1 outside the model
    // grid (the same rounding and bounds as the general walk below).
    std::array<std::vector<std::int64_t>, 3> nearest;
    for (int a = 0; a < 3; ++a) {
      nearest[a].assign(source.size[a], -1);
      for (int n = source_crop.begin[a]; n < source_crop.begin[a] + source_crop.size[a]; ++n) {
        const double m = map.origin[a] + map.step[a][a] * n;
        if (m >= -0.5 && m < ms[a] - 0.5)
          nearest[a][n] = static_cast<std::int64_t>(Nearest(m, ms[a]));
      }
    }
    for (int k = source_crop.begin[2]; k < source_crop.begin[2] + source_crop.size[2]; ++k) {
      if (nearest[2][k] < 0) continue;
      for (int j = source_crop.begin[1]; j < source_crop.begin[1] + source_crop.size[1]; ++j) {
        if (nearest[1][j] < 0) continue;
        const std::uint8_t* row =
            labels.data() +
            (static_cast<std::size_t>(nearest[2][k]) * ms[1] + nearest[1][j]) * ms[0];
        std::uint8_t* out_row = dst + (static_cast<std::size_t>(k) * ny + j) * nx;
        for (int i = source_crop.begin[0]; i < source_crop.begin[0] + source_crop.size[0]; ++i) {
          if (nearest[0][i] >= 0) out_row[i] = row[nearest[0][i]];
        }
      }
    }
    return out;
  }
  ForEachSourceVoxel(model_grid, source, source_crop, [&](int k, int j, int i, const Vec3& m) {
    if (!Inside(m, model_grid)) return;
    const std::size_t at =
        (Nearest(m[2], ms[2]) * ms[1] + Nearest(m[1], ms[1])) * ms[0] + Nearest(m[0], ms[0]);
    dst[(k * ny + j) * nx + i] = labels[at];
  });
  return out;
}

core::Result<LabelImage::Pointer> ProbabilitiesToSourceGrid(const std::vector<float>& probabilities,
                                                            const GeometryInfo& model_grid,
                                                            const GeometryInfo& source,
                                                            const IndexBox& source_crop,
                                                            float threshold) {
  if (Status st = CheckInputs(probabilities.size(), model_grid, source, source_crop); !st.ok()) {
    return st;
  }
  LabelImage::Pointer out = NewLabelImage(source, 0);
  std::uint8_t* dst = out->GetBufferPointer();
  const std::size_t nx = source.size[0], ny = source.size[1];
  const auto& ms = model_grid.size;
  auto value = [&](int i, int j, int k) {
    return probabilities[(static_cast<std::size_t>(k) * ms[1] + j) * ms[0] + i];
  };
  ForEachSourceVoxel(model_grid, source, source_crop, [&](int k, int j, int i, const Vec3& m) {
    if (!Inside(m, model_grid)) return;
    // Trilinear between the 8 surrounding model voxels; within half a voxel of the edge the
    // edge value holds.
    int lo[3];
    double f[3];
    for (int a = 0; a < 3; ++a) {
      const double c = std::clamp(m[a], 0.0, static_cast<double>(ms[a] - 1));
      lo[a] = std::min(static_cast<int>(c), ms[a] - 2 < 0 ? 0 : ms[a] - 2);
      f[a] = ms[a] > 1 ? c - lo[a] : 0;
    }
    const int hi[3] = {std::min(lo[0] + 1, ms[0] - 1), std::min(lo[1] + 1, ms[1] - 1),
                       std::min(lo[2] + 1, ms[2] - 1)};
    double v = 0;
    for (int corner = 0; corner < 8; ++corner) {
      const bool bx = corner & 1, by = corner & 2, bz = corner & 4;
      const double w = (bx ? f[0] : 1 - f[0]) * (by ? f[1] : 1 - f[1]) * (bz ? f[2] : 1 - f[2]);
      if (w > 0) v += w * value(bx ? hi[0] : lo[0], by ? hi[1] : lo[1], bz ? hi[2] : lo[2]);
    }
    if (v >= threshold) dst[(k * ny + j) * nx + i] = 1;
  });
  return out;
}

}  // namespace ctscreen::imaging
