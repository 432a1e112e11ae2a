#include "ctscreen/dicom/seg_writer.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmfg/fgderimg.h>
#include <dcmtk/dcmfg/fgfracon.h>
#include <dcmtk/dcmfg/fgpixmsr.h>
#include <dcmtk/dcmfg/fgplanor.h>
#include <dcmtk/dcmfg/fgplanpo.h>
#include <dcmtk/dcmiod/cielabutil.h>
#include <dcmtk/dcmseg/segdoc.h>
#include <dcmtk/dcmseg/segment.h>

#include <algorithm>
#include <memory>

#include "dicom_values.h"

namespace ctscreen::dicom {
namespace {

using core::ErrorCode;
using core::Status;

struct SegmentCodes {
  CodeSequenceMacro category;
  CodeSequenceMacro type;
  // A private modifier tells COVID-19-like from other lesions: SNOMED CT has no morphology
  // code for "lesion consistent with COVID-19 pneumonia", and a viewer shows the label anyway.
  bool covid_modifier = false;
  double rgb[3];
};

SegmentCodes CodesFor(SegmentKind kind) {
  switch (kind) {
    case SegmentKind::kCovidLesion:
      return {CodeSequenceMacro("49755003", "SCT", "Morphologically abnormal structure"),
              CodeSequenceMacro("52988006", "SCT", "Lesion"),
              true,
              {0.9, 0.1, 0.1}};
    case SegmentKind::kOtherLesion:
      return {CodeSequenceMacro("49755003", "SCT", "Morphologically abnormal structure"),
              CodeSequenceMacro("52988006", "SCT", "Lesion"),
              false,
              {0.95, 0.85, 0.1}};
    case SegmentKind::kLung:
      break;
  }
  return {CodeSequenceMacro("123037004", "SCT", "Anatomical Structure"),
          CodeSequenceMacro("39607008", "SCT", "Lung"),
          false,
          {0.2, 0.7, 0.3}};
}

Status Fail(const std::string& what, const OFCondition& cond) {
  return Status(ErrorCode::kInternal, what + ": " + cond.text());
}

// The Referenced Series Sequence (Common Instance Reference module) lists every CT instance the
// frames derive from, so a PACS or viewer can fetch the source series without parsing frames.
OFCondition AddReferencedSeries(const SourceSeries& source, const std::vector<bool>& used,
                                DcmItem* dataset) {
  if (dataset->tagExists(DCM_ReferencedSeriesSequence)) {
    dataset->findAndDeleteElement(DCM_ReferencedSeriesSequence);
  }
  DcmItem* series = nullptr;
  OFCondition cond = dataset->findOrCreateSequenceItem(DCM_ReferencedSeriesSequence, series, 0);
  if (cond.bad()) return cond;
  series->putAndInsertString(DCM_SeriesInstanceUID, source.series_uid.c_str());
  long item = 0;
  for (std::size_t k = 0; k < source.slices.size(); ++k) {
    if (!used[k]) continue;
    DcmItem* instance = nullptr;
    cond = series->findOrCreateSequenceItem(DCM_ReferencedInstanceSequence, instance, item++);
    if (cond.bad()) return cond;
    instance->putAndInsertString(DCM_ReferencedSOPClassUID, source.slices[k].sop_class_uid.c_str());
    instance->putAndInsertString(DCM_ReferencedSOPInstanceUID,
                                 source.slices[k].sop_instance_uid.c_str());
  }
  return EC_Normal;
}

Status CheckInput(const SourceSeries& source, const std::vector<SegmentInput>& segments) {
  if (source.slices.empty() || source.rows <= 0 || source.columns <= 0) {
    return Status(ErrorCode::kInvalidArgument, "SEG: the source series has no slices or no size");
  }
  if (source.rows > 65535 || source.columns > 65535) {
    return Status(ErrorCode::kInvalidArgument, "SEG: source slices larger than 65535 pixels");
  }
  if (segments.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  "SEG: no segment to write (a case without findings gets no SEG)");
  }
  const std::size_t voxels =
      static_cast<std::size_t>(source.rows) * source.columns * source.slices.size();
  for (std::size_t s = 0; s < segments.size(); ++s) {
    const auto& mask = segments[s].mask;
    if (mask.size() != voxels) {
      return Status(ErrorCode::kInvalidArgument,
                    "SEG: mask of segment '" + segments[s].label + "' has " +
                        std::to_string(mask.size()) + " voxels, the source grid " +
                        std::to_string(voxels) + " (columns x rows x slices)");
    }
    if (!mask.Any()) {
      return Status(ErrorCode::kInvalidArgument,
                    "SEG: segment '" + segments[s].label +
                        "' is empty; leave it out (viewers show empty segments as errors)");
    }
  }
  return Status::Ok();
}

}  // namespace

