#include "ctscreen/phantom/ct_writer.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcrlerp.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <dcmtk/dcmjpls/djencode.h>
#include <dcmtk/dcmjpls/djrparam.h>
#include <dcmtk/oflog/oflog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <mutex>

#include "ctscreen/phantom/jpeg2000.h"
#include "ctscreen/phantom/uid.h"

namespace ctscreen::phantom {
namespace {

using core::ErrorCode;
using core::Status;

void RegisterEncoders() {
  static std::once_flag once;
  std::call_once(once, [] {
    // The JPEG encoders (through dcmimgle) report at INFO, once per slice, that they keep the
    // modality rescale as is; that is what we want and not worth a line.
    OFLog::getLogger("dcmtk.dcmjpeg").setLogLevel(OFLogger::WARN_LOG_LEVEL);
    OFLog::getLogger("dcmtk.dcmimgle").setLogLevel(OFLogger::WARN_LOG_LEVEL);
    DJEncoderRegistration::registerCodecs();
    DJLSEncoderRegistration::registerCodecs();
    DcmRLEEncoderRegistration::registerCodecs();
  });
}

std::string Decimal(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

std::string Vector(const Vec3& v) {
  return Decimal(v[0]) + "\\" + Decimal(v[1]) + "\\" + Decimal(v[2]);
}

std::string Padded(int v, int width) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%0*d", width, v);
  return buf;
}

// Collects the first failure of a run of DCMTK put calls.
class Putter {
 public:
  explicit Putter(DcmDataset* ds) : ds_(ds) {}
  void Str(const DcmTagKey& tag, const std::string& value) {
    Check(ds_->putAndInsertString(tag, value.c_str()), tag);
  }
  void U16(const DcmTagKey& tag, Uint16 value) { Check(ds_->putAndInsertUint16(tag, value), tag); }
  void S16(const DcmTagKey& tag, Sint16 value) { Check(ds_->putAndInsertSint16(tag, value), tag); }
  void Pixels(const std::vector<Uint16>& stored) {
    Check(ds_->putAndInsertUint16Array(DCM_PixelData, stored.data(),
                                       static_cast<unsigned long>(stored.size())),
          DCM_PixelData);
  }
  const Status& status() const { return status_; }

