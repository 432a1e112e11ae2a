// Joins the dispatcher (jobs: what to send, when) to the DICOM sender (dicom: how). Lives in
// app, the one place that knows both; header-only so the integration tests wire it the same way.
#pragma once

#include "ctscreen/dicom/store_scu.h"
#include "ctscreen/jobs/dispatcher.h"

namespace ctscreen::app {

class DicomDeliverySender : public jobs::DeliverySender {
 public:
  DicomDeliverySender(const std::string& calling_aet, int timeout_s)
      : scu_(calling_aet, timeout_s) {}

  std::vector<jobs::SendResult> Send(const core::Destination& destination,
                                     const std::vector<jobs::Delivery>& batch) override {
    std::vector<dicom::OutgoingFile> files;
    for (const auto& d : batch) files.push_back({d.path, d.sop_class_uid, d.sop_instance_uid});
    std::vector<jobs::SendResult> out;
    for (const auto& r : scu_.Send(destination, files)) {
      using K = dicom::StoreResult::Kind;
      out.push_back({r.kind == K::kStored    ? jobs::SendResult::Kind::kSent
                     : r.kind == K::kRefused ? jobs::SendResult::Kind::kRefused
                                             : jobs::SendResult::Kind::kRetry,
                     r.detail});
    }
    return out;
  }

 private:
  dicom::StoreScu scu_;
};

}  // namespace ctscreen::app
