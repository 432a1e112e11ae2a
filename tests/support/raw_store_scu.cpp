#include "raw_store_scu.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>
#include <dcmtk/dcmnet/dul.h>

#include <cstring>
#include <fstream>
#include <iterator>

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
  // DCMTK's own senders parse the data set first; here the bytes go out as they are, in a
  // command PDV built by hand followed by one data set PDV.
  DcmDataset command;
  command.putAndInsertString(DCM_AffectedSOPClassUID, sop_class_uid.c_str());
  command.putAndInsertUint16(DCM_CommandField, 0x0001);
  command.putAndInsertUint16(DCM_MessageID, 1);
  command.putAndInsertUint16(DCM_Priority, 0);
  command.putAndInsertUint16(DCM_CommandDataSetType, 0x0000);
  command.putAndInsertString(DCM_AffectedSOPInstanceUID, sop_instance_uid.c_str());
  command.computeGroupLengthAndPadding(EGL_withGL, EPD_noChange, EXS_LittleEndianImplicit);
  const std::string command_file = data_set_file + ".command";
  command.saveFile(command_file.c_str(), EXS_LittleEndianImplicit, EET_ExplicitLength, EGL_withGL);
  auto slurp = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  std::string command_bytes = slurp(command_file);
  std::string data_bytes = slurp(data_set_file);
  DUL_PDV pdvs[2];
  pdvs[0].fragmentLength = command_bytes.size();
  pdvs[0].presentationContextID = 1;
  pdvs[0].pdvType = DUL_COMMANDPDV;
  pdvs[0].lastPDV = OFTrue;
  pdvs[0].data = command_bytes.data();
  pdvs[1].fragmentLength = data_bytes.size();
  pdvs[1].presentationContextID = 1;
  pdvs[1].pdvType = DUL_DATASETPDV;
  pdvs[1].lastPDV = OFTrue;
  pdvs[1].data = data_bytes.data();
  for (DUL_PDV& pdv : pdvs) {
    DUL_PDVLIST list{};
    list.count = 1;
    list.pdv = &pdv;
    cond = DUL_WritePDVs(&assoc->DULassociation, &list);
    if (cond.bad()) break;
  }
  if (cond.good()) {
    T_DIMSE_Message response;
    T_ASC_PresentationContextID pres_id = 0;
    DcmDataset* detail = nullptr;
    cond = DIMSE_receiveCommand(assoc, DIMSE_BLOCKING, 0, &pres_id, &response, &detail);
    if (cond.good() && response.CommandField == DIMSE_C_STORE_RSP) {
      result.answered = true;
      result.status = response.msg.CStoreRSP.DimseStatus;
      OFString comment;
      if (detail && detail->findAndGetOFString(DCM_ErrorComment, comment).good()) {
        result.error_comment = comment.c_str();
      }
    }
    delete detail;
  }
  if (result.answered) {
    ASC_releaseAssociation(assoc);
  } else {
    result.error = cond.bad() ? cond.text() : "no C-STORE response";
    ASC_abortAssociation(assoc);
  }
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

HeldAssociation::HeldAssociation(const std::string& host, int port, const std::string& called_aet) {
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
