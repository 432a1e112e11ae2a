// NRRD files anyone can open in a viewer (3D Slicer, ITK-SNAP): model inputs out, masks in.
#pragma once

#include <string>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/imaging/ct_volume.h"
#include "ctscreen/imaging/model_input.h"

namespace ctscreen::imaging {

// float, raw little-endian, LPS space directions and origin; durable (fsync + rename).
core::Status WriteModelInputNrrd(const ModelInput& input, const std::string& path);

// A float map on GRID (a model's probabilities, say), WHAT in the header comment; durable.
core::Status WriteFloatNrrd(const GeometryInfo& grid, const std::vector<float>& voxels,
                            const std::string& what, const std::string& path);

// uint8 labels on the image's own grid (masks on the source CT grid, for a viewer); durable.
core::Status WriteLabelNrrd(const LabelImage& labels, const std::string& path);

// A uint8-compatible label volume (e.g. the phantom's lungs.nrrd) with its geometry.
core::Result<LabelImage::Pointer> ReadLabelNrrd(const std::string& path);

}  // namespace ctscreen::imaging
