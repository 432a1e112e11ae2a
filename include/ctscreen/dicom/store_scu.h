// Sends DICOM files to a destination with C-STORE (DCMTK's DcmSCU), one association per call.
// Each file's own transfer syntax is proposed, plus the uncompressed ones, so SEG, SR and
// images all find a presentation context. Results say whether a failure is worth retrying:
// warnings (0xBxxx) are success, Out of Resources and network failures are retried, other
// refusals are final.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ctscreen/core/config.h"

namespace ctscreen::dicom {

struct OutgoingFile {
  std::string path;
  std::string sop_class_uid;
  std::string sop_instance_uid;
};

struct StoreResult {
  enum class Kind { kStored, kRetry, kRefused };
  Kind kind = Kind::kRetry;
  std::uint16_t status = 0xFFFF;  // DIMSE status when one came back
  std::string detail;
};

class StoreScu {
 public:
  StoreScu(std::string calling_aet, int timeout_s);
  std::vector<StoreResult> Send(const core::Destination& destination,
                                const std::vector<OutgoingFile>& files) const;

 private:
  std::string calling_aet_;
  int timeout_s_;
};

}  // namespace ctscreen::dicom
