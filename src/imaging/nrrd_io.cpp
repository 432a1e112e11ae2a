#include "ctscreen/imaging/nrrd_io.h"

#include <itkImageFileReader.h>
#include <itkNrrdImageIOFactory.h>

#include <cstdio>
#include <cstring>

#include "ctscreen/core/durable_file.h"

namespace ctscreen::imaging {
namespace {

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.10g", v);
  return buf;
}

}  // namespace

core::Status WriteModelInputNrrd(const ModelInput& input, const std::string& path) {
  const GeometryInfo& g = input.geometry;
  if (input.voxels.size() != g.VoxelCount()) {
    return core::Status(core::ErrorCode::kInvalidArgument, "model input size mismatch");
  }
  std::string h = "NRRD0004\n# ctscreen model input (" + input.name + " window " +
                  Number(input.window.low) + " .. " + Number(input.window.high) +
                  " HU scaled to 0 .. 1)\n";
  h += "type: float\ndimension: 3\nspace: left-posterior-superior\n";
  h += "sizes: " + std::to_string(g.size[0]) + " " + std::to_string(g.size[1]) + " " +
       std::to_string(g.size[2]) + "\n";
  h += "space directions:";
  for (int a = 0; a < 3; ++a) {
    h += " (" + Number(g.direction[a][0] * g.spacing[a]) + "," +
         Number(g.direction[a][1] * g.spacing[a]) + "," + Number(g.direction[a][2] * g.spacing[a]) +
         ")";
  }
  h += "\nkinds: domain domain domain\nendian: little\nencoding: raw\n";
  h += "space origin: (" + Number(g.origin[0]) + "," + Number(g.origin[1]) + "," +
       Number(g.origin[2]) + ")\n";
  h += "window_low_hu:=" + Number(input.window.low) + "\n";
  h += "window_high_hu:=" + Number(input.window.high) + "\n\n";
  std::string bytes = std::move(h);
  const std::size_t header = bytes.size();
  bytes.resize(header + input.voxels.size() * sizeof(float));
  std::memcpy(&bytes[header], input.voxels.data(), input.voxels.size() * sizeof(float));
  return core::WriteFileDurably(path, bytes);
}

core::Status WriteLabelNrrd(const LabelImage& labels, const std::string& path) {
  const GeometryInfo g = GeometryOf(labels);
  std::string h = "NRRD0004\n# ctscreen mask\ntype: uint8\ndimension: 3\n";
  h += "space: left-posterior-superior\n";
  h += "sizes: " + std::to_string(g.size[0]) + " " + std::to_string(g.size[1]) + " " +
       std::to_string(g.size[2]) + "\n";
  h += "space directions:";
  for (int a = 0; a < 3; ++a) {
    h += " (" + Number(g.direction[a][0] * g.spacing[a]) + "," +
         Number(g.direction[a][1] * g.spacing[a]) + "," + Number(g.direction[a][2] * g.spacing[a]) +
         ")";
  }
  h += "\nkinds: domain domain domain\nencoding: raw\n";
  h += "space origin: (" + Number(g.origin[0]) + "," + Number(g.origin[1]) + "," +
       Number(g.origin[2]) + ")\n\n";
  std::string bytes = std::move(h);
  const std::size_t header = bytes.size();
  bytes.resize(header + g.VoxelCount());
  std::memcpy(&bytes[header], labels.GetBufferPointer(), g.VoxelCount());
  return core::WriteFileDurably(path, bytes);
}

core::Result<LabelImage::Pointer> ReadLabelNrrd(const std::string& path) {
  // Registered by hand: only this file needs an image IO, so no IO factory manager is
  // generated for the whole module.
  static const bool registered = [] {
    itk::NrrdImageIOFactory::RegisterOneFactory();
    return true;
  }();
  (void)registered;
  auto reader = itk::ImageFileReader<LabelImage>::New();
  reader->SetFileName(path);
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    return core::Status(core::ErrorCode::kIoError,
                        "cannot read the mask " + path + ": " + e.GetDescription());
  }
  LabelImage::Pointer image = reader->GetOutput();
  image->DisconnectPipeline();
  return image;
}

}  // namespace ctscreen::imaging
