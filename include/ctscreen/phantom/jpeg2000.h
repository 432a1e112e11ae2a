// JPEG 2000 (lossless) through GDCM: DCMTK 3.6.7 has no free JPEG 2000 codec.
#pragma once

#include <string>

#include "ctscreen/core/status.h"

namespace ctscreen::phantom {

// Reads an uncompressed DICOM file and writes it to `to` as JPEG 2000 Image Compression
// (Lossless Only), 1.2.840.10008.1.2.4.90.
core::Status TranscodeToJpeg2000Lossless(const std::string& from, const std::string& to);

}  // namespace ctscreen::phantom
