#include "ctscreen/phantom/jpeg2000.h"

#include <gdcmImageChangeTransferSyntax.h>
#include <gdcmImageReader.h>
#include <gdcmImageWriter.h>

namespace ctscreen::phantom {

core::Status TranscodeToJpeg2000Lossless(const std::string& from, const std::string& to) {
  using core::ErrorCode;
  gdcm::ImageReader reader;
  reader.SetFileName(from.c_str());
  if (!reader.Read()) {
    return core::Status(ErrorCode::kIoError, "GDCM could not read " + from);
  }
  // The target syntax selects GDCM's OpenJPEG codec in its reversible (5/3 wavelet) mode.
  gdcm::ImageChangeTransferSyntax change;
  change.SetTransferSyntax(gdcm::TransferSyntax::JPEG2000Lossless);
  change.SetInput(reader.GetImage());
  if (!change.Change()) {
    return core::Status(ErrorCode::kInternal, "GDCM could not encode " + to + " as JPEG 2000");
  }
  gdcm::ImageWriter writer;
  writer.SetFileName(to.c_str());
  writer.SetFile(reader.GetFile());
  writer.SetImage(change.GetOutput());
  if (!writer.Write()) {
    return core::Status(ErrorCode::kIoError, "GDCM could not write " + to);
  }
  return core::Status::Ok();
}

}  // namespace ctscreen::phantom
