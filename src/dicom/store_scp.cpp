#include "ctscreen/dicom/store_scp.h"

#include <arpa/inet.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dul.h>
#include <dcmtk/oflog/oflog.h>
#include <netdb.h>

#include <cstdlib>
#include <set>

#include "association_handler.h"
#include "ctscreen/core/logging.h"

namespace ctscreen::dicom {
namespace {

using core::ErrorCode;
using core::Status;

const char* kAbstractSyntaxes[] = {UID_VerificationSOPClass, UID_CTImageStorage,
                                   UID_EnhancedCTImageStorage};

// Our order of preference when a sender offers several in one presentation context: lossless
// compressed first, so a sender that holds compressed images sends them as they are (no
// transcoding on its side, a quarter of the bytes on the wire and in the spool).
const char* kTransferSyntaxes[] = {
    UID_JPEGLSLosslessTransferSyntax,       UID_JPEGProcess14SV1TransferSyntax,
    UID_JPEG2000LosslessOnlyTransferSyntax, UID_RLELosslessTransferSyntax,
    UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax,
};

// Every address a configured host name stands for, so "localhost" matches 127.0.0.1.
std::set<std::string> ResolveHost(const std::string& host) {
  std::set<std::string> out{host};
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0) return out;
  for (addrinfo* p = res; p; p = p->ai_next) {
    char buf[INET6_ADDRSTRLEN] = {};
    const void* addr =
        p->ai_family == AF_INET
            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(p->ai_addr)->sin_addr)
            : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(p->ai_addr)->sin6_addr);
    if (::inet_ntop(p->ai_family, addr, buf, sizeof(buf))) out.insert(buf);
  }
  ::freeaddrinfo(res);
  return out;
}

void Reject(T_ASC_Association* assoc, T_ASC_RejectParametersResult result,
            T_ASC_RejectParametersSource source, T_ASC_RejectParametersReason reason) {
  T_ASC_RejectParameters rej = {result, source, reason};
  ASC_rejectAssociation(assoc, &rej);
  ASC_dropAssociation(assoc);
  ASC_destroyAssociation(&assoc);
}

}  // namespace

StoreScp::StoreScp(core::ListenerOptions options, InspectionLimits limits, InstanceSink& sink,
                   const core::IntakeGate* gate)
    : options_(std::move(options)), limits_(limits), sink_(sink), gate_(gate) {}

StoreScp::~StoreScp() {
  Stop();
}

Status StoreScp::Start() {
  auto log = core::Log("dicom");
  if (options_.tls.enabled) {
    return Status(ErrorCode::kInvalidConfig,
                  "listener.tls.enabled: TLS on the DICOM listener is not available in this "
                  "release; set it to false and put a TLS tunnel (e.g. stunnel) in front");
  }
  // DCMTK logs every network step at INFO; ours are enough.
  OFLog::configure(OFLogger::WARN_LOG_LEVEL);
  // Peers are matched by address; a reverse DNS lookup per association only adds delay.
  dcmDisableGethostbyaddr.set(OFTrue);
  // Without TCP_NODELAY each C-STORE response waits for Nagle's algorithm (~40 ms).
  ::setenv("TCP_NODELAY", "1", 1);
  if (!dcmDataDict.isDictionaryLoaded()) {
    return Status(ErrorCode::kInternal,
                  "the DICOM data dictionary is not loaded; install the dcmtk data files or set "
                  "DCMDICTPATH to dicom.dic");
  }
  OFCondition cond =
      ASC_initializeNetwork(NET_ACCEPTOR, options_.port, options_.timeout_s, &network_);
  if (cond.bad()) {
    return Status(ErrorCode::kIoError,
                  "cannot listen on DICOM port " + std::to_string(options_.port) + ": " +
                      cond.text() +
                      " (is another DICOM service using it? ports below 1024 need root)");
  }
  running_ = true;
  acceptor_ = std::thread([this] { AcceptLoop(); });
  log->info("DICOM listener {} on port {} (max {} associations, {} allowed peers)", options_.aet,
            options_.port, options_.max_associations,
            options_.allowed_peers.empty() ? std::string("any")
                                           : std::to_string(options_.allowed_peers.size()));
  return Status::Ok();
}

void StoreScp::Stop() {
  if (!running_.exchange(false)) return;
  if (acceptor_.joinable()) acceptor_.join();
  for (auto& w : workers_) {
    if (w.thread.joinable()) w.thread.join();
  }
  workers_.clear();
  if (network_) ASC_dropNetwork(&network_);
  core::Log("dicom")->info("DICOM listener stopped");
}

