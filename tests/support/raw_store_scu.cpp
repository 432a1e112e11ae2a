#include "raw_store_scu.h"

#include <cstring>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>

namespace ctscreen::testing {

RawStoreResult RawStore(const std::string& host, int port, const std::string& called_aet,
                        const std::string& sop_class_uid, const std::string& sop_instance_uid,
                        const std::string& data_set_file) {
  RawStoreResult result;
  T_ASC_Network* net = nullptr;
  OFCondition cond = ASC_initializeNetwork(NET_REQUESTOR, 0, 30, &net);
  if (cond.bad()) {
    result.error = cond.text();
    return result;
  }
  T_ASC_Parameters* params = nullptr;
  ASC_createAssociationParameters(&params, ASC_DEFAULTMAXPDU);
  ASC_setAPTitles(params, "RAWSCU", called_aet.c_str(), nullptr);
  const std::string peer = host + ":" + std::to_string(port);
  ASC_setPresentationAddresses(params, "localhost", peer.c_str());
  const char* ts[] = {UID_LittleEndianExplicitTransferSyntax};
  ASC_addPresentationContext(params, 1, sop_class_uid.c_str(), ts, 1);
  T_ASC_Association* assoc = nullptr;
  cond = ASC_requestAssociation(net, params, &assoc);
  if (cond.bad() || ASC_countAcceptedPresentationContexts(params) != 1) {
    result.error = cond.bad() ? cond.text() : "presentation context not accepted";
    if (assoc) {
      ASC_abortAssociation(assoc);
      ASC_destroyAssociation(&assoc);
    }
    ASC_dropNetwork(&net);
    return result;
  }
  T_DIMSE_C_StoreRQ request;
  std::memset(&request, 0, sizeof(request));
  request.MessageID = assoc->nextMsgID++;
  OFStandard::strlcpy(request.AffectedSOPClassUID, sop_class_uid.c_str(),
                      sizeof(request.AffectedSOPClassUID));
  OFStandard::strlcpy(request.AffectedSOPInstanceUID, sop_instance_uid.c_str(),
                      sizeof(request.AffectedSOPInstanceUID));
  request.DataSetType = DIMSE_DATASET_PRESENT;
  request.Priority = DIMSE_PRIORITY_MEDIUM;
  T_DIMSE_C_StoreRSP response;
  std::memset(&response, 0, sizeof(response));
  DcmDataset* detail = nullptr;
  cond = DIMSE_storeUser(assoc, 1, &request, data_set_file.c_str(), nullptr, nullptr, nullptr,
                         DIMSE_BLOCKING, 0, &response, &detail);
  if (cond.good()) {
    result.answered = true;
    result.status = response.DimseStatus;
    if (detail) {
      OFString comment;
      if (detail->findAndGetOFString(DCM_ErrorComment, comment).good()) {
        result.error_comment = comment.c_str();
      }
    }
    ASC_releaseAssociation(assoc);
  } else {
    result.error = cond.text();
    ASC_abortAssociation(assoc);
  }
  delete detail;
  ASC_destroyAssociation(&assoc);
  ASC_dropNetwork(&net);
  return result;
}

void WriteDataSetOnly(const std::string& part10_file, const std::string& out) {
  DcmFileFormat file;
  file.loadFile(part10_file.c_str());
  file.getDataset()->saveFile(out.c_str(), EXS_LittleEndianExplicit);
}

}  // namespace ctscreen::testing

namespace ctscreen::testing {

HeldAssociation::HeldAssociation(const std::string& host, int port,
                                 const std::string& called_aet) {
  if (ASC_initializeNetwork(NET_REQUESTOR, 0, 30, &net_).bad()) return;
  T_ASC_Parameters* params = nullptr;
  ASC_createAssociationParameters(&params, ASC_DEFAULTMAXPDU);
  ASC_setAPTitles(params, "HOLDER", called_aet.c_str(), nullptr);
  const std::string peer = host + ":" + std::to_string(port);
  ASC_setPresentationAddresses(params, "localhost", peer.c_str());
  const char* ts[] = {UID_LittleEndianImplicitTransferSyntax};
  ASC_addPresentationContext(params, 1, UID_VerificationSOPClass, ts, 1);
  OFCondition cond = ASC_requestAssociation(net_, params, &assoc_);
  accepted_ = cond.good();
  if (!accepted_) error_ = cond.text();
}

HeldAssociation::~HeldAssociation() {
  if (assoc_) {
    if (accepted_) ASC_releaseAssociation(assoc_);
    ASC_destroyAssociation(&assoc_);
  }
  if (net_) ASC_dropNetwork(&net_);
}

}  // namespace ctscreen::testing
