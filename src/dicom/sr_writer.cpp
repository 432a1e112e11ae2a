#include "ctscreen/dicom/sr_writer.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmsr/cmr/cid5000.h>
#include <dcmtk/dcmsr/cmr/cid5001.h>
#include <dcmtk/dcmsr/cmr/tid1500.h>
#include <dcmtk/dcmsr/codes/dcm.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include <cstdio>

#include "dicom_values.h"

namespace ctscreen::dicom {
namespace {

using core::ErrorCode;
using core::Status;

DSRCodedEntryValue Private(const char* code, const char* meaning) {
  return DSRCodedEntryValue(code, kPrivateScheme, meaning);
}

DSRCodedEntryValue VerdictCode(SrVerdict verdict) {
  switch (verdict) {
    case SrVerdict::kCovid19Likely:
      return Private("CTS0011", "COVID-19 pneumonia likely");
    case SrVerdict::kCovid19Unlikely:
      return Private("CTS0012", "COVID-19 pneumonia unlikely");
    case SrVerdict::kNoLesion:
      return Private("CTS0013", "No lung lesion found");
    case SrVerdict::kNotAssessable:
      break;
  }
  return Private("CTS0014", "Not assessable");
}

std::string Fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

template <typename Group>
typename Group::MeasurementValue Millilitres(double ml, int decimals) {
  // UCUM "ml" is what TID 1411/1501 volume measurements carry; CID 7181 is extensible.
  return typename Group::MeasurementValue(Fixed(ml, decimals).c_str(),
                                          CID7181_AbstractMultiDimensionalImageModelComponentUnits(
                                              DSRCodedEntryValue("ml", "UCUM", "milliliter")),
                                          OFFalse);
}

// What TID 1411 and TID 1501 lesion groups share: identity, finding, volume and class.
template <typename Group>
OFCondition FillLesionGroup(Group& group, const SrLesion& lesion) {
  OFCondition cond = group.setTrackingIdentifier(("Lesion " + std::to_string(lesion.id)).c_str());
  if (cond.good()) cond = group.setTrackingUniqueIdentifier(NewUid().c_str());
  if (cond.good()) cond = group.setFinding(DSRCodedEntryValue("52988006", "SCT", "Lesion"));
  if (cond.good()) cond = group.addFindingSite(DSRCodedEntryValue("39607008", "SCT", "Lung"));
  if (cond.good()) {
    cond = group.addMeasurement(CMR_CID7469::Volume, Millilitres<Group>(lesion.volume_ml, 3));
  }
  if (cond.good()) {
    cond = group.addQualitativeEvaluation(
        Private("CTS0030", "Lesion class"),
        lesion.covid_like ? Private(kCovidLikeCode, kCovidLikeMeaning)
                          : Private("CTS0002", "Other lesion (AI classification)"));
  }
  if (cond.good()) {
    cond = group.addQualitativeEvaluation(Private("CTS0031", "COVID-19-like probability"),
                                          Fixed(lesion.probability, 3).c_str());
  }
  return cond;
}

Status Fail(const std::string& what, const OFCondition& cond) {
  return Status(ErrorCode::kInternal, "SR: " + what + ": " + cond.text());
}

}  // namespace

const char* SrVerdictName(SrVerdict verdict) {
  switch (verdict) {
    case SrVerdict::kCovid19Likely:
      return "covid19_likely";
    case SrVerdict::kCovid19Unlikely:
      return "covid19_unlikely";
    case SrVerdict::kNoLesion:
      return "no_lesion";
    case SrVerdict::kNotAssessable:
      break;
  }
  return "not_assessable";
}

core::Result<WrittenSr> SrWriter::Write(const SourceSeries& source, const SrInput& input,
                                        const std::string& path) const {
  if (source.slices.empty()) {
    return Status(ErrorCode::kInvalidArgument, "SR: the source series has no slices");
  }
  const bool has_seg = input.seg.has_value() && !input.seg->sop_instance_uid.empty();
  for (const SrLesion& lesion : input.lesions) {
    if (lesion.segment_number > 0 && !has_seg) {
      return Status(ErrorCode::kInvalidArgument,
                    "SR: lesion " + std::to_string(lesion.id) +
                        " names a SEG segment but no SEG instance was given");
    }
  }

  TID1500_MeasurementReport report(CMR_CID7021::ImagingMeasurementReport);
  report.setLanguage(CID5000_Languages::English, CID5001_Countries::UnitedStates);
  OFCondition cond = report.getObservationContext().addDeviceObserver(
      NewUid().c_str(), CsSafe("ctscreen " + algorithm_.bundle_name, 64).c_str(),
      algorithm_.manufacturer.c_str(),
      CsSafe(algorithm_.bundle_name + " " + algorithm_.bundle_version, 64).c_str());
  if (cond.bad()) return Fail("device observer", cond);
  if ((cond = report.addProcedureReported(CMR_CID100::CTUnspecifiedBodyRegion)).bad()) {
    return Fail("procedure reported", cond);
  }

  // The image library lists the CT the screening looked at; it must exist before entries.
  TID1600_ImageLibrary& library = report.getImageLibrary();
  if ((cond = library.createNewImageLibrary()).bad()) return Fail("image library", cond);
  if ((cond = library.addImageGroup()).bad()) return Fail("image library group", cond);
  for (const SourceSlice& slice : source.slices) {
    DcmItem item;
    item.putAndInsertString(DCM_SOPClassUID, slice.sop_class_uid.c_str());
    item.putAndInsertString(DCM_SOPInstanceUID, slice.sop_instance_uid.c_str());
    item.putAndInsertString(DCM_Modality, "CT");
    cond = library.addImageEntry(item, TID1600_ImageLibrary::withoutDescriptors);
    if (cond.bad()) return Fail("image library entry " + slice.sop_instance_uid, cond);
  }

  // Lesions with a segment get TID 1411 (volumetric ROI, Referenced Segment is mandatory
  // there); lesions without one (no SEG written) and the lungs get TID 1501 groups.
  bool first_volumetric = true;
  bool first_individual = true;
  auto next_individual = [&]() -> CMR_TID1501_in_TID1500& {
    if (!first_individual) report.addIndividualMeasurements(OFFalse);
    first_individual = false;
    return report.getIndividualMeasurements();
  };
  for (const SrLesion& lesion : input.lesions) {
    const std::string name = "lesion " + std::to_string(lesion.id);
    if (lesion.segment_number > 0) {
      if (!first_volumetric) report.addVolumetricROIMeasurements(OFFalse);
      first_volumetric = false;
      CMR_TID1411_in_TID1500& group = report.getVolumetricROIMeasurements();
      DSRImageReferenceValue segment(input.seg->sop_class_uid.c_str(),
                                     input.seg->sop_instance_uid.c_str());
      segment.getSegmentList().addItem(static_cast<Uint16>(lesion.segment_number));
      if ((cond = group.setReferencedSegment(segment)).bad()) {
        return Fail("referenced segment of " + name, cond);
      }
      group.setSourceSeriesForSegmentation(source.series_uid.c_str());
      if ((cond = FillLesionGroup(group, lesion)).bad()) return Fail(name, cond);
      group.getMeasurement().setAlgorithmIdentification(algorithm_.bundle_name.c_str(),
                                                        algorithm_.bundle_version.c_str());
    } else {
      if ((cond = FillLesionGroup(next_individual(), lesion)).bad()) return Fail(name, cond);
    }
  }

  if (input.lung_volume_ml.has_value()) {
    CMR_TID1501_in_TID1500& lungs = next_individual();
    lungs.setTrackingIdentifier("Lungs");
    lungs.setTrackingUniqueIdentifier(NewUid().c_str());
    lungs.addFindingSite(DSRCodedEntryValue("39607008", "SCT", "Lung"));
    cond = lungs.addMeasurement(CMR_CID7469::Volume,
                                Millilitres<CMR_TID1501_in_TID1500>(*input.lung_volume_ml, 1));
    if (cond.bad()) return Fail("lung volume", cond);
  }

  const DSRCodedEntryValue result_concept =
      Private("CTS0010", "COVID-19 pneumonia screening result");
  if ((cond = report.addQualitativeEvaluation(result_concept, VerdictCode(input.verdict))).bad()) {
    return Fail("verdict", cond);
  }
  if (input.verdict != SrVerdict::kNotAssessable) {
    report.addQualitativeEvaluation(Private("CTS0020", "COVID-19 probability"),
                                    Fixed(input.probability, 3).c_str());
    report.addQualitativeEvaluation(Private("CTS0021", "Decision threshold"),
                                    Fixed(input.threshold, 3).c_str());
  } else {
    report.addQualitativeEvaluation(
        Private("CTS0022", "Reason not assessable"),
        (input.reason.empty() ? std::string("not given") : input.reason).c_str());
  }
  report.addQualitativeEvaluation(Private("CTS0023", "Algorithm"),
                                  ("ctscreen " + algorithm_.software_version + ", model bundle " +
                                   algorithm_.bundle_name + " " + algorithm_.bundle_version)
                                      .c_str());
  report.addQualitativeEvaluation(
      CODE_DCM_Comment,
      "Automated screening aid for COVID-19 pneumonia, not a diagnosis. Results must be "
      "reviewed by a radiologist.");

  DSRDocument document(DSRTypes::DT_ComprehensiveSR);
  if ((cond = document.setTreeFromRootTemplate(report, OFTrue)).bad()) {
    return Fail("the TID 1500 tree is incomplete", cond);
  }
  document.createNewSeriesInStudy(source.study_uid.c_str());
  document.setSeriesDescription(options_.series_description.c_str());
  document.setSeriesNumber(std::to_string(options_.series_number).c_str());
  document.setInstanceNumber(std::to_string(options_.instance_number).c_str());
  document.setManufacturer(algorithm_.manufacturer.c_str());
  document.setManufacturerModelName(CsSafe(algorithm_.bundle_name, 64).c_str());
  document.setSoftwareVersions(("ctscreen " + algorithm_.software_version + "\\" +
                                algorithm_.bundle_name + " " + algorithm_.bundle_version)
                                   .c_str());
  document.setDeviceSerialNumber("0");
  document.completeDocument();

  DSRSOPInstanceReferenceList& evidence = document.getCurrentRequestedProcedureEvidence();
  for (const SourceSlice& slice : source.slices) {
    evidence.addItem(source.study_uid.c_str(), source.series_uid.c_str(),
                     slice.sop_class_uid.c_str(), slice.sop_instance_uid.c_str());
  }
  if (has_seg) {
    evidence.addItem(source.study_uid.c_str(), input.seg->series_uid.c_str(),
                     input.seg->sop_class_uid.c_str(), input.seg->sop_instance_uid.c_str());
  }

  DcmFileFormat file;
  DcmDataset* dataset = file.getDataset();
  if ((cond = document.write(*dataset)).bad()) return Fail("encoding", cond);
  if (Status s = CopyPatientAndStudy(source.reference_file, "SR", dataset); !s.ok()) return s;

  WrittenSr written;
  written.path = path;
  OFString value;
  document.getSOPInstanceUID(value);
  written.sop_instance_uid = value.c_str();
  document.getSeriesInstanceUID(value);
  written.series_uid = value.c_str();
  cond = file.saveFile(path.c_str(), EXS_LittleEndianExplicit);
  if (cond.bad()) {
    return Status(ErrorCode::kIoError, "SR: cannot write '" + path + "': " + cond.text());
  }
  return written;
}

}  // namespace ctscreen::dicom