core::Result<WrittenSeg> SegWriter::Write(const SourceSeries& source,
                                          const std::vector<SegmentInput>& segments,
                                          const std::string& path) const {
  if (Status s = CheckInput(source, segments); !s.ok()) return s;

  const std::string algorithm_name = algorithm_.bundle_name;
  IODGeneralEquipmentModule::EquipmentInfo equipment(
      algorithm_.manufacturer.c_str(), CsSafe(algorithm_.bundle_name, 64).c_str(), "0",
      ("ctscreen " + algorithm_.software_version + "\\" + algorithm_.bundle_name + " " +
       algorithm_.bundle_version)
          .c_str());
  ContentIdentificationMacro content(
      std::to_string(options_.instance_number).c_str(), "LESIONS",
      ("AI screening result of " + algorithm_.bundle_name + " " + algorithm_.bundle_version +
       "; a screening aid, not a diagnosis")
          .substr(0, 64)
          .c_str(),
      // PN: family "ctscreen", given the bundle (a space without '^' is the retired PN form).
      PnSafe("ctscreen^" + algorithm_.bundle_name + " " + algorithm_.bundle_version).c_str());

  DcmSegmentation* raw = nullptr;
  OFCondition cond = DcmSegmentation::createBinarySegmentation(
      raw, static_cast<Uint16>(source.rows), static_cast<Uint16>(source.columns), equipment,
      content);
  if (cond.bad() || raw == nullptr) return Fail("SEG: cannot create the segmentation", cond);
  std::unique_ptr<DcmSegmentation> seg(raw);
  // DCMTK 3.6.7 runs this check on the dimension module before the per-frame groups exist, so
  // it checks nothing and logs a warning per SEG; check_seg.py verifies the dimension indices.
  seg->setCheckDimensionsOnWrite(OFFalse);

  cond = seg->importFromSourceImage(source.reference_file.c_str(), OFTrue);
  if (cond.bad()) {
    return Status(ErrorCode::kIoError, "SEG: cannot read patient and study from the source CT '" +
                                           source.reference_file + "': " + cond.text());
  }
  // The grid is the source's own: its frame of reference must be too, even if the reference
  // file lacked one.
  seg->getFrameOfReference().setFrameOfReferenceUID(source.frame_of_reference_uid.c_str());

  WrittenSeg written;
  written.path = path;
  written.series_uid = NewUid();
  written.sop_instance_uid = NewUid();
  seg->getSeries().setSeriesInstanceUID(written.series_uid.c_str());
  seg->getSegmentationSeriesModule().setSeriesNumber(
      std::to_string(options_.series_number).c_str());
  seg->getSeries().setSeriesDescription(options_.series_description.c_str());
  seg->getSOPCommon().setSOPInstanceUID(written.sop_instance_uid.c_str());
  seg->getGeneralImage().setInstanceNumber(std::to_string(options_.instance_number).c_str());

  // Shared: one orientation and pixel size for all frames (the source stack is regular).
  FGPixelMeasures measures;
  measures.setPixelSpacing(
      (FormatDs(source.pixel_spacing[0]) + "\\" + FormatDs(source.pixel_spacing[1])).c_str());
  double thickness = source.slice_thickness_mm;
  if (thickness <= 0) thickness = ReadSliceThickness(source.reference_file);
  if (thickness <= 0) thickness = source.spacing_between_slices_mm;
  if (thickness > 0) measures.setSliceThickness(FormatDs(thickness).c_str());
  if (source.spacing_between_slices_mm > 0) {
    measures.setSpacingBetweenSlices(FormatDs(source.spacing_between_slices_mm).c_str());
  }
  if ((cond = seg->addForAllFrames(measures)).bad()) return Fail("SEG: pixel measures", cond);
  const auto& o = source.orientation;
  std::unique_ptr<FGPlaneOrientationPatient> orientation(FGPlaneOrientationPatient::createMinimal(
      FormatDs(o[0]).c_str(), FormatDs(o[1]).c_str(), FormatDs(o[2]).c_str(),
      FormatDs(o[3]).c_str(), FormatDs(o[4]).c_str(), FormatDs(o[5]).c_str()));
  if (orientation == nullptr) {
    return Status(ErrorCode::kInvalidArgument, "SEG: the source orientation is not valid DICOM");
  }
  if ((cond = seg->addForAllFrames(*orientation)).bad()) return Fail("SEG: orientation", cond);

  // Frames are indexed by segment, then by position along the stack (what viewers sort by).
  const std::string dimension_uid = NewUid();
  auto& dims = seg->getDimensions();
  dims.addDimensionIndex(DCM_ReferencedSegmentNumber, dimension_uid.c_str(),
                         DCM_SegmentIdentificationSequence, "ReferencedSegmentNumber");
  dims.addDimensionIndex(DCM_ImagePositionPatient, dimension_uid.c_str(), DCM_PlanePositionSequence,
                         "ImagePositionPatient");

  const std::size_t slice_voxels = static_cast<std::size_t>(source.rows) * source.columns;
  std::vector<bool> used(source.slices.size(), false);
  std::vector<std::uint8_t> pixels(slice_voxels);
  for (const SegmentInput& input : segments) {
    const SegmentCodes codes = CodesFor(input.kind);
    DcmSegment* segment = nullptr;
    cond = DcmSegment::create(segment, CsSafe(input.label, 64).c_str(), codes.category, codes.type,
                              DcmSegTypes::SAT_AUTOMATIC, algorithm_name.c_str());
    if (cond.bad() || segment == nullptr) return Fail("SEG: segment " + input.label, cond);
    if (codes.covid_modifier) {
      segment->getSegmentedPropertyTypeModifierCode().push_back(
          new CodeSequenceMacro(kCovidLikeCode, kPrivateScheme, kCovidLikeMeaning));
    }
    if (!input.description.empty()) segment->setSegmentDescription(input.description.c_str());
    double l = 0, a = 0, b = 0;
    IODCIELabUtil::rgb2DicomLab(l, a, b, codes.rgb[0], codes.rgb[1], codes.rgb[2]);
    segment->setRecommendedDisplayCIELabValue(static_cast<Uint16>(l), static_cast<Uint16>(a),
                                              static_cast<Uint16>(b));
    AlgorithmIdentificationMacro& algo = segment->getSegmentationAlgorithmIdentification();
    algo.getAlgorithmFamilyCode().set("123110", "DCM", "Artificial Intelligence");
    algo.setAlgorithmName(algorithm_name.c_str());
    algo.setAlgorithmVersion(algorithm_.bundle_version.c_str());
    Uint16 number = 0;
    if ((cond = seg->addSegment(segment, number)).bad()) {
      delete segment;
      return Fail("SEG: add segment " + input.label, cond);
    }
    written.segment_numbers.push_back(number);

    for (std::size_t k = 0; k < source.slices.size(); ++k) {
      const bool any = input.mask.CopyTo(k * slice_voxels, slice_voxels, pixels.data());
      if (!any && !options_.include_empty_frames) continue;
      const SourceSlice& ref = source.slices[k];
      used[k] = true;

      FGPlanePosPatient* position_raw = FGPlanePosPatient::createMinimal(
          FormatDs(ref.position[0]).c_str(), FormatDs(ref.position[1]).c_str(),
          FormatDs(ref.position[2]).c_str());
      std::unique_ptr<FGPlanePosPatient> position(position_raw);
      if (position == nullptr) {
        return Status(ErrorCode::kInvalidArgument,
                      "SEG: the position of slice " + std::to_string(k) + " is not valid DICOM");
      }
      FGFrameContent frame_content;
      frame_content.setDimensionIndexValues(number, 0);
      frame_content.setDimensionIndexValues(static_cast<Uint32>(k + 1), 1);
      FGDerivationImage derivation;
      DerivationImageItem* derivation_item = nullptr;
      cond = derivation.addDerivationImageItem(CodeSequenceMacro("113076", "DCM", "Segmentation"),
                                               "", derivation_item);
      if (cond.bad()) return Fail("SEG: derivation image", cond);
      auto* source_item = new SourceImageItem();
      source_item->getPurposeOfReferenceCode().set("121322", "DCM",
                                                   "Source image for image processing operation");
      source_item->getImageSOPInstanceReference().setReferencedSOPClassUID(
          ref.sop_class_uid.c_str());
      source_item->getImageSOPInstanceReference().setReferencedSOPInstanceUID(
          ref.sop_instance_uid.c_str());
      derivation_item->getSourceImageItems().push_back(source_item);

      OFVector<FGBase*> per_frame;
      per_frame.push_back(position.get());
      per_frame.push_back(&frame_content);
      per_frame.push_back(&derivation);
      cond = seg->addFrame(pixels.data(), number, per_frame);
      if (cond.bad()) return Fail("SEG: frame of slice " + std::to_string(k), cond);
      ++written.frames;
    }
  }

  DcmFileFormat file;
  DcmDataset* dataset = file.getDataset();
  if ((cond = seg->writeDataset(*dataset)).bad()) return Fail("SEG: encoding", cond);
  if ((cond = AddReferencedSeries(source, used, dataset)).bad()) {
    return Fail("SEG: referenced series", cond);
  }
  cond = file.saveFile(path.c_str(), EXS_LittleEndianExplicit);
  if (cond.bad()) {
    return Status(ErrorCode::kIoError, "SEG: cannot write '" + path + "': " + cond.text());
  }
  return written;
}

}  // namespace ctscreen::dicom
