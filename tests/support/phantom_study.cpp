#include "phantom_study.h"

#include <cmath>
#include <cstring>

namespace ctscreen::testing {
namespace {

namespace F = torch::nn::functional;

std::vector<std::int64_t> TargetSizeDhw(const torch::Tensor& t, const std::array<double, 3>& from,
                                        const std::array<double, 3>& to) {
  std::vector<std::int64_t> size;
  for (int a = 2; a >= 0; --a) {  // z, y, x
    const double extent = static_cast<double>(t.size(4 - a)) * from[a];
    size.push_back(std::max<std::int64_t>(1, std::llround(extent / to[a])));
  }
  return size;
}

torch::Tensor LabelsAsTensor(const phantom::LabelVolume& v) {
  const auto& s = v.geometry.size;
  return torch::from_blob(const_cast<std::uint8_t*>(v.voxels.data()), {1, 1, s[2], s[1], s[0]},
                          torch::kUInt8)
      .to(torch::kFloat);
}

inference::Mask ToMask(const torch::Tensor& t, const std::array<double, 3>& spacing) {
  inference::Mask m;
  m.size_xyz = {static_cast<int>(t.size(4)), static_cast<int>(t.size(3)),
                static_cast<int>(t.size(2))};
  m.spacing_xyz = spacing;
  torch::Tensor bytes = (t > 0).to(torch::kCPU, torch::kUInt8).contiguous();
  m.voxels.resize(m.NumVoxels());
  std::memcpy(m.voxels.data(), bytes.data_ptr<std::uint8_t>(), m.voxels.size());
  return m;
}

}  // namespace

torch::Tensor UploadHu(const phantom::PhantomCase& c, const torch::Device& device) {
  const auto& s = c.hu.geometry.size;
  return torch::from_blob(const_cast<std::int16_t*>(c.hu.voxels.data()), {1, 1, s[2], s[1], s[0]},
                          torch::kInt16)
      .to(device)
      .to(torch::kFloat);
}

torch::Tensor ResampleHu(const torch::Tensor& hu, const std::array<double, 3>& from_xyz,
                         const std::array<double, 3>& to_xyz) {
  return F::interpolate(hu, F::InterpolateFuncOptions()
                                .size(TargetSizeDhw(hu, from_xyz, to_xyz))
                                .mode(torch::kTrilinear)
                                .align_corners(false));
}

inference::Volume ResampledOnDevice(const phantom::PhantomCase& c, const torch::Device& device,
                                    const std::array<double, 3>& spacing_xyz) {
  c10::InferenceMode guard;
  return ToVolume(ResampleHu(UploadHu(c, device), c.hu.geometry.spacing, spacing_xyz), spacing_xyz);
}

StudyOnGrid PhantomOnGrid(const phantom::PhantomCase& c, const std::array<double, 3>& spacing_xyz) {
  const std::array<double, 3> from = c.hu.geometry.spacing;
  StudyOnGrid study;
  study.ct = ResampledOnDevice(c, torch::kCPU, spacing_xyz);
  for (auto [labels, out] : {std::pair{&c.lungs, &study.lungs}, {&c.lesions, &study.lesions}}) {
    torch::Tensor t = LabelsAsTensor(*labels);
    *out = ToMask(F::interpolate(t, F::InterpolateFuncOptions()
                                        .size(TargetSizeDhw(t, from, spacing_xyz))
                                        .mode(torch::kNearest)),
                  spacing_xyz);
  }
  return study;
}

inference::Volume ToVolume(const torch::Tensor& hu, const std::array<double, 3>& spacing_xyz) {
  inference::Volume v;
  v.size_xyz = {static_cast<int>(hu.size(4)), static_cast<int>(hu.size(3)),
                static_cast<int>(hu.size(2))};
  v.spacing_xyz = spacing_xyz;
  torch::Tensor host = hu.to(torch::kCPU, torch::kFloat).contiguous();
  v.voxels.resize(v.NumVoxels());
  std::memcpy(v.voxels.data(), host.data_ptr<float>(), v.voxels.size() * sizeof(float));
  return v;
}

double Dice(const inference::Mask& a, const inference::Mask& b) {
  std::int64_t both = 0, sum = 0;
  for (std::size_t i = 0; i < a.voxels.size() && i < b.voxels.size(); ++i) {
    both += a.voxels[i] && b.voxels[i];
    sum += (a.voxels[i] != 0) + (b.voxels[i] != 0);
  }
  return sum == 0 ? 1.0 : 2.0 * static_cast<double>(both) / static_cast<double>(sum);
}

}  // namespace ctscreen::testing
