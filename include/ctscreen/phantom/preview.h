// A PNG mosaic of lung-window axial slices with the truth outlined (lungs green, covid-like
// lesions red, other lesions yellow), for a person to look at a case.
#pragma once

#include <string>

#include "ctscreen/phantom/phantom_case.h"

namespace ctscreen::phantom {

// PNG bytes: 4 x 3 slices, each shown 256 pixels wide in radiological orientation (patient's
// right on the left, anterior up). Slices through lesions first, then evenly through the lungs.
std::string RenderPreviewPng(const PhantomCase& c);

}  // namespace ctscreen::phantom
