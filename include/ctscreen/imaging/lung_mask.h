// A heuristic lung mask for the demo path until the lung model exists: NOT a segmentation.
// Air-like voxels (below -400 HU) that are not connected to the air outside the body, keeping
// the two largest such regions (lungs, with the trachea when it touches them). Bowel gas or a
// lung cut by the field of view can fool it; the pipeline says when it is used.
#pragma once

#include "ctscreen/core/status.h"
#include "ctscreen/imaging/ct_volume.h"

namespace ctscreen::imaging {

// On a coarser grid than the CT (about 2 mm in-plane), in the CT's frame of reference; good
// enough for a crop box (MaskCropBox takes masks on any grid). kNotFound when nothing qualifies.
core::Result<LabelImage::Pointer> ThresholdLungMask(const CtVolume& ct);

}  // namespace ctscreen::imaging
