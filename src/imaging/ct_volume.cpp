#include "ctscreen/imaging/ct_volume.h"

namespace ctscreen::imaging {
namespace {

template <typename Image>
typename Image::Pointer NewImage(const GeometryInfo& geometry) {
  auto image = Image::New();
  typename Image::RegionType region;
  for (unsigned a = 0; a < 3; ++a) region.SetSize(a, geometry.size[a]);
  image->SetRegions(region);
  SetGeometry(geometry, image);
  image->Allocate();
  return image;
}

}  // namespace

GeometryInfo CtVolume::geometry() const {
  return GeometryOf(*image);
}

GeometryInfo GeometryOf(const itk::ImageBase<3>& image) {
  GeometryInfo g;
  const auto size = image.GetLargestPossibleRegion().GetSize();
  const auto& direction = image.GetDirection();
  for (unsigned a = 0; a < 3; ++a) {
    g.size[a] = static_cast<int>(size[a]);
    g.spacing[a] = image.GetSpacing()[a];
    g.origin[a] = image.GetOrigin()[a];
    for (unsigned c = 0; c < 3; ++c) g.direction[a][c] = direction[c][a];
  }
  return g;
}

void SetGeometry(const GeometryInfo& geometry, itk::ImageBase<3>* image) {
  itk::ImageBase<3>::SpacingType spacing;
  itk::ImageBase<3>::PointType origin;
  itk::ImageBase<3>::DirectionType direction;
  for (unsigned a = 0; a < 3; ++a) {
    spacing[a] = geometry.spacing[a];
    origin[a] = geometry.origin[a];
    for (unsigned c = 0; c < 3; ++c) direction[c][a] = geometry.direction[a][c];
  }
  image->SetSpacing(spacing);
  image->SetOrigin(origin);
  image->SetDirection(direction);
}

HuImage::Pointer NewHuImage(const GeometryInfo& geometry) {
  return NewImage<HuImage>(geometry);
}

LabelImage::Pointer NewLabelImage(const GeometryInfo& geometry, std::uint8_t fill) {
  auto image = NewImage<LabelImage>(geometry);
  image->FillBuffer(fill);
  return image;
}

}  // namespace ctscreen::imaging
