// How a model bundle wants its input: filled from the bundle manifest (spacing, windows, crop
// margin), so nothing below is hard-coded to one model. Plain struct, no ITK.
#pragma once

#include <array>

#include "ctscreen/imaging/model_input.h"

namespace ctscreen::imaging {

struct PreprocessSpec {
  std::array<double, 3> spacing_mm{1.0, 1.0, 2.5};  // x, y, z
  Window lung_window{-150, 350};
  Window lesion_window{-1024, 350};  // the classifier sees the same window
  double crop_margin_mm = 10;        // added around the lung bounding box
};

// The values of the deployed system the method comes from.
inline PreprocessSpec PaperPreprocessSpec() {
  return PreprocessSpec{};
}

}  // namespace ctscreen::imaging
