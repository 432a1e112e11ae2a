// Which source instance a slice of a volume came from, so a mask slice can reference it (SEG
// Derivation Image / Referenced Instance) and any voxel can be traced back to its file.
#pragma once

#include <string>

#include "ctscreen/imaging/geometry_info.h"

namespace ctscreen::imaging {

struct SliceRef {
  std::string sop_instance_uid;
  std::string file;  // where it was read from
  Vec3 position{};   // ImagePositionPatient, LPS mm of the slice's first voxel
};

}  // namespace ctscreen::imaging