 private:
  void Check(const OFCondition& cond, const DcmTagKey& tag) {
    if (cond.bad() && status_.ok()) {
      status_ = Status(ErrorCode::kInternal, "could not set DICOM attribute " +
                                                 std::string(tag.toString().c_str()) + ": " +
                                                 cond.text());
    }
  }
  DcmDataset* ds_;
  Status status_;
};

// Attributes shared by every image of the study (patient, study, equipment).
void PutStudy(const PhantomCase& c, const SeriesUids& uids, Putter& put) {
  const CaseSpec& spec = c.spec;
  const Acquisition& acq = spec.acquisition;
  const std::string number = Padded(spec.index, 4);
  // Clearly fake identity: nobody can mistake these for a real patient.
  put.Str(DCM_PatientName, "PHANTOM^CASE^" + number);
  put.Str(DCM_PatientID, "PHANTOM-" + std::to_string(spec.seed) + "-" + number);
  put.Str(DCM_PatientBirthDate, "");
  put.Str(DCM_PatientSex, "O");
  put.Str(DCM_StudyInstanceUID, uids.study);
  put.Str(DCM_StudyDate, acq.study_date);
  put.Str(DCM_StudyTime, acq.study_time);
  put.Str(DCM_StudyID, "1");
  put.Str(DCM_AccessionNumber, "PH" + number);
  put.Str(DCM_ReferringPhysicianName, "");
  put.Str(DCM_StudyDescription, "CT CHEST SYNTHETIC PHANTOM");
  put.Str(DCM_Modality, "CT");
  put.Str(DCM_Manufacturer, acq.manufacturer);
  put.Str(DCM_ManufacturerModelName, acq.model);
  put.Str(DCM_InstitutionName, "ctscreen phantom generator");
  put.Str(DCM_FrameOfReferenceUID, uids.frame_of_reference);
  put.Str(DCM_PositionReferenceIndicator, "");
  put.Str(DCM_BodyPartExamined, "CHEST");
  put.Str(DCM_PatientPosition, acq.patient_position);
  put.Str(DCM_KVP, Decimal(acq.kvp));
  put.Str(DCM_SeriesDate, acq.study_date);
  put.Str(DCM_SeriesTime, acq.study_time);
  put.Str(DCM_ContentDate, acq.study_date);
  put.Str(DCM_ContentTime, acq.study_time);
  put.Str(DCM_AcquisitionNumber, "1");
  put.Str(DCM_SamplesPerPixel, "1");
  put.Str(DCM_PhotometricInterpretation, "MONOCHROME2");
  put.Str(DCM_RescaleSlope, "1");
  put.U16(DCM_BitsAllocated, 16);
}

Status Save(DcmFileFormat& file, TransferSyntax ts, const std::string& path) {
  DcmDataset* ds = file.getDataset();
  E_TransferSyntax xfer = EXS_LittleEndianExplicit;
  OFCondition cond = EC_Normal;
  switch (ts) {
    case TransferSyntax::kExplicitVrLittleEndian:
    case TransferSyntax::kJpeg2000Lossless:  // written uncompressed, then transcoded by GDCM
      break;
    case TransferSyntax::kImplicitVrLittleEndian:
      xfer = EXS_LittleEndianImplicit;
      break;
    case TransferSyntax::kJpegLossless: {
      xfer = EXS_JPEGProcess14SV1;
      DJ_RPLossless params(1, 0);
      cond = ds->chooseRepresentation(xfer, &params);
      break;
    }
    case TransferSyntax::kJpegLsLossless: {
      xfer = EXS_JPEGLSLossless;
      DJLSRepresentationParameter params(0, OFTrue);
      cond = ds->chooseRepresentation(xfer, &params);
      break;
    }
    case TransferSyntax::kRleLossless: {
      xfer = EXS_RLELossless;
      DcmRLERepresentationParameter params;
      cond = ds->chooseRepresentation(xfer, &params);
      break;
    }
  }
  if (cond.good() && !ds->canWriteXfer(xfer)) cond = EC_CannotChangeRepresentation;
  if (cond.bad()) {
    return Status(ErrorCode::kInternal, std::string("could not encode ") + path + " as " +
                                            TransferSyntaxName(ts) + ": " + cond.text());
  }
  if (ts == TransferSyntax::kJpeg2000Lossless) {
    const std::string tmp = path + ".tmp";
    cond = file.saveFile(tmp.c_str(), xfer);
    if (cond.bad()) {
      return Status(ErrorCode::kIoError, "could not write " + tmp + ": " + cond.text());
    }
    Status s = TranscodeToJpeg2000Lossless(tmp, path);
    std::remove(tmp.c_str());
    return s;
  }
  cond = file.saveFile(path.c_str(), xfer);
  if (cond.bad())
    return Status(ErrorCode::kIoError, "could not write " + path + ": " + cond.text());
  return Status::Ok();
}

std::vector<Uint16> StoredValues(const std::int16_t* hu, std::size_t n, const Acquisition& acq) {
  std::vector<Uint16> stored(n);
  const int intercept = static_cast<int>(acq.rescale_intercept);
  for (std::size_t i = 0; i < n; ++i) {
    // Two's complement bit pattern for signed storage; HU were clamped to the storable range.
    stored[i] = static_cast<Uint16>(static_cast<Sint16>(hu[i] - intercept));
  }
  return stored;
}

// A projection radiograph through the volume, as the scanner's planning image.
Status WriteScout(const PhantomCase& c, const SeriesUids& uids, TransferSyntax ts,
                  const std::string& path) {
  const Geometry& g = c.hu.geometry;
  const double row_mm = 1.0;
  const double length = (g.size[2] - 1) * g.spacing[2];
  const int rows = std::max(2, static_cast<int>(length / row_mm) + 1);
  const int cols = g.size[0];
  std::vector<Uint16> stored(static_cast<std::size_t>(rows) * cols);
  for (int r = 0; r < rows; ++r) {
    // Row 0 is the top of the scan range.
    double k_f = (length - r * row_mm) / g.spacing[2];
    int k = std::clamp(static_cast<int>(std::lround(k_f)), 0, g.size[2] - 1);
    for (int i = 0; i < cols; ++i) {
      // Mean attenuation along the beam, in HU: a radiograph-like image whose values are
      // still Hounsfield units, as CT localizers store them.
      double sum = 0;
      for (int j = 0; j < g.size[1]; ++j)
        sum += std::max(-1000, static_cast<int>(c.hu.at(i, j, k)));
      double mean_hu = sum / g.size[1];
      stored[static_cast<std::size_t>(r) * cols + i] =
          static_cast<Uint16>(std::clamp(mean_hu + 1024.0, 0.0, 4095.0));
    }
  }
  DcmFileFormat file;
  DcmDataset* ds = file.getDataset();
  Putter put(ds);
  PutStudy(c, uids, put);
  put.Str(DCM_SOPClassUID, UID_CTImageStorage);
  put.Str(DCM_SOPInstanceUID, DerivedUid(c.spec.seed, c.spec.index, "scout_instance"));
  put.Str(DCM_SeriesInstanceUID, uids.scout_series);
  put.Str(DCM_SeriesNumber, "1");
  put.Str(DCM_SeriesDescription, "TOPOGRAM AP");
  put.Str(DCM_InstanceNumber, "1");
  put.Str(DCM_ImageType, "ORIGINAL\\PRIMARY\\LOCALIZER");
  const Vec3 top = g.IndexToWorld(0, (g.size[1] - 1) / 2.0, g.size[2] - 1);
  put.Str(DCM_ImagePositionPatient, Vector(top));
  put.Str(DCM_ImageOrientationPatient, Vector(g.direction[0]) + "\\0\\0\\-1");
  put.Str(DCM_PixelSpacing, Decimal(row_mm) + "\\" + Decimal(g.spacing[0]));
  put.Str(DCM_SliceThickness, Decimal(g.spacing[1] * g.size[1]));
  put.U16(DCM_Rows, static_cast<Uint16>(rows));
  put.U16(DCM_Columns, static_cast<Uint16>(cols));
  put.U16(DCM_BitsStored, 12);
  put.U16(DCM_HighBit, 11);
  put.U16(DCM_PixelRepresentation, 0);
  // No RescaleType: dciodvfy wants none but HU on original localizers, and these values are a
  // mean along the beam rather than the attenuation of a voxel.
  put.Str(DCM_RescaleIntercept, "-1024");
  put.Str(DCM_WindowCenter, "-500");
  put.Str(DCM_WindowWidth, "1000");
  put.Pixels(stored);
  if (!put.status().ok()) return put.status();
  return Save(file, ts, path);
}

}  // namespace

SeriesUids UidsFor(const CaseSpec& spec) {
  return {DerivedUid(spec.seed, spec.index, "study"), DerivedUid(spec.seed, spec.index, "series"),
          DerivedUid(spec.seed, spec.index, "scout_series"),
          DerivedUid(spec.seed, spec.index, "frame_of_reference")};
}

int SliceOfInstance(const CaseSpec& spec, int instance_number) {
  const int slices = spec.geometry.size[2];
  // Head-first scans run from the head down: instance 1 is the top slice.
  return spec.acquisition.reversed_instance_order ? instance_number - 1 : slices - instance_number;
}

core::Result<WrittenSeries> WriteCtStudy(const PhantomCase& c, TransferSyntax ts,
                                         const std::string& dir) {
  RegisterEncoders();
  const CaseSpec& spec = c.spec;
  const Acquisition& acq = spec.acquisition;
  const Geometry& g = c.hu.geometry;
  const SeriesUids uids = UidsFor(spec);
  WrittenSeries written;

  const std::string orientation = Vector(g.direction[0]) + "\\" + Vector(g.direction[1]);
  const std::string spacing = Decimal(g.spacing[1]) + "\\" + Decimal(g.spacing[0]);
  const bool sign = acq.signed_pixels;
  for (int n = 1; n <= g.size[2]; ++n) {
    const int k = SliceOfInstance(spec, n);
    DcmFileFormat file;
    DcmDataset* ds = file.getDataset();
    Putter put(ds);
    PutStudy(c, uids, put);
    put.Str(DCM_SOPClassUID, UID_CTImageStorage);
    put.Str(DCM_SOPInstanceUID, DerivedUid(spec.seed, spec.index, "instance", n));
    put.Str(DCM_SeriesInstanceUID, uids.series);
    put.Str(DCM_SeriesNumber, "2");
    put.Str(DCM_SeriesDescription,
            "AXIAL " + Decimal(acq.slice_thickness_mm) + "mm " + acq.convolution_kernel);
    put.Str(DCM_InstanceNumber, std::to_string(n));
    put.Str(DCM_ImageType, "ORIGINAL\\PRIMARY\\AXIAL");
    const Vec3 position = g.IndexToWorld(0, 0, k);
    put.Str(DCM_ImagePositionPatient, Vector(position));
    put.Str(DCM_ImageOrientationPatient, orientation);
    put.Str(DCM_SliceLocation, Decimal(position[2]));
    put.Str(DCM_PixelSpacing, spacing);
    put.Str(DCM_SliceThickness, Decimal(acq.slice_thickness_mm));
    put.Str(DCM_ConvolutionKernel, acq.convolution_kernel);
    put.U16(DCM_Rows, static_cast<Uint16>(g.size[1]));
    put.U16(DCM_Columns, static_cast<Uint16>(g.size[0]));
    put.U16(DCM_BitsStored, static_cast<Uint16>(acq.bits_stored));
    put.U16(DCM_HighBit, static_cast<Uint16>(acq.bits_stored - 1));
    put.U16(DCM_PixelRepresentation, sign ? 1 : 0);
    put.Str(DCM_RescaleIntercept, Decimal(acq.rescale_intercept));
    put.Str(DCM_RescaleType, "HU");
    put.Str(DCM_WindowCenter, "-600\\40");
    put.Str(DCM_WindowWidth, "1500\\400");
    if (acq.circular_fov) {
      const int padding = acq.padding_hu - static_cast<int>(acq.rescale_intercept);
      if (sign)
        put.S16(DCM_PixelPaddingValue, static_cast<Sint16>(padding));
      else
        put.U16(DCM_PixelPaddingValue, static_cast<Uint16>(padding));
    }
    put.Pixels(StoredValues(&c.hu.voxels[g.Offset(0, 0, k)], g.SliceVoxels(), acq));
    if (!put.status().ok()) return put.status();
    const std::string path = dir + "/CT_" + Padded(n, 4) + ".dcm";
    if (Status s = Save(file, ts, path); !s.ok()) return s;
    written.ct_files.push_back(path);
  }
  if (acq.with_scout) {
    written.scout_file = dir + "/SCOUT_0001.dcm";
    if (Status s = WriteScout(c, uids, ts, written.scout_file); !s.ok()) return s;
  }
  return written;
}

}  // namespace ctscreen::phantom
