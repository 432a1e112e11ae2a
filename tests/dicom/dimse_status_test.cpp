#include "ctscreen/dicom/dimse_status.h"

#include <gtest/gtest.h>

#include <set>

namespace ctscreen::dicom {
namespace {

using core::ErrorCode;

// Every instance-related code, with the PS3.4 Annex B / PS3.7 Annex C range it must land in.
struct Row {
  ErrorCode code;
  std::uint16_t low;
  std::uint16_t high;
};

TEST(DimseStatusTest, EveryRowLiesInItsStandardRange) {
  const Row rows[] = {
      {ErrorCode::kOk, 0x0000, 0x0000},
      {ErrorCode::kDiskFull, 0xA700, 0xA7FF},  // Refused: Out of Resources
      {ErrorCode::kSeriesLimit, 0xA700, 0xA7FF},
      {ErrorCode::kAssociationLimit, 0xA700, 0xA7FF},
      {ErrorCode::kIoError, 0xA700, 0xA7FF},
      {ErrorCode::kDatabase, 0xA700, 0xA7FF},
      {ErrorCode::kInternal, 0xA700, 0xA7FF},
      {ErrorCode::kMissingUid, 0xA900, 0xA9FF},  // Error: Data Set does not match SOP Class
      {ErrorCode::kUidMismatch, 0xA900, 0xA9FF},
      {ErrorCode::kNotCt, 0xA900, 0xA9FF},
      {ErrorCode::kPixelDataMissing, 0xA900, 0xA9FF},
      {ErrorCode::kPixelDataLength, 0xA900, 0xA9FF},
      {ErrorCode::kAbsurdSize, 0xA900, 0xA9FF},
      {ErrorCode::kUnparseable, 0xC000, 0xCFFF},  // Error: Cannot understand
      {ErrorCode::kMalformedUid, 0xC000, 0xCFFF},
      {ErrorCode::kDuplicateRejected, 0x0111, 0x0111},  // Duplicate SOP Instance
      {ErrorCode::kGeometry, 0xC000, 0xCFFF},
      {ErrorCode::kUnsupportedImage, 0xC000, 0xCFFF},
      {ErrorCode::kInvalidConfig, 0xC000, 0xCFFF},
      {ErrorCode::kInvalidArgument, 0xC000, 0xCFFF},
      {ErrorCode::kNotFound, 0xC000, 0xCFFF},
      {ErrorCode::kIllegalTransition, 0xC000, 0xCFFF},
  };
  for (const auto& row : rows) {
    auto status = DimseStatusFor(row.code);
    EXPECT_GE(status, row.low) << core::ErrorCodeName(row.code);
    EXPECT_LE(status, row.high) << core::ErrorCodeName(row.code);
  }
}

TEST(DimseStatusTest, EachInstanceDefectHasItsOwnCode) {
  const ErrorCode defects[] = {ErrorCode::kUnparseable,
                               ErrorCode::kMissingUid,
                               ErrorCode::kMalformedUid,
                               ErrorCode::kUidMismatch,
                               ErrorCode::kNotCt,
                               ErrorCode::kPixelDataMissing,
                               ErrorCode::kPixelDataLength,
                               ErrorCode::kAbsurdSize,
                               ErrorCode::kDiskFull,
                               ErrorCode::kSeriesLimit,
                               ErrorCode::kAssociationLimit,
                               ErrorCode::kDuplicateRejected};
  std::set<std::uint16_t> seen;
  for (auto code : defects) {
    EXPECT_TRUE(seen.insert(DimseStatusFor(code)).second) << core::ErrorCodeName(code);
  }
}

TEST(DimseStatusTest, OnlyOutOfResourcesIsTransient) {
  EXPECT_TRUE(IsTransientDimseStatus(DimseStatusFor(ErrorCode::kDiskFull)));
  EXPECT_TRUE(IsTransientDimseStatus(DimseStatusFor(ErrorCode::kSeriesLimit)));
  EXPECT_FALSE(IsTransientDimseStatus(DimseStatusFor(ErrorCode::kNotCt)));
  EXPECT_FALSE(IsTransientDimseStatus(DimseStatusFor(ErrorCode::kUnparseable)));
  EXPECT_FALSE(IsTransientDimseStatus(0x0000));
}

}  // namespace
}  // namespace ctscreen::dicom
