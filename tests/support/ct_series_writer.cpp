#include "ct_series_writer.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcrlerp.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <dcmtk/dcmjpls/djencode.h>
#include <dcmtk/dcmjpls/djrparam.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

namespace ctscreen::testing {
namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "ct_series_writer: %s\n", what.c_str());
  std::abort();
}

void Put(DcmDataset& ds, const DcmTagKey& tag, const std::string& value) {
  if (ds.putAndInsertString(tag, value.c_str()).bad()) Fail("cannot set " + value);
}

void RegisterCodecs() {
  static bool done = [] {
    DJEncoderRegistration::registerCodecs();
    DJLSEncoderRegistration::registerCodecs();
    DcmRLEEncoderRegistration::registerCodecs();
    return true;
  }();
  (void)done;
}

}  // namespace

std::string NewTestUid() {
  char uid[100];
  return dcmGenerateUniqueIdentifier(uid, "1.2.826.0.1.3680043.10.1447");
}

std::vector<std::string> WriteCtSeries(const CtSeriesSpec& in, const std::string& dir) {
  RegisterCodecs();
  CtSeriesSpec spec = in;
  if (spec.study_uid.empty()) spec.study_uid = NewTestUid();
  if (spec.series_uid.empty()) spec.series_uid = NewTestUid();
  std::filesystem::create_directories(dir);
  const std::string frame_of_reference = NewTestUid();
  std::vector<std::string> paths;
  std::vector<Sint16> pixels(static_cast<size_t>(spec.rows) * spec.columns);
  for (int z = 0; z < spec.slices; ++z) {
    DcmFileFormat file;
    DcmDataset& ds = *file.getDataset();
    const std::string sop_uid = NewTestUid();
    Put(ds, DCM_SOPClassUID, UID_CTImageStorage);
    Put(ds, DCM_SOPInstanceUID, sop_uid);
    Put(ds, DCM_StudyInstanceUID, spec.study_uid);
    Put(ds, DCM_SeriesInstanceUID, spec.series_uid);
    Put(ds, DCM_FrameOfReferenceUID, frame_of_reference);
    Put(ds, DCM_Modality, spec.modality);
    Put(ds, DCM_ImageType, spec.image_type);
    Put(ds, DCM_PatientName, "TEST^FIXTURE");
    Put(ds, DCM_PatientID, "FIXTURE-0001");
    Put(ds, DCM_PatientBirthDate, "19700101");
    Put(ds, DCM_PatientSex, "O");
    Put(ds, DCM_StudyDate, "20261127");
    Put(ds, DCM_StudyTime, "120000");
    Put(ds, DCM_AccessionNumber, "");
    Put(ds, DCM_ReferringPhysicianName, "");
    Put(ds, DCM_StudyID, "1");
    Put(ds, DCM_SeriesNumber, "2");
    Put(ds, DCM_InstanceNumber, std::to_string(z + 1));
    Put(ds, DCM_Manufacturer, "ctscreen test fixture");
    Put(ds, DCM_PatientPosition, "HFS");
    Put(ds, DCM_PositionReferenceIndicator, "");
    Put(ds, DCM_KVP, "120");
    Put(ds, DCM_AcquisitionNumber, "1");
    const double zpos = -z * spec.slice_spacing_mm;
    char pos[128];
    std::snprintf(pos, sizeof(pos), "%.3f\\%.3f\\%.3f", -spec.columns * spec.pixel_spacing_mm / 2,
                  -spec.rows * spec.pixel_spacing_mm / 2, zpos);
    Put(ds, DCM_ImagePositionPatient, pos);
    Put(ds, DCM_ImageOrientationPatient, "1\\0\\0\\0\\1\\0");
    char spacing[64];
    std::snprintf(spacing, sizeof(spacing), "%.4f\\%.4f", spec.pixel_spacing_mm,
                  spec.pixel_spacing_mm);
    Put(ds, DCM_PixelSpacing, spacing);
    Put(ds, DCM_SliceThickness, std::to_string(spec.slice_spacing_mm));
    Put(ds, DCM_SliceLocation, std::to_string(zpos));
    Put(ds, DCM_SamplesPerPixel, "1");
    Put(ds, DCM_PhotometricInterpretation, "MONOCHROME2");
    ds.putAndInsertUint16(DCM_Rows, static_cast<Uint16>(spec.rows));
    ds.putAndInsertUint16(DCM_Columns, static_cast<Uint16>(spec.columns));
    ds.putAndInsertUint16(DCM_BitsAllocated, 16);
    ds.putAndInsertUint16(DCM_BitsStored, 16);
    ds.putAndInsertUint16(DCM_HighBit, 15);
    ds.putAndInsertUint16(DCM_PixelRepresentation, 1);
    Put(ds, DCM_RescaleIntercept, "0");
    Put(ds, DCM_RescaleSlope, "1");
    Put(ds, DCM_RescaleType, "HU");
    Put(ds, DCM_WindowCenter, "-600");
    Put(ds, DCM_WindowWidth, "1500");
    // A soft body ellipse of water in air, with a slice- and seed-dependent ring, so the
    // content differs per slice and compresses like an image, not like noise.
    for (int y = 0; y < spec.rows; ++y) {
      for (int x = 0; x < spec.columns; ++x) {
        double dx = (x - spec.columns / 2.0) / (spec.columns * 0.4);
        double dy = (y - spec.rows / 2.0) / (spec.rows * 0.3);
        double r = std::sqrt(dx * dx + dy * dy);
        int hu =
            r < 1.0 ? 40 + static_cast<int>(30 * std::sin(r * 12 + z * 0.3 + spec.seed)) : -1000;
        pixels[static_cast<size_t>(y) * spec.columns + x] = static_cast<Sint16>(hu);
      }
    }
    ds.putAndInsertUint16Array(DCM_PixelData, reinterpret_cast<const Uint16*>(pixels.data()),
                               static_cast<unsigned long>(pixels.size()));

    E_TransferSyntax xfer = EXS_LittleEndianExplicit;
    const std::string& ts = spec.transfer_syntax;
    if (ts == "implicit") {
      xfer = EXS_LittleEndianImplicit;
    } else if (ts == "jpeg-lossless") {
      xfer = EXS_JPEGProcess14SV1;
      DJ_RPLossless params;
      if (ds.chooseRepresentation(xfer, &params).bad()) Fail("JPEG lossless encoding failed");
    } else if (ts == "jpeg-ls") {
      xfer = EXS_JPEGLSLossless;
      DJLSRepresentationParameter params(2, OFTrue);
      if (ds.chooseRepresentation(xfer, &params).bad()) Fail("JPEG-LS encoding failed");
    } else if (ts == "rle") {
      xfer = EXS_RLELossless;
      DcmRLERepresentationParameter params;
      if (ds.chooseRepresentation(xfer, &params).bad()) Fail("RLE encoding failed");
    } else if (ts != "explicit" && ts != "j2k") {
      Fail("unknown transfer syntax " + ts);
    }
    char name[32];
    std::snprintf(name, sizeof(name), "/ct%04d.dcm", z + 1);
    const std::string path = dir + name;
    if (file.saveFile(path.c_str(), xfer).bad()) Fail("cannot write " + path);
    if (ts == "j2k") {
      // DCMTK has no JPEG 2000 codec; GDCM's command-line converter does it losslessly.
      const std::string cmd =
          "gdcmconv --j2k " + path + " " + path + ".j2k && mv " + path + ".j2k " + path;
      if (std::system(cmd.c_str()) != 0) Fail("gdcmconv --j2k failed on " + path);
    }
    paths.push_back(path);
  }
  return paths;
}

}  // namespace ctscreen::testing

namespace ctscreen::testing {

std::string SopInstanceUidOf(const std::string& path) {
  DcmFileFormat file;
  if (file.loadFile(path.c_str()).bad()) return "";
  OFString uid;
  file.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, uid);
  return uid.c_str();
}

void EditDataSet(const std::string& in, const std::string& out,
                 const std::function<void(DcmDataset&)>& edit) {
  DcmFileFormat file;
  if (file.loadFile(in.c_str()).bad()) Fail("cannot read " + in);
  edit(*file.getDataset());
  if (file.saveFile(out.c_str(), file.getDataset()->getOriginalXfer()).bad()) {
    Fail("cannot write " + out);
  }
}

}  // namespace ctscreen::testing
