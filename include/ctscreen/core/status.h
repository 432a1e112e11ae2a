// One status type for the whole project: a code that machines map (to DIMSE statuses, job
// states, gRPC codes) and a reason written for the hospital IT person who reads the log.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace ctscreen::core {

enum class ErrorCode {
  kOk = 0,
  // Configuration and usage.
  kInvalidConfig,
  kInvalidArgument,
  // Incoming instances (each maps to its own DIMSE status, see dicom/dimse_status.h).
  kUnparseable,
  kMissingUid,
  kMalformedUid,
  kUidMismatch,
  kNotCt,
  kPixelDataMissing,
  kPixelDataLength,
  kAbsurdSize,
  kSeriesLimit,
  kAssociationLimit,
  kDiskFull,
  kDuplicateRejected,
  // A received series that cannot be analysed (the job ends `rejected` with the reason).
  kGeometry,          // slices do not form one regular axial stack (reason says which defect)
  kUnsupportedImage,  // pixel encoding the reader does not handle (multi-frame, colour, ...)
  // Runtime.
  kIoError,
  kDatabase,
  kNotFound,
  kIllegalTransition,
  kInternal,
};

// Stable, lower-case name of a code, for logs and tests ("pixel_data_length").
const char* ErrorCodeName(ErrorCode code);

class Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string reason) : code_(code), reason_(std::move(reason)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& reason() const { return reason_; }
  // "<code name>: <reason>", or "ok".
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string reason_;
};

// A value or the status that explains why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace ctscreen::core
