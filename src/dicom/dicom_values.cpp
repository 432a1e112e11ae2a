#include "dicom_values.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <cstdio>

namespace ctscreen::dicom {

std::string FormatDs(double value) {
  if (value == 0) return "0";
  char buffer[32];
  for (int digits = 12; digits > 1; --digits) {
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
    if (std::string(buffer).size() <= 16) return buffer;
  }
  std::snprintf(buffer, sizeof buffer, "%.1g", value);
  return buffer;
}

std::string NewUid() {
  char uid[100];
  dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT);
  return uid;
}

std::string CsSafe(const std::string& text, std::size_t max_length) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '^' || static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  if (out.size() > max_length) out.resize(max_length);
  return out;
}

std::string PnSafe(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  if (out.size() > 64) out.resize(64);
  return out;
}

double ReadSliceThickness(const std::string& path) {
  DcmFileFormat file;
  if (file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, 4096).bad()) return 0;
  Float64 value = 0;
  if (file.getDataset()->findAndGetFloat64(DCM_SliceThickness, value).bad()) return 0;
  return value;
}

// Patient and study attributes are copied as stored (with their character set), never rebuilt:
// the PACS files the report under the same patient and study as the CT.
core::Status CopyPatientAndStudy(const std::string& reference_file, const std::string& what,
                                 DcmItem* target) {
  DcmFileFormat file;
  OFCondition cond = file.loadFile(reference_file.c_str(), EXS_Unknown, EGL_noChange, 4096);
  if (cond.bad()) {
    return core::Status(core::ErrorCode::kIoError,
                        what + ": cannot read patient and study from the source CT '" +
                            reference_file + "': " + cond.text());
  }
  const DcmTagKey tags[] = {DCM_SpecificCharacterSet,
                            DCM_PatientName,
                            DCM_PatientID,
                            DCM_IssuerOfPatientID,
                            DCM_PatientBirthDate,
                            DCM_PatientSex,
                            DCM_PatientAge,
                            DCM_StudyDate,
                            DCM_StudyTime,
                            DCM_ReferringPhysicianName,
                            DCM_StudyID,
                            DCM_AccessionNumber,
                            DCM_StudyDescription};
  DcmDataset* source = file.getDataset();
  for (const DcmTagKey& tag : tags) {
    DcmElement* element = nullptr;
    if (source->findAndGetElement(tag, element).good() && element != nullptr) {
      target->insert(OFstatic_cast(DcmElement*, element->clone()), OFTrue);
    }
  }
  return core::Status::Ok();
}

}  // namespace ctscreen::dicom
