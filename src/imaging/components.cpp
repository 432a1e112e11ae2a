#include "ctscreen/imaging/components.h"

#include <itkConnectedComponentImageFilter.h>
#include <itkRegionOfInterestImageFilter.h>

#include <algorithm>
#include <array>

namespace ctscreen::imaging {
namespace {

using ComponentImage = itk::Image<std::uint32_t, 3>;

// Index bounds of the non-zero voxels; false when there are none.
bool NonZeroBounds(const LabelImage& mask, LabelImage::RegionType* region) {
  const auto size = mask.GetBufferedRegion().GetSize();
  long lo[3] = {long(size[0]), long(size[1]), long(size[2])}, hi[3] = {-1, -1, -1};
  const std::uint8_t* p = mask.GetBufferPointer();
  for (long k = 0; k < long(size[2]); ++k) {
    for (long j = 0; j < long(size[1]); ++j) {
      for (long i = 0; i < long(size[0]); ++i) {
        if (!*p++) continue;
        lo[0] = std::min(lo[0], i), hi[0] = std::max(hi[0], i);
        lo[1] = std::min(lo[1], j), hi[1] = std::max(hi[1], j);
        lo[2] = std::min(lo[2], k), hi[2] = std::max(hi[2], k);
      }
    }
  }
  if (hi[0] < 0) return false;
  for (unsigned a = 0; a < 3; ++a) {
    region->SetIndex(a, mask.GetBufferedRegion().GetIndex()[a] + lo[a]);
    region->SetSize(a, hi[a] - lo[a] + 1);
  }
  return true;
}

}  // namespace

core::Result<std::vector<Component>> MeasureComponents(const LabelImage& mask,
                                                       bool fully_connected) {
  std::vector<Component> components;
  LabelImage::RegionType bounds;
  if (!NonZeroBounds(mask, &bounds)) return components;
  // Labelling only the bounding box keeps the 4-byte label image small (lesions are a sliver
  // of the CT).
  auto roi = itk::RegionOfInterestImageFilter<LabelImage, LabelImage>::New();
  roi->SetInput(&mask);
  roi->SetRegionOfInterest(bounds);
  auto label = itk::ConnectedComponentImageFilter<LabelImage, ComponentImage>::New();
  label->SetInput(roi->GetOutput());
  label->SetFullyConnected(fully_connected);
  try {
    label->Update();
  } catch (const itk::ExceptionObject& e) {
    return core::Status(core::ErrorCode::kInternal,
                        std::string("connected components failed: ") + e.GetDescription());
  }
  const ComponentImage* labels = label->GetOutput();
  const std::size_t count = label->GetObjectCount();
  struct Sum {
    std::size_t n = 0;
    double i = 0, j = 0, k = 0;
    long lo[3] = {1L << 30, 1L << 30, 1L << 30}, hi[3] = {-1, -1, -1};
  };
  std::vector<Sum> sums(count + 1);
  const auto size = labels->GetBufferedRegion().GetSize();
  const std::uint32_t* p = labels->GetBufferPointer();
  for (long k = 0; k < long(size[2]); ++k) {
    for (long j = 0; j < long(size[1]); ++j) {
      for (long i = 0; i < long(size[0]); ++i) {
        const std::uint32_t id = *p++;
        if (!id) continue;
        Sum& s = sums[id];
        ++s.n;
        s.i += i, s.j += j, s.k += k;
        const long idx[3] = {i, j, k};
        for (int a = 0; a < 3; ++a) {
          s.lo[a] = std::min(s.lo[a], idx[a]);
          s.hi[a] = std::max(s.hi[a], idx[a]);
        }
      }
    }
  }
  const GeometryInfo g = GeometryOf(mask);
  for (std::size_t id = 1; id <= count; ++id) {
    const Sum& s = sums[id];
    if (!s.n) continue;
    Component c;
    c.voxels = s.n;
    c.volume_ml = s.n * g.VoxelVolumeMm3() / 1000.0;
    // The mean of voxel centres is the centre of the mean index: the grid is affine.
    c.centroid_mm =
        g.IndexToWorld(bounds.GetIndex()[0] + s.i / s.n, bounds.GetIndex()[1] + s.j / s.n,
                       bounds.GetIndex()[2] + s.k / s.n);
    for (int a = 0; a < 3; ++a) {
      c.box.begin[a] = static_cast<int>(bounds.GetIndex()[a] + s.lo[a]);
      c.box.size[a] = static_cast<int>(s.hi[a] - s.lo[a] + 1);
    }
    components.push_back(c);
  }
  std::stable_sort(components.begin(), components.end(),
                   [](const Component& a, const Component& b) { return a.voxels > b.voxels; });
  for (std::size_t n = 0; n < components.size(); ++n) components[n].id = static_cast<int>(n + 1);
  return components;
}

std::vector<LabelMeasure> MeasureLabels(const LabelImage& labels) {
  const GeometryInfo g = GeometryOf(labels);
  std::array<std::size_t, 256> count{};
  std::array<Vec3, 256> sum{};  // of index coordinates; mapped to LPS once per label
  const std::uint8_t* v = labels.GetBufferPointer();
  for (int k = 0; k < g.size[2]; ++k) {
    for (int j = 0; j < g.size[1]; ++j) {
      for (int i = 0; i < g.size[0]; ++i, ++v) {
        if (!*v) continue;
        ++count[*v];
        sum[*v][0] += i;
        sum[*v][1] += j;
        sum[*v][2] += k;
      }
    }
  }
  std::vector<LabelMeasure> out;
  for (int l = 1; l < 256; ++l) {
    if (!count[l]) continue;
    LabelMeasure m;
    m.label = l;
    m.voxels = count[l];
    m.volume_ml = count[l] * g.VoxelVolumeMm3() / 1000.0;
    const double n = static_cast<double>(count[l]);
    m.centroid_mm = g.IndexToWorld(sum[l][0] / n, sum[l][1] / n, sum[l][2] / n);
    out.push_back(m);
  }
  return out;
}

}  // namespace ctscreen::imaging
