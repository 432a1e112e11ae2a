#include "ctscreen/dicom/store_scu.h"

#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmnet/scu.h>
#include <dcmtk/oflog/oflog.h>

#include <map>
#include <set>

namespace ctscreen::dicom {

namespace {

StoreResult Classify(Uint16 status) {
  char hex[8];
  std::snprintf(hex, sizeof(hex), "0x%04X", status);
  if (status == 0x0000 || (status & 0xF000) == 0xB000) {
    return {StoreResult::Kind::kStored, status, ""};
  }
  if ((status & 0xFF00) == 0xA700 || status == 0x0213) {
    return {StoreResult::Kind::kRetry, status,
            std::string("destination is out of resources (") + hex + "); will retry"};
  }
  return {StoreResult::Kind::kRefused, status,
          std::string("destination refused the instance with status ") + hex};
}

std::string TransferSyntaxOf(const std::string& path) {
  DcmFileFormat file;
  if (file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, 256).bad()) return "";
  OFString ts;
  file.getMetaInfo()->findAndGetOFString(DCM_TransferSyntaxUID, ts);
  return ts.c_str();
}

}  // namespace

StoreScu::StoreScu(std::string calling_aet, int timeout_s)
    : calling_aet_(std::move(calling_aet)), timeout_s_(timeout_s) {
  // DcmSCU logs every step at INFO; the dispatcher logs what matters.
  OFLog::configure(OFLogger::WARN_LOG_LEVEL);
}

std::vector<StoreResult> StoreScu::Send(const core::Destination& destination,
                                        const std::vector<OutgoingFile>& files) const {
  std::vector<StoreResult> results(files.size());
  if (files.empty()) return results;
  DcmSCU scu;
  scu.setAETitle(calling_aet_.c_str());
  scu.setPeerHostName(destination.host.c_str());
  scu.setPeerPort(static_cast<Uint16>(destination.port));
  scu.setPeerAETitle(destination.aet.c_str());
  scu.setConnectionTimeout(timeout_s_);
  scu.setACSETimeout(static_cast<Uint32>(timeout_s_));
  scu.setDIMSETimeout(static_cast<Uint32>(timeout_s_));
  scu.setDIMSEBlockingMode(DIMSE_NONBLOCKING);

  // Per SOP class: one context with the uncompressed syntaxes, and one per other syntax the
  // files are stored in, so nothing has to be transcoded.
  std::vector<std::string> syntaxes(files.size());
  std::map<std::string, std::set<std::string>> wanted;
  for (size_t i = 0; i < files.size(); ++i) {
    syntaxes[i] = TransferSyntaxOf(files[i].path);
    wanted[files[i].sop_class_uid].insert(syntaxes[i]);
  }
  for (const auto& [sop_class, own] : wanted) {
    OFList<OFString> uncompressed;
    uncompressed.push_back(UID_LittleEndianExplicitTransferSyntax);
    uncompressed.push_back(UID_LittleEndianImplicitTransferSyntax);
    scu.addPresentationContext(sop_class.c_str(), uncompressed);
    for (const auto& ts : own) {
      if (ts.empty() || ts == UID_LittleEndianExplicitTransferSyntax ||
          ts == UID_LittleEndianImplicitTransferSyntax) {
        continue;
      }
      OFList<OFString> just_this;
      just_this.push_back(ts.c_str());
      scu.addPresentationContext(sop_class.c_str(), just_this);
    }
  }
  const std::string where = destination.name + " (" + destination.aet + "@" + destination.host +
                            ":" + std::to_string(destination.port) + ")";
  OFCondition cond = scu.initNetwork();
  if (cond.good()) cond = scu.negotiateAssociation();
  if (cond.bad()) {
    // A permanent rejection is a configuration problem on one side; anything else (refused
    // connection, timeout, transient rejection) may pass.
    const bool permanent = std::string(cond.text()).find("Rejected") != std::string::npos &&
                           std::string(cond.text()).find("Transient") == std::string::npos;
    for (auto& r : results) {
      r.kind = permanent ? StoreResult::Kind::kRefused : StoreResult::Kind::kRetry;
      r.detail = "cannot open an association to " + where + ": " + cond.text();
    }
    return results;
  }
  for (size_t i = 0; i < files.size(); ++i) {
    T_ASC_PresentationContextID pres_id =
        scu.findPresentationContextID(files[i].sop_class_uid.c_str(), syntaxes[i].c_str());
    if (pres_id == 0) {
      pres_id = scu.findAnyPresentationContextID(files[i].sop_class_uid.c_str(),
                                                 UID_LittleEndianExplicitTransferSyntax);
    }
    if (pres_id == 0) {
      results[i] = {
          StoreResult::Kind::kRefused, 0xFFFF,
          where + " accepts no presentation context for SOP class " + files[i].sop_class_uid};
      continue;
    }
    Uint16 status = 0xFFFF;
    cond = scu.sendSTORERequest(pres_id, files[i].path.c_str(), nullptr, status);
    if (cond.bad()) {
      // The association is gone: this and every later file are for the next pass.
      for (size_t j = i; j < files.size(); ++j) {
        results[j] = {StoreResult::Kind::kRetry, 0xFFFF,
                      "C-STORE to " + where + " failed: " + cond.text()};
      }
      scu.abortAssociation();
      return results;
    }
    results[i] = Classify(status);
    if (results[i].kind != StoreResult::Kind::kStored) results[i].detail += " at " + where;
  }
  scu.releaseAssociation();
  return results;
}

}  // namespace ctscreen::dicom
