// Written as plain loops rather than an ITK resampler: the mapping is affine, so each source
// row is a straight walk through the model grid, and each source slice is filled on its own.
#include "ctscreen/imaging/source_grid.h"

#include <algorithm>
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

// Calls fill(k, j, i, model continuous index) for every source voxel of the crop box.
template <typename Fill>
void ForEachSourceVoxel(const GeometryInfo& model_grid, const GeometryInfo& source,
                        const IndexBox& crop, Fill fill) {
  const Vec3 o = model_grid.WorldToIndex(source.IndexToWorld(0, 0, 0));
  Vec3 step[3];
  for (int a = 0; a < 3; ++a) {
    const Vec3 e = model_grid.WorldToIndex(
        source.IndexToWorld(a == 0 ? 1 : 0, a == 1 ? 1 : 0, a == 2 ? 1 : 0));
    for (int c = 0; c < 3; ++c) step[a][c] = e[c] - o[c];
  }
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
  ForEachSourceVoxel(model_grid, source, source_crop, [&](int k, int j, int i, const Vec3& m) {
    if (!Inside(m, model_grid)) return;
    const std::size_t mi = static_cast<std::size_t>(std::lround(m[0]));
    const std::size_t mj = static_cast<std::size_t>(std::lround(m[1]));
    const std::size_t mk = static_cast<std::size_t>(std::lround(m[2]));
    const std::size_t at = (mk * ms[1] + std::min<std::size_t>(mj, ms[1] - 1)) * ms[0] +
                           std::min<std::size_t>(mi, ms[0] - 1);
    dst[(k * ny + j) * nx + i] = labels[std::min(at, labels.size() - 1)];
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
