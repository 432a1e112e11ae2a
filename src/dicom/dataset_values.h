// Reading attribute values from DCMTK items the way every reader in this module needs them;
// private to dicom.
#pragma once

#include <dcmtk/dcmdata/dcitem.h>

#include <string>

namespace ctscreen::dicom {

// The value (all of a multi-valued one, backslash-separated), without the trailing spaces and
// NUL padding DICOM uses to reach an even length; "" when absent.
inline std::string GetString(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  if (item.findAndGetOFStringArray(tag, value).bad()) return "";
  std::string s = value.c_str();
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

}  // namespace ctscreen::dicom
