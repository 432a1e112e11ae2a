#include "ctscreen/dicom/instance_inspector.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <sys/stat.h>

#include "dataset_values.h"

namespace ctscreen::dicom {
namespace {

using core::ErrorCode;
using core::Status;

// Values longer than this stay on disk while parsing: we only need the header.
constexpr Uint32 kMaxReadLength = 4096;

Status CheckUid(const std::string& uid, const char* name) {
  if (uid.empty()) {
    return Status(ErrorCode::kMissingUid,
                  std::string(name) + " is missing; the sender must assign one");
  }
  if (!IsValidUid(uid)) {
    return Status(ErrorCode::kMalformedUid,
                  std::string(name) + " '" + uid +
                      "' is not a valid DICOM UID (digits and dots, at most 64 characters)");
  }
  return Status::Ok();
}

}  // namespace

bool IsValidUid(const std::string& uid) {
  if (uid.empty() || uid.size() > 64) return false;
  size_t start = 0;
  while (start <= uid.size()) {
    size_t dot = uid.find('.', start);
    size_t end = dot == std::string::npos ? uid.size() : dot;
    if (end == start) return false;
    for (size_t i = start; i < end; ++i) {
      if (uid[i] < '0' || uid[i] > '9') return false;
    }
    if (end - start > 1 && uid[start] == '0') return false;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return true;
}

bool IsCtStorageClass(const std::string& sop_class_uid) {
  return sop_class_uid == UID_CTImageStorage || sop_class_uid == UID_EnhancedCTImageStorage;
}

core::Result<InstanceInfo> InspectInstance(const std::string& path, const CommandIdentity& command,
                                           const InspectionLimits& limits) {
  DcmFileFormat file;
  OFCondition cond =
      file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, kMaxReadLength, ERM_autoDetect);
  if (cond.bad()) {
    return Status(ErrorCode::kUnparseable,
                  std::string("the data set cannot be parsed as DICOM: ") + cond.text());
  }
  DcmDataset& ds = *file.getDataset();
  InstanceInfo info;
  info.sop_class_uid = GetString(ds, DCM_SOPClassUID);
  info.sop_instance_uid = GetString(ds, DCM_SOPInstanceUID);
  info.study_uid = GetString(ds, DCM_StudyInstanceUID);
  info.series_uid = GetString(ds, DCM_SeriesInstanceUID);
  info.modality = GetString(ds, DCM_Modality);
  info.image_type = GetString(ds, DCM_ImageType);
  info.transfer_syntax = DcmXfer(ds.getOriginalXfer()).getXferID();
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) info.file_size = st.st_size;

  if (auto s = CheckUid(info.sop_instance_uid, "SOP Instance UID (0008,0018)"); !s.ok()) return s;
  if (auto s = CheckUid(info.study_uid, "Study Instance UID (0020,000D)"); !s.ok()) return s;
  if (auto s = CheckUid(info.series_uid, "Series Instance UID (0020,000E)"); !s.ok()) return s;
  if (auto s = CheckUid(info.sop_class_uid, "SOP Class UID (0008,0016)"); !s.ok()) return s;

  if (!command.sop_instance_uid.empty() && command.sop_instance_uid != info.sop_instance_uid) {
    return Status(ErrorCode::kUidMismatch,
                  "SOP Instance UID differs between the C-STORE command (" +
                      command.sop_instance_uid + ") and the data set (" + info.sop_instance_uid +
                      ")");
  }
  if (!command.sop_class_uid.empty() && command.sop_class_uid != info.sop_class_uid) {
    return Status(ErrorCode::kUidMismatch, "SOP Class UID differs between the C-STORE command (" +
                                               command.sop_class_uid + ") and the data set (" +
                                               info.sop_class_uid + ")");
  }
  if (!IsCtStorageClass(info.sop_class_uid) || info.modality != "CT") {
    return Status(ErrorCode::kNotCt, "not a CT image (SOP Class " + info.sop_class_uid +
                                         ", Modality '" + info.modality +
                                         "'); ctscreen screens CT only");
  }

  Uint16 rows = 0, columns = 0, bits_allocated = 0, samples = 1;
  ds.findAndGetUint16(DCM_Rows, rows);
  ds.findAndGetUint16(DCM_Columns, columns);
  ds.findAndGetUint16(DCM_BitsAllocated, bits_allocated);
  ds.findAndGetUint16(DCM_SamplesPerPixel, samples);
  Sint32 frames = 1;
  if (ds.findAndGetSint32(DCM_NumberOfFrames, frames).bad() || frames < 1) frames = 1;
  info.rows = rows;
  info.columns = columns;
  info.frames = frames;
  if (rows == 0 || columns == 0 || rows > limits.max_rows_columns ||
      columns > limits.max_rows_columns || frames > limits.max_frames) {
    return Status(ErrorCode::kAbsurdSize,
                  "image size " + std::to_string(columns) + " x " + std::to_string(rows) + " x " +
                      std::to_string(frames) + " frames is outside what a CT can be (at most " +
                      std::to_string(limits.max_rows_columns) + " x " +
                      std::to_string(limits.max_rows_columns) + ", " +
                      std::to_string(limits.max_frames) + " frames; series.max_rows_columns)");
  }
  if (bits_allocated != 8 && bits_allocated != 16 && bits_allocated != 32) {
    return Status(ErrorCode::kAbsurdSize, "Bits Allocated is " + std::to_string(bits_allocated) +
                                              "; a CT image stores 8, 16 or 32 bits per sample");
  }

  DcmElement* pixel = nullptr;
  if (ds.findAndGetElement(DCM_PixelData, pixel).bad() || pixel == nullptr) {
    return Status(ErrorCode::kPixelDataMissing, "the image has no Pixel Data (7FE0,0010)");
  }
  const bool encapsulated = DcmXfer(ds.getOriginalXfer()).isEncapsulated();
  if (encapsulated) {
    DcmPixelSequence* sequence = nullptr;
    auto* pd = static_cast<DcmPixelData*>(pixel);
    if (pd->getEncapsulatedRepresentation(ds.getOriginalXfer(), nullptr, sequence).bad() ||
        sequence == nullptr || sequence->card() < 2) {
      return Status(ErrorCode::kPixelDataMissing,
                    "compressed Pixel Data has no fragments (only the offset table or nothing)");
    }
  } else {
    const std::uint64_t expected =
        static_cast<std::uint64_t>(rows) * columns * frames * samples * bits_allocated / 8;
    const std::uint64_t actual = pixel->getLength();
    // Odd lengths are padded to even by one byte (PS3.5 7.1.1).
    if (actual != expected && actual != expected + (expected % 2)) {
      return Status(ErrorCode::kPixelDataLength,
                    "Pixel Data is " + std::to_string(actual) + " bytes but Rows x Columns x " +
                        "Frames x Samples x BitsAllocated/8 needs " + std::to_string(expected));
    }
  }
  return info;
}

}  // namespace ctscreen::dicom
