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

// One NRRD file: a header placing the voxels in LPS space, then DATA raw (little endian).
core::Status WriteRawNrrd(const std::string& path, const std::string& comment,
                          const std::string& type, const GeometryInfo& g,
                          const std::string& extra_fields, const void* data, std::size_t size) {
  std::string h = "NRRD0004\n# " + comment + "\ntype: " + type + "\ndimension: 3\n";
  h += "space: left-posterior-superior\n";
  h += "sizes: " + std::to_string(g.size[0]) + " " + std::to_string(g.size[1]) + " " +
       std::to_string(g.size[2]) + "\n";
  h += "space directions:";
  for (int a = 0; a < 3; ++a) {
    h += " (" + Number(g.direction[a][0] * g.spacing[a]) + "," +
         Number(g.direction[a][1] * g.spacing[a]) + "," + Number(g.direction[a][2] * g.spacing[a]) +
         ")";
  }
  h += "\nkinds: domain domain domain\n";
  if (type != "uint8") h += "endian: little\n";  // a one-byte type has none
  h += "encoding: raw\n";
  h += "space origin: (" + Number(g.origin[0]) + "," + Number(g.origin[1]) + "," +
       Number(g.origin[2]) + ")\n";
  h += extra_fields + "\n";
  std::string bytes = std::move(h);
  const std::size_t header = bytes.size();
  bytes.resize(header + size);
  std::memcpy(&bytes[header], data, size);
  return core::WriteFileDurably(path, bytes);
}

}  // namespace

core::Status WriteModelInputNrrd(const ModelInput& input, const std::string& path) {
  const GeometryInfo& g = input.geometry;
  if (input.voxels.size() != g.VoxelCount()) {
    return core::Status(core::ErrorCode::kInvalidArgument, "model input size mismatch");
  }
  const std::string comment = "ctscreen model input (" + input.name + " window " +
                              Number(input.window.low) + " .. " + Number(input.window.high) +
                              " HU scaled to 0 .. 1)";
  const std::string fields = "window_low_hu:=" + Number(input.window.low) + "\n" +
                             "window_high_hu:=" + Number(input.window.high) + "\n";
  return WriteRawNrrd(path, comment, "float", g, fields, input.voxels.data(),
                      input.voxels.size() * sizeof(float));
}

core::Status WriteFloatNrrd(const GeometryInfo& grid, const std::vector<float>& voxels,
                            const std::string& what, const std::string& path) {
  if (voxels.size() != grid.VoxelCount()) {
    return core::Status(core::ErrorCode::kInvalidArgument, what + ": size mismatch");
  }
  return WriteRawNrrd(path, "ctscreen " + what, "float", grid, "", voxels.data(),
                      voxels.size() * sizeof(float));
}

core::Status WriteLabelNrrd(const LabelImage& labels, const std::string& path) {
  const GeometryInfo g = GeometryOf(labels);
  return WriteRawNrrd(path, "ctscreen mask", "uint8", g, "", labels.GetBufferPointer(),
                      g.VoxelCount());
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
