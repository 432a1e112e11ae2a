// The DICOM listener: C-ECHO and C-STORE for CT, several associations at once, each on its own
// thread. It streams every data set to a temporary file, inspects it and hands it to the
// InstanceSink, and answers the sender only after the sink says the file is durable.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ctscreen/core/config.h"
#include "ctscreen/core/ingest_counters.h"
#include "ctscreen/core/intake_gate.h"
#include "ctscreen/core/status.h"
#include "ctscreen/dicom/instance_inspector.h"
#include "ctscreen/dicom/instance_sink.h"

struct T_ASC_Network;
struct T_ASC_Association;

namespace ctscreen::dicom {

class StoreScp {
 public:
  // `gate` (optional) lets an operator pause intake: new associations are then refused as
  // transient ("temporary congestion") until it reopens.
  StoreScp(core::ListenerOptions options, InspectionLimits limits, InstanceSink& sink,
           const core::IntakeGate* gate = nullptr);
  ~StoreScp();
  StoreScp(const StoreScp&) = delete;
  StoreScp& operator=(const StoreScp&) = delete;

  // Binds the port and starts accepting. Fails with a reason (port in use, no permission).
  core::Status Start();
  // Stops accepting, lets each association finish the instance it is receiving, then closes
  // them. Unacknowledged instances are the sender's to resend.
  void Stop();

  int active_associations() const { return active_; }
  const core::IngestCounters& counters() const { return counters_; }

 private:
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };

  void AcceptLoop();
  void ReapFinishedWorkers();

  core::ListenerOptions options_;
  InspectionLimits limits_;
  InstanceSink& sink_;
  const core::IntakeGate* gate_;
  T_ASC_Network* network_ = nullptr;
  std::atomic<bool> running_{false};
  std::atomic<int> active_{0};
  core::IngestCounters counters_;
  int next_association_id_ = 1;
  std::thread acceptor_;
  std::vector<Worker> workers_;  // owned by the acceptor thread; joined in Stop()
};

}  // namespace ctscreen::dicom
