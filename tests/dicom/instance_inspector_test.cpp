#include "ctscreen/dicom/instance_inspector.h"

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "ct_series_writer.h"

namespace ctscreen::dicom {
namespace {

namespace fs = std::filesystem;
using core::ErrorCode;
using ::ctscreen::testing::CtSeriesSpec;
using ::ctscreen::testing::EditDataSet;

class InstanceInspectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ctscreen-inspect-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    CtSeriesSpec spec;
    spec.slices = 1;
    good_ = ::ctscreen::testing::WriteCtSeries(spec, dir_.string())[0];
  }
  void TearDown() override { fs::remove_all(dir_); }

  core::Result<InstanceInfo> InspectEdited(const std::function<void(DcmDataset&)>& edit) {
    const std::string path = (dir_ / "edited.dcm").string();
    EditDataSet(good_, path, edit);
    return InspectInstance(path, {}, limits_);
  }

  fs::path dir_;
  std::string good_;
  InspectionLimits limits_;
};

TEST_F(InstanceInspectorTest, GoodCtImage) {
  auto info = InspectInstance(good_, {}, limits_);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->modality, "CT");
  EXPECT_EQ(info->rows, 64);
  EXPECT_EQ(info->columns, 64);
  EXPECT_EQ(info->image_type, "ORIGINAL\\PRIMARY\\AXIAL");
  EXPECT_EQ(info->transfer_syntax, UID_LittleEndianExplicitTransferSyntax);
  EXPECT_GT(info->file_size, 64 * 64 * 2);
}

TEST_F(InstanceInspectorTest, CommandMustMatch) {
  auto info = InspectInstance(good_, {UID_CTImageStorage, "1.2.3.4"}, limits_);
  EXPECT_EQ(info.status().code(), ErrorCode::kUidMismatch);
  auto cls = InspectInstance(good_, {UID_MRImageStorage, ""}, limits_);
  EXPECT_EQ(cls.status().code(), ErrorCode::kUidMismatch);
}

TEST_F(InstanceInspectorTest, EachDefectHasItsCode) {
  EXPECT_EQ(InspectEdited([](DcmDataset& ds) { ds.findAndDeleteElement(DCM_SeriesInstanceUID); })
                .status()
                .code(),
            ErrorCode::kMissingUid);
  EXPECT_EQ(
      InspectEdited([](DcmDataset& ds) { ds.putAndInsertString(DCM_StudyInstanceUID, "1.02.3"); })
          .status()
          .code(),
      ErrorCode::kMalformedUid);
  EXPECT_EQ(InspectEdited([](DcmDataset& ds) { ds.putAndInsertString(DCM_Modality, "MR"); })
                .status()
                .code(),
            ErrorCode::kNotCt);
  EXPECT_EQ(InspectEdited(
                [](DcmDataset& ds) { ds.putAndInsertString(DCM_SOPClassUID, UID_MRImageStorage); })
                .status()
                .code(),
            ErrorCode::kNotCt);
  EXPECT_EQ(
      InspectEdited([](DcmDataset& ds) { ds.findAndDeleteElement(DCM_PixelData); }).status().code(),
      ErrorCode::kPixelDataMissing);
  EXPECT_EQ(
      InspectEdited([](DcmDataset& ds) { ds.putAndInsertUint16(DCM_Rows, 65); }).status().code(),
      ErrorCode::kPixelDataLength);
  EXPECT_EQ(InspectEdited([](DcmDataset& ds) {
              ds.putAndInsertUint16(DCM_Rows, 65535);
              ds.putAndInsertUint16(DCM_Columns, 65535);
            })
                .status()
                .code(),
            ErrorCode::kAbsurdSize);
  EXPECT_EQ(
      InspectEdited([](DcmDataset& ds) { ds.putAndInsertString(DCM_NumberOfFrames, "99999"); })
          .status()
          .code(),
      ErrorCode::kAbsurdSize);
}

TEST_F(InstanceInspectorTest, GarbageIsUnparseable) {
  const std::string path = (dir_ / "garbage.dcm").string();
  std::ofstream(path) << "definitely not DICOM";
  EXPECT_EQ(InspectInstance(path, {}, limits_).status().code(), ErrorCode::kUnparseable);
}

TEST_F(InstanceInspectorTest, CompressedImagesAreAccepted) {
  for (const std::string ts : {"jpeg-lossless", "jpeg-ls", "rle"}) {
    CtSeriesSpec spec;
    spec.slices = 1;
    spec.transfer_syntax = ts;
    auto file = ::ctscreen::testing::WriteCtSeries(spec, (dir_ / ts).string())[0];
    auto info = InspectInstance(file, {}, limits_);
    EXPECT_TRUE(info.ok()) << ts << ": " << info.status().ToString();
  }
}

TEST(UidTest, Syntax) {
  EXPECT_TRUE(IsValidUid("1.2.840.10008.5.1.4.1.1.2"));
  EXPECT_TRUE(IsValidUid("0"));
  EXPECT_TRUE(IsValidUid("2.25.0"));
  EXPECT_FALSE(IsValidUid(""));
  EXPECT_FALSE(IsValidUid("1..2"));
  EXPECT_FALSE(IsValidUid("1.2."));
  EXPECT_FALSE(IsValidUid(".1.2"));
  EXPECT_FALSE(IsValidUid("1.02"));
  EXPECT_FALSE(IsValidUid("1.2a"));
  EXPECT_FALSE(IsValidUid(std::string(65, '1')));
}

}  // namespace
}  // namespace ctscreen::dicom
