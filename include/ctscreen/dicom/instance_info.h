// What the listener learns from an incoming instance's header. Deliberately holds no patient
// attributes (name, ID, birth date), so nothing downstream can log them by accident.
#pragma once

#include <cstdint>
#include <string>

namespace ctscreen::dicom {

struct InstanceInfo {
  std::string sop_class_uid;
  std::string sop_instance_uid;
  std::string study_uid;
  std::string series_uid;
  std::string modality;
  std::string image_type;  // e.g. "ORIGINAL\PRIMARY\AXIAL"
  std::string transfer_syntax;
  int rows = 0;
  int columns = 0;
  int frames = 1;
  std::int64_t file_size = 0;
};

// The association an instance came in on, for records and log lines.
struct PeerInfo {
  int association_id = 0;
  std::string calling_aet;
  std::string called_aet;
  std::string host;
};

}  // namespace ctscreen::dicom
