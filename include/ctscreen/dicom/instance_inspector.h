// Checks a received file before it is acknowledged: is it a parseable CT image with valid
// UIDs, matching the C-STORE command, with pixel data of the size its header claims?
#pragma once

#include <string>

#include "ctscreen/core/status.h"
#include "ctscreen/dicom/instance_info.h"

namespace ctscreen::dicom {

struct InspectionLimits {
  int max_rows_columns = 4096;
  int max_frames = 5000;
};

// What the C-STORE command said; empty fields are not compared (files found on disk).
struct CommandIdentity {
  std::string sop_class_uid;
  std::string sop_instance_uid;
};

core::Result<InstanceInfo> InspectInstance(const std::string& path, const CommandIdentity& command,
                                           const InspectionLimits& limits);

// True for a syntactically valid DICOM UID (PS3.5 9.1): 1-64 chars, digits in dot-separated
// components, no empty component, no leading zero in a multi-digit component.
bool IsValidUid(const std::string& uid);

// True for CT Image Storage and Enhanced CT Image Storage.
bool IsCtStorageClass(const std::string& sop_class_uid);

}  // namespace ctscreen::dicom