void StoreScp::ReapFinishedWorkers() {
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (*it->done) {
      it->thread.join();
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
}

void StoreScp::AcceptLoop() {
  auto log = core::Log("dicom");
  // Resolved once: the allow-list is checked against peer addresses.
  std::vector<std::pair<std::string, std::set<std::string>>> allowed;
  for (const auto& rule : options_.allowed_peers) {
    allowed.emplace_back(rule.aet,
                         rule.host.empty() ? std::set<std::string>{} : ResolveHost(rule.host));
  }
  while (running_) {
    T_ASC_Association* assoc = nullptr;
    OFCondition cond = ASC_receiveAssociation(network_, &assoc, options_.max_pdu, nullptr, nullptr,
                                              OFFalse, DUL_NOBLOCK, 1);
    ReapFinishedWorkers();
    if (cond == DUL_NOASSOCIATIONREQUEST) {
      ASC_destroyAssociation(&assoc);
      continue;
    }
    if (cond.bad()) {
      log->warn("association request could not be read: {}", cond.text());
      ASC_dropAssociation(assoc);
      ASC_destroyAssociation(&assoc);
      continue;
    }
    PeerInfo peer;
    peer.association_id = next_association_id_++;
    char calling[65] = {}, called[65] = {}, responding[65] = {};
    ASC_getAPTitles(assoc->params, calling, sizeof(calling), called, sizeof(called), responding,
                    sizeof(responding));
    peer.calling_aet = calling;
    peer.called_aet = called;
    peer.host = assoc->params->DULparams.callingPresentationAddress;

    if (!allowed.empty()) {
      bool ok = false;
      for (const auto& [aet, hosts] : allowed) {
        if (aet == peer.calling_aet && (hosts.empty() || hosts.count(peer.host))) ok = true;
      }
      if (!ok) {
        log->warn(
            "association #{} refused: calling AE '{}' from {} is not in "
            "listener.allowed_peers",
            peer.association_id, peer.calling_aet, peer.host);
        Reject(assoc, ASC_RESULT_REJECTEDPERMANENT, ASC_SOURCE_SERVICEUSER,
               ASC_REASON_SU_CALLINGAETITLENOTRECOGNIZED);
        ++counters_.associations_refused;
        continue;
      }
    }
    if (peer.called_aet != options_.aet) {
      log->warn("association #{} refused: {}@{} called AE '{}', this listener is '{}'",
                peer.association_id, peer.calling_aet, peer.host, peer.called_aet, options_.aet);
      Reject(assoc, ASC_RESULT_REJECTEDPERMANENT, ASC_SOURCE_SERVICEUSER,
             ASC_REASON_SU_CALLEDAETITLENOTRECOGNIZED);
      ++counters_.associations_refused;
      continue;
    }
    char context_name[65] = {};
    ASC_getApplicationContextName(assoc->params, context_name, sizeof(context_name));
    if (std::string(context_name) != UID_StandardApplicationContext) {
      log->warn("association #{} refused: {}@{} proposed application context '{}'",
                peer.association_id, peer.calling_aet, peer.host, context_name);
      Reject(assoc, ASC_RESULT_REJECTEDPERMANENT, ASC_SOURCE_SERVICEUSER,
             ASC_REASON_SU_APPCONTEXTNAMENOTSUPPORTED);
      ++counters_.associations_refused;
      continue;
    }
    if (std::string why; gate_ && gate_->IsPaused(&why)) {
      log->warn("association #{} from {}@{} refused for now: intake is paused ({})",
                peer.association_id, peer.calling_aet, peer.host, why);
      Reject(assoc, ASC_RESULT_REJECTEDTRANSIENT, ASC_SOURCE_SERVICEPROVIDER_PRESENTATION_RELATED,
             ASC_REASON_SP_PRES_TEMPORARYCONGESTION);
      ++counters_.associations_refused;
      continue;
    }
    if (active_ >= options_.max_associations) {
      log->warn(
          "association #{} from {}@{} refused for now: {} associations already open "
          "(listener.max_associations)",
          peer.association_id, peer.calling_aet, peer.host, active_.load());
      Reject(assoc, ASC_RESULT_REJECTEDTRANSIENT, ASC_SOURCE_SERVICEPROVIDER_PRESENTATION_RELATED,
             ASC_REASON_SP_PRES_LOCALLIMITEXCEEDED);
      ++counters_.associations_refused;
      continue;
    }
    cond = ASC_acceptContextsWithPreferredTransferSyntaxes(
        assoc->params, kAbstractSyntaxes, static_cast<int>(std::size(kAbstractSyntaxes)),
        kTransferSyntaxes, static_cast<int>(std::size(kTransferSyntaxes)));
    if (cond.good()) cond = ASC_acknowledgeAssociation(assoc);
    if (cond.bad()) {
      log->warn("association #{} from {}@{} failed during negotiation: {}", peer.association_id,
                peer.calling_aet, peer.host, cond.text());
      ASC_dropAssociation(assoc);
      ASC_destroyAssociation(&assoc);
      continue;
    }
    log->debug("association #{} accepted from {}@{}", peer.association_id, peer.calling_aet,
               peer.host);
    ++active_;
    ++counters_.associations;
    auto done = std::make_shared<std::atomic<bool>>(false);
    workers_.push_back(Worker{
        std::thread([this, assoc, peer, done] {
          AssociationHandler(assoc, peer, options_, limits_, sink_, running_, counters_).Run();
          --active_;
          *done = true;
        }),
        done});
  }
}

}  // namespace ctscreen::dicom
