#include "grpc_status.h"

namespace ctscreen::api {

using core::ErrorCode;

grpc::StatusCode GrpcCodeFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return grpc::StatusCode::OK;
    case ErrorCode::kInvalidConfig:
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kUnparseable:
    case ErrorCode::kMissingUid:
    case ErrorCode::kMalformedUid:
    case ErrorCode::kUidMismatch:
    case ErrorCode::kNotCt:
    case ErrorCode::kPixelDataMissing:
    case ErrorCode::kPixelDataLength:
    case ErrorCode::kAbsurdSize:
    // A series the reader rejects (geometry, pixel encoding): the input is at fault, as above.
    case ErrorCode::kGeometry:
    case ErrorCode::kUnsupportedImage:
      return grpc::StatusCode::INVALID_ARGUMENT;
    case ErrorCode::kNotFound:
      return grpc::StatusCode::NOT_FOUND;
    case ErrorCode::kIllegalTransition:
    case ErrorCode::kDuplicateRejected:
      return grpc::StatusCode::FAILED_PRECONDITION;
    case ErrorCode::kSeriesLimit:
    case ErrorCode::kAssociationLimit:
    case ErrorCode::kDiskFull:
      return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case ErrorCode::kIoError:
    case ErrorCode::kDatabase:
      return grpc::StatusCode::UNAVAILABLE;
    case ErrorCode::kInternal:
      return grpc::StatusCode::INTERNAL;
  }
  return grpc::StatusCode::UNKNOWN;
}

grpc::Status ToGrpc(const core::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(GrpcCodeFor(status.code()), status.reason());
}

}  // namespace ctscreen::api
