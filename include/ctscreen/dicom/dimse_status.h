// The one table from our error codes to C-STORE response statuses. Each refusal reason gets a
// code of its own inside the range PS3.4 Annex B (Table B.2-1) gives its kind, so the
// sender's log tells the reasons apart even without the ErrorComment we send along:
//   A7xx Refused: Out of Resources   A9xx Error: Data Set does not match SOP Class
//   Cxxx Error: Cannot understand    0111 Duplicate SOP Instance (PS3.7 Annex C)
#pragma once

#include <cstdint>

#include "ctscreen/core/status.h"

namespace ctscreen::dicom {

std::uint16_t DimseStatusFor(core::ErrorCode code);

// True for statuses a sender should retry later (Out of Resources), false for final refusals.
bool IsTransientDimseStatus(std::uint16_t status);

}  // namespace ctscreen::dicom
