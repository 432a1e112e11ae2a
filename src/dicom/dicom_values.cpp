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

}  // namespace ctscreen::dicom
