#include "association_handler.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcostrmf.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "ctscreen/core/logging.h"
#include "ctscreen/dicom/dimse_status.h"

namespace ctscreen::dicom {
namespace {

using core::ErrorCode;
using core::Status;

// While a data set streams in, dirty pages are pushed to disk every this many bytes, so the
// fdatasync before the acknowledgement finds little left to write.
constexpr unsigned long kWritebackChunk = 64 * 1024;

struct WritebackContext {
  int fd = -1;
  unsigned long flushed = 0;
};

void StartWriteback(void* context, unsigned long bytes) {
  auto* ctx = static_cast<WritebackContext*>(context);
  if (ctx->fd >= 0 && bytes - ctx->flushed >= kWritebackChunk) {
    ::sync_file_range(ctx->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    ctx->flushed = bytes;
  }
}

}  // namespace

AssociationHandler::AssociationHandler(T_ASC_Association* assoc, PeerInfo peer,
                                       const core::ListenerOptions& options,
                                       const InspectionLimits& limits, InstanceSink& sink,
                                       const std::atomic<bool>& running,
                                       core::IngestCounters& counters)
    : assoc_(assoc),
      peer_(std::move(peer)),
      options_(options),
      limits_(limits),
      sink_(sink),
      running_(running),
      counters_(counters) {}

void AssociationHandler::Run() {
  auto log = core::Log("dicom");
  const auto started = std::chrono::steady_clock::now();
  std::string ending;
  int idle_s = 0;
  while (ending.empty()) {
    T_DIMSE_Message msg;
    T_ASC_PresentationContextID pres_id = 0;
    DcmDataset* command_detail = nullptr;
    // Short polls so a shutdown or the idle timeout is noticed between messages.
    OFCondition cond =
        DIMSE_receiveCommand(assoc_, DIMSE_NONBLOCKING, 1, &pres_id, &msg, &command_detail);
    delete command_detail;
    if (cond == DIMSE_NODATAAVAILABLE) {
      if (!running_) {
        ending = "closed for shutdown";
        ASC_abortAssociation(assoc_);
      } else if (++idle_s >= options_.timeout_s) {
        ending = "idle for " + std::to_string(idle_s) + " s (listener.timeout_s)";
        ASC_abortAssociation(assoc_);
      }
      continue;
    }
    idle_s = 0;
    if (cond == DUL_PEERREQUESTEDRELEASE) {
      ASC_acknowledgeRelease(assoc_);
      ending = "released";
    } else if (cond == DUL_PEERABORTEDASSOCIATION) {
      ending = "aborted by the sender";
    } else if (cond.bad()) {
      ending = std::string("network error: ") + cond.text();
      ASC_abortAssociation(assoc_);
    } else if (msg.CommandField == DIMSE_C_ECHO_RQ) {
      cond = DIMSE_sendEchoResponse(assoc_, pres_id, &msg.msg.CEchoRQ, STATUS_Success, nullptr);
      if (cond.bad()) {
        ending = std::string("echo response failed: ") + cond.text();
        ASC_abortAssociation(assoc_);
      }
    } else if (msg.CommandField == DIMSE_C_STORE_RQ) {
      if (!HandleStore(&msg, pres_id)) {
        ending = "aborted after a failed transfer";
        ASC_abortAssociation(assoc_);
      }
    } else {
      ending = "aborted: unsupported DIMSE command 0x" + std::to_string(msg.CommandField) +
               " (only C-ECHO and C-STORE are served)";
      ASC_abortAssociation(assoc_);
    }
  }
  ASC_dropSCPAssociation(assoc_);
  ASC_destroyAssociation(&assoc_);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  log->info(
      "association #{} from {}@{} {}: {} instances stored, {} failed, {:.1f} MB, {:.2f} s "
      "(receive {:.2f} s, checks {:.2f} s, durable commit {:.2f} s)",
      peer_.association_id, peer_.calling_aet, peer_.host, ending, totals_.stored, totals_.failed,
      totals_.bytes / 1e6, seconds, totals_.receive_s, totals_.inspect_s, totals_.commit_s);
}

bool AssociationHandler::HandleStore(void* message, unsigned char pres_id) {
  auto log = core::Log("dicom");
  auto& request = static_cast<T_DIMSE_Message*>(message)->msg.CStoreRQ;

  Status refused = sink_.CanAccept();
  if (refused.ok() && totals_.stored + totals_.failed >= options_.max_instances_per_association) {
    refused = Status(ErrorCode::kAssociationLimit,
                     "more than " + std::to_string(options_.max_instances_per_association) +
                         " instances on one association (listener.max_instances_per_association)");
  }
  if (refused.ok() && totals_.bytes >= options_.max_mb_per_association * 1024 * 1024) {
    refused = Status(ErrorCode::kAssociationLimit,
                     "more than " + std::to_string(options_.max_mb_per_association) +
                         " MB on one association (listener.max_mb_per_association)");
  }
  if (!refused.ok()) {
    // The data set still has to be read off the wire before the answer can go back.
    if (!IgnoreDataSet()) return false;
    return Respond(pres_id, &request, refused);
  }

  const std::string temporary = sink_.NewTemporaryPath();
  DcmOutputFileStream* stream = nullptr;
  OFCondition cond =
      DIMSE_createFilestream(temporary.c_str(), &request, assoc_, pres_id, OFTrue, &stream);
  if (cond.bad()) {
    Status io(ErrorCode::kIoError, "cannot create " + temporary + ": " + cond.text());
    if (!IgnoreDataSet()) return false;
    return Respond(pres_id, &request, io);
  }
  using Clock = std::chrono::steady_clock;
  auto elapsed = [](Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
  };
  auto started = Clock::now();
  WritebackContext writeback;
  writeback.fd = ::open(temporary.c_str(), O_RDONLY | O_CLOEXEC);
  T_ASC_PresentationContextID data_pres_id = pres_id;
  cond = DIMSE_receiveDataSetInFile(assoc_, DIMSE_BLOCKING, 0, &data_pres_id, stream,
                                    StartWriteback, &writeback);
  delete stream;  // flushes and closes the file
  if (writeback.fd >= 0) ::close(writeback.fd);
  if (cond.bad()) {
    ::unlink(temporary.c_str());
    log->warn("association #{} from {}@{}: instance {} was not received completely: {}",
              peer_.association_id, peer_.calling_aet, peer_.host, request.AffectedSOPInstanceUID,
              cond.text());
    ++totals_.failed;
    return false;
  }

  totals_.receive_s += elapsed(started);
  started = Clock::now();
  CommandIdentity command{request.AffectedSOPClassUID, request.AffectedSOPInstanceUID};
  auto info = InspectInstance(temporary, command, limits_);
  Status outcome = info.ok() ? Status::Ok() : info.status();
  if (outcome.ok() && info->file_size > options_.max_instance_mb * 1024 * 1024) {
    outcome =
        Status(ErrorCode::kAbsurdSize,
               "instance is " + std::to_string(info->file_size / (1024 * 1024)) +
                   " MB; listener.max_instance_mb is " + std::to_string(options_.max_instance_mb));
  }
  totals_.inspect_s += elapsed(started);
  if (!outcome.ok()) {
    ::unlink(temporary.c_str());
  } else {
    started = Clock::now();
    outcome = sink_.Commit(temporary, *info, peer_);
    totals_.commit_s += elapsed(started);
  }
  if (outcome.ok()) {
    totals_.bytes += info->file_size;
    counters_.bytes_stored += info->file_size;
  }
  return Respond(pres_id, &request, outcome);
}

bool AssociationHandler::IgnoreDataSet() {
  DIC_UL bytes = 0, pdvs = 0;
  return DIMSE_ignoreDataSet(assoc_, DIMSE_BLOCKING, 0, &bytes, &pdvs).good();
}

bool AssociationHandler::Respond(unsigned char pres_id, void* request_ptr, const Status& status) {
  auto& request = *static_cast<T_DIMSE_C_StoreRQ*>(request_ptr);
  T_DIMSE_C_StoreRSP response;
  std::memset(&response, 0, sizeof(response));
  response.MessageIDBeingRespondedTo = request.MessageID;
  OFStandard::strlcpy(response.AffectedSOPClassUID, request.AffectedSOPClassUID,
                      sizeof(response.AffectedSOPClassUID));
  OFStandard::strlcpy(response.AffectedSOPInstanceUID, request.AffectedSOPInstanceUID,
                      sizeof(response.AffectedSOPInstanceUID));
  response.opts = O_STORE_AFFECTEDSOPCLASSUID | O_STORE_AFFECTEDSOPINSTANCEUID;
  response.DataSetType = DIMSE_DATASET_NULL;
  response.DimseStatus = DimseStatusFor(status.code());

  DcmDataset detail;
  if (status.ok()) {
    ++totals_.stored;
    ++counters_.instances_stored;
  } else {
    ++totals_.failed;
    counters_.Refused(status.code());
    // ErrorComment is LO: 64 characters at most; the full reason is in our log.
    detail.putAndInsertString(DCM_ErrorComment, status.reason().substr(0, 64).c_str());
    core::Log("dicom")->warn(
        "association #{} from {}@{}: instance {} refused with 0x{:04X} ({}): {}",
        peer_.association_id, peer_.calling_aet, peer_.host, request.AffectedSOPInstanceUID,
        response.DimseStatus, core::ErrorCodeName(status.code()), status.reason());
  }
  OFCondition cond = DIMSE_sendStoreResponse(assoc_, pres_id, &request, &response,
                                             status.ok() ? nullptr : &detail);
  return cond.good();
}

}  // namespace ctscreen::dicom
