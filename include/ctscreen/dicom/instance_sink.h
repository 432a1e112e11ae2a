// Where the listener hands received instances. Implemented by ingest (spool + series tracker),
// so the dicom module knows nothing about folders, jobs or series.
#pragma once

#include <string>

#include "ctscreen/core/status.h"
#include "ctscreen/dicom/instance_info.h"

namespace ctscreen::dicom {

class InstanceSink {
 public:
  virtual ~InstanceSink() = default;
  // Asked before a data set is received: refuse early (e.g. disk below storage.min_free_mb).
  virtual core::Status CanAccept() = 0;
  // A fresh temporary file path the data set is streamed into.
  virtual std::string NewTemporaryPath() = 0;
  // Makes the inspected temporary file durable and indexes it; success means it may be
  // acknowledged. On failure the sink has removed the temporary file.
  virtual core::Status Commit(const std::string& temporary_path, const InstanceInfo& info,
                              const PeerInfo& peer) = 0;
};

}  // namespace ctscreen::dicom
