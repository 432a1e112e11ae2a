// The ITK resampling filters live in this file alone: they are the heaviest headers we use.
#include <itkLinearInterpolateImageFunction.h>
#include <itkNearestNeighborInterpolateImageFunction.h>
#include <itkResampleImageFilter.h>

#include <thread>

#include "ctscreen/imaging/preprocess.h"
#include "separable_resample.h"

namespace ctscreen::imaging {
namespace {

template <typename In, typename Out, typename Interpolator>
core::Result<typename Out::Pointer> Resample(const In& input, const GeometryInfo& grid,
                                             typename Out::PixelType outside) {
  auto filter = itk::ResampleImageFilter<In, Out, double>::New();
  filter->SetInput(&input);
  filter->SetInterpolator(Interpolator::New());
  filter->SetDefaultPixelValue(outside);
  auto reference = Out::New();
  SetGeometry(grid, reference);
  filter->SetOutputOrigin(reference->GetOrigin());
  filter->SetOutputSpacing(reference->GetSpacing());
  filter->SetOutputDirection(reference->GetDirection());
  typename Out::SizeType size;
  for (unsigned a = 0; a < 3; ++a) size[a] = grid.size[a];
  filter->SetSize(size);
  try {
    filter->Update();
  } catch (const itk::ExceptionObject& e) {
    return core::Status(core::ErrorCode::kInternal,
                        std::string("resampling failed: ") + e.GetDescription());
  }
  typename Out::Pointer out = filter->GetOutput();
  out->DisconnectPipeline();
  return out;
}

}  // namespace

core::Result<FloatImage::Pointer> ResampleCt(const HuImage& ct, const GeometryInfo& grid,
                                             ResampleMethod method) {
  if (method == ResampleMethod::kAuto && CanResampleSeparably(GeometryOf(ct), grid)) {
    return SeparableResample(ct, grid, static_cast<float>(kAirHu),
                             static_cast<int>(std::thread::hardware_concurrency()));
  }
  return Resample<HuImage, FloatImage, itk::LinearInterpolateImageFunction<HuImage, double>>(
      ct, grid, static_cast<float>(kAirHu));
}

core::Result<LabelImage::Pointer> ResampleLabels(const LabelImage& labels,
                                                 const GeometryInfo& grid) {
  return Resample<LabelImage, LabelImage,
                  itk::NearestNeighborInterpolateImageFunction<LabelImage, double>>(labels, grid,
                                                                                    0);
}

}  // namespace ctscreen::imaging
