// NRRD label masks on the CT grid, gzip-compressed, with LPS space directions and origin so any
// reader (3D Slicer, ITK, pynrrd) places them exactly over the DICOM images.
#pragma once

#include <map>
#include <string>

#include "ctscreen/core/status.h"
#include "ctscreen/phantom/volume.h"

namespace ctscreen::phantom {

// labels: written as "key:=value" fields (e.g. "label_1" -> "left_lung").
std::string EncodeNrrd(const LabelVolume& volume, const std::map<std::string, std::string>& fields);

core::Status WriteNrrd(const LabelVolume& volume, const std::map<std::string, std::string>& fields,
                       const std::string& path);

}  // namespace ctscreen::phantom
