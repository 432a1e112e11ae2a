// A phantom case as the inference module receives it: the CT in HU and its truth masks on a
// bundle's input grid. The pipeline resamples with ITK (imaging module); the GPU machine has no
// ITK, so the CUDA tests and the GPU benchmark resample here with torch's trilinear (CT) and
// nearest (masks) interpolation, on the CPU or on the GPU.
#pragma once

#include <torch/torch.h>

#include <array>

#include "ctscreen/inference/volume.h"
#include "ctscreen/phantom/phantom_case.h"

namespace ctscreen::testing {

struct StudyOnGrid {
  inference::Volume ct;
  inference::Mask lungs;    // both lungs, 0/1
  inference::Mask lesions;  // every lesion, 0/1
};

// (1, 1, D, H, W) float HU of CASE's voxels, on DEVICE ("the decoded volume on the device").
torch::Tensor UploadHu(const phantom::PhantomCase& c, const torch::Device& device);

// HU (1, 1, D, H, W) with voxel spacing FROM_XYZ resampled to TO_XYZ (mm), same extent.
torch::Tensor ResampleHu(const torch::Tensor& hu, const std::array<double, 3>& from_xyz,
                         const std::array<double, 3>& to_xyz);

// CASE's CT, uploaded to DEVICE, resampled there to SPACING_XYZ and handed back as the host
// Volume a Screener takes: the decoded volume's way to the model input on the GPU machine.
inference::Volume ResampledOnDevice(const phantom::PhantomCase& c, const torch::Device& device,
                                    const std::array<double, 3>& spacing_xyz);

// CASE on a grid of SPACING_XYZ, CT and masks (computed on the CPU).
StudyOnGrid PhantomOnGrid(const phantom::PhantomCase& c, const std::array<double, 3>& spacing_xyz);

// A (1, 1, D, H, W) float tensor to a host Volume of SPACING_XYZ.
inference::Volume ToVolume(const torch::Tensor& hu, const std::array<double, 3>& spacing_xyz);

// Dice of two 0/1 masks of one grid (1 when both are empty).
double Dice(const inference::Mask& a, const inference::Mask& b);

}  // namespace ctscreen::testing
