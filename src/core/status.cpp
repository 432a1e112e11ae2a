#include "ctscreen/core/status.h"

namespace ctscreen::core {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "ok";
    case ErrorCode::kInvalidConfig:
      return "invalid_config";
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kUnparseable:
      return "unparseable";
    case ErrorCode::kMissingUid:
      return "missing_uid";
    case ErrorCode::kMalformedUid:
      return "malformed_uid";
    case ErrorCode::kUidMismatch:
      return "uid_mismatch";
    case ErrorCode::kNotCt:
      return "not_ct";
    case ErrorCode::kPixelDataMissing:
      return "pixel_data_missing";
    case ErrorCode::kPixelDataLength:
      return "pixel_data_length";
    case ErrorCode::kAbsurdSize:
      return "absurd_size";
    case ErrorCode::kSeriesLimit:
      return "series_limit";
    case ErrorCode::kAssociationLimit:
      return "association_limit";
    case ErrorCode::kDiskFull:
      return "disk_full";
    case ErrorCode::kDuplicateRejected:
      return "duplicate_rejected";
    case ErrorCode::kGeometry:
      return "geometry";
    case ErrorCode::kUnsupportedImage:
      return "unsupported_image";
    case ErrorCode::kIoError:
      return "io_error";
    case ErrorCode::kDatabase:
      return "database";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kIllegalTransition:
      return "illegal_transition";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(ErrorCodeName(code_)) + ": " + reason_;
}

}  // namespace ctscreen::core
