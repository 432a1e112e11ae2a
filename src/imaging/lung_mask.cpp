#include "ctscreen/imaging/lung_mask.h"

#include <itkConnectedComponentImageFilter.h>

#include <algorithm>
#include <cmath>

namespace ctscreen::imaging {
namespace {

using ComponentImage = itk::Image<std::uint32_t, 3>;

// Air in the lungs is about -850 HU; soft tissue, fat and the chest wall are above -200.
constexpr std::int16_t kAirBelowHu = -400;
constexpr double kWorkingSpacingMm = 2.0;

}  // namespace

core::Result<LabelImage::Pointer> ThresholdLungMask(const CtVolume& ct) {
  const GeometryInfo source = ct.geometry();
  // Subsample (every f-th voxel in-plane) while thresholding: one pass, no HU copy.
  const int f = std::max(1, static_cast<int>(std::floor(kWorkingSpacingMm / source.spacing[0])));
  GeometryInfo g = source;
  g.size[0] = (source.size[0] + f - 1) / f;
  g.size[1] = (source.size[1] + f - 1) / f;
  g.spacing[0] *= f;
  g.spacing[1] *= f;
  LabelImage::Pointer air = NewLabelImage(g, 0);
  {
    const std::int16_t* hu = ct.image->GetBufferPointer();
    std::uint8_t* out = air->GetBufferPointer();
    for (int k = 0; k < g.size[2]; ++k) {
      for (int j = 0; j < g.size[1]; ++j) {
        const std::int16_t* row =
            hu + (static_cast<std::size_t>(k) * source.size[1] + j * f) * source.size[0];
        for (int i = 0; i < g.size[0]; ++i) *out++ = row[i * f] < kAirBelowHu;
      }
    }
  }
  auto label = itk::ConnectedComponentImageFilter<LabelImage, ComponentImage>::New();
  label->SetInput(air);
  try {
    label->Update();
  } catch (const itk::ExceptionObject& e) {
    return core::Status(core::ErrorCode::kInternal,
                        std::string("lung mask components failed: ") + e.GetDescription());
  }
  const std::size_t count = label->GetObjectCount();
  std::vector<std::size_t> voxels(count + 1, 0);
  std::vector<bool> outside(count + 1, false);
  const std::uint32_t* ids = label->GetOutput()->GetBufferPointer();
  std::size_t n = 0;
  for (int k = 0; k < g.size[2]; ++k) {
    for (int j = 0; j < g.size[1]; ++j) {
      for (int i = 0; i < g.size[0]; ++i, ++n) {
        const std::uint32_t id = ids[n];
        if (!id) continue;
        ++voxels[id];
        // Air reaching the in-plane border is outside the body (room air, padding, table gaps).
        if (i == 0 || j == 0 || i == g.size[0] - 1 || j == g.size[1] - 1) outside[id] = true;
      }
    }
  }
  std::vector<std::uint32_t> candidates;
  for (std::uint32_t id = 1; id <= count; ++id) {
    if (!outside[id]) candidates.push_back(id);
  }
  std::sort(candidates.begin(), candidates.end(),
            [&](std::uint32_t a, std::uint32_t b) { return voxels[a] > voxels[b]; });
  // Two lungs, or one when they touch (via the trachea); a second region far smaller than the
  // first is gas elsewhere, not a lung.
  const double min_ml = 50;
  const double voxel_ml = g.VoxelVolumeMm3() / 1000.0;
  std::vector<std::uint32_t> keep;
  for (std::uint32_t id : candidates) {
    if (keep.size() == 2 || voxels[id] * voxel_ml < min_ml) break;
    if (!keep.empty() && voxels[id] < voxels[keep[0]] / 5) break;
    keep.push_back(id);
  }
  if (keep.empty()) {
    return core::Status(core::ErrorCode::kNotFound,
                        "no lung-like air region found (threshold heuristic)");
  }
  std::uint8_t* out = air->GetBufferPointer();
  for (std::size_t m = 0; m < g.VoxelCount(); ++m) {
    const std::uint32_t id = ids[m];
    out[m] = (id && (id == keep[0] || (keep.size() > 1 && id == keep[1]))) ? 1 : 0;
  }
  return air;
}

}  // namespace ctscreen::imaging
