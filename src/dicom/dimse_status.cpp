#include "ctscreen/dicom/dimse_status.h"

namespace ctscreen::dicom {

using core::ErrorCode;

std::uint16_t DimseStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return 0x0000;
    // Out of resources: the sender may try again later.
    case ErrorCode::kDiskFull:
      return 0xA700;
    case ErrorCode::kSeriesLimit:
      return 0xA701;
    case ErrorCode::kAssociationLimit:
      return 0xA702;
    case ErrorCode::kIoError:
      return 0xA703;
    case ErrorCode::kDatabase:
      return 0xA704;
    case ErrorCode::kInternal:
      return 0xA705;
    // The data set is not a usable CT image.
    case ErrorCode::kMissingUid:
      return 0xA901;
    case ErrorCode::kUidMismatch:
      return 0xA902;
    case ErrorCode::kNotCt:
      return 0xA903;
    case ErrorCode::kPixelDataMissing:
      return 0xA904;
    case ErrorCode::kPixelDataLength:
      return 0xA905;
    case ErrorCode::kAbsurdSize:
      return 0xA906;
    // Cannot be understood at all.
    case ErrorCode::kUnparseable:
      return 0xC000;
    case ErrorCode::kMalformedUid:
      return 0xC001;
    case ErrorCode::kDuplicateRejected:
      return 0x0111;
    // Codes that never describe an instance fall back to a generic failure. Geometry and
    // unsupported encodings are series properties found after the acknowledgement.
    case ErrorCode::kGeometry:
    case ErrorCode::kUnsupportedImage:
    case ErrorCode::kInvalidConfig:
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kNotFound:
    case ErrorCode::kIllegalTransition:
      return 0xC0FF;
  }
  return 0xC0FF;
}

bool IsTransientDimseStatus(std::uint16_t status) {
  return (status & 0xFF00) == 0xA700;
}

}  // namespace ctscreen::dicom
