// Serves one accepted association until release, abort or shutdown; private to dicom.
#pragma once

#include <atomic>
#include <cstdint>

#include "ctscreen/core/config.h"
#include "ctscreen/core/ingest_counters.h"
#include "ctscreen/dicom/instance_inspector.h"
#include "ctscreen/dicom/instance_sink.h"

struct T_ASC_Association;

namespace ctscreen::dicom {

struct AssociationTotals {
  int stored = 0;
  int failed = 0;
  std::int64_t bytes = 0;
  // Where the time went, for the summary line: network receive, header checks, and the
  // sink's durable commit (sync, rename, index).
  double receive_s = 0;
  double inspect_s = 0;
  double commit_s = 0;
};

class AssociationHandler {
 public:
  AssociationHandler(T_ASC_Association* assoc, PeerInfo peer, const core::ListenerOptions& options,
                     const InspectionLimits& limits, InstanceSink& sink,
                     const std::atomic<bool>& running, core::IngestCounters& counters);
  // Runs the DIMSE loop, then closes and frees the association and logs the summary line.
  void Run();

 private:
  // Handles one C-STORE: receive to a temporary file, inspect, commit, respond.
  bool HandleStore(void* message, unsigned char pres_id);
  // Reads a data set off the wire without keeping it (the instance is refused anyway).
  bool IgnoreDataSet();
  bool Respond(unsigned char pres_id, void* request, const core::Status& status);

  T_ASC_Association* assoc_;
  PeerInfo peer_;
  const core::ListenerOptions& options_;
  const InspectionLimits& limits_;
  InstanceSink& sink_;
  const std::atomic<bool>& running_;
  core::IngestCounters& counters_;
  AssociationTotals totals_;
};

}  // namespace ctscreen::dicom
