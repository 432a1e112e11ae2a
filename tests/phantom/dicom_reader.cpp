#include "dicom_reader.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>
#include <gdcmImageReader.h>
#include <gdcmTrace.h>
#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

namespace ctscreen::phantom::testing {
namespace {

void RegisterDecoders() {
  static std::once_flag once;
  std::call_once(once, [] {
    OFLog::getLogger("dcmtk.dcmjpeg").setLogLevel(OFLogger::WARN_LOG_LEVEL);
    OFLog::getLogger("dcmtk.dcmimgle").setLogLevel(OFLogger::WARN_LOG_LEVEL);
    // GDCM notes that 12-bit data sits in 16-bit JPEG 2000 samples; expected, not a fault.
    gdcm::Trace::WarningOff();
    DJDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
  });
}

std::string ReadJpeg2000Pixels(const std::string& path, DicomSlice* out, bool is_signed,
                               double intercept) {
  gdcm::ImageReader reader;
  reader.SetFileName(path.c_str());
  if (!reader.Read()) return "GDCM could not read " + path;
  const gdcm::Image& image = reader.GetImage();
  std::vector<char> buffer(image.GetBufferLength());
  if (!image.GetBuffer(buffer.data())) return "GDCM could not decode " + path;
  const std::size_t n = buffer.size() / 2;
  out->hu.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint16_t raw;
    std::memcpy(&raw, &buffer[2 * i], 2);
    int v = is_signed ? static_cast<std::int16_t>(raw) : raw;
    out->hu[i] = static_cast<int>(v + intercept);
  }
  return "";
}

}  // namespace

std::string ReadDicomSlice(const std::string& path, DicomSlice* out) {
  RegisterDecoders();
  DcmFileFormat file;
  OFCondition cond = file.loadFile(path.c_str());
  if (cond.bad()) return "cannot load " + path + ": " + cond.text();
  DcmDataset* ds = file.getDataset();
  OFString s;
  file.getMetaInfo()->findAndGetOFString(DCM_TransferSyntaxUID, s);
  out->transfer_syntax_uid = s.c_str();
  ds->findAndGetOFString(DCM_SOPInstanceUID, s);
  out->sop_instance_uid = s.c_str();
  ds->findAndGetOFString(DCM_SeriesInstanceUID, s);
  out->series_uid = s.c_str();
  ds->findAndGetOFString(DCM_StudyInstanceUID, s);
  out->study_uid = s.c_str();
  ds->findAndGetOFString(DCM_FrameOfReferenceUID, s);
  out->frame_of_reference_uid = s.c_str();
  Sint32 number = 0;
  ds->findAndGetSint32(DCM_InstanceNumber, number);
  out->instance_number = number;
  Uint16 rows = 0, cols = 0, rep = 0;
  ds->findAndGetUint16(DCM_Rows, rows);
  ds->findAndGetUint16(DCM_Columns, cols);
  ds->findAndGetUint16(DCM_PixelRepresentation, rep);
  out->rows = rows;
  out->columns = cols;
  for (int i = 0; i < 3; ++i) ds->findAndGetFloat64(DCM_ImagePositionPatient, out->position[i], i);
  for (int i = 0; i < 6; ++i) {
    ds->findAndGetFloat64(DCM_ImageOrientationPatient, out->orientation[i], i);
  }
  for (int i = 0; i < 2; ++i) ds->findAndGetFloat64(DCM_PixelSpacing, out->pixel_spacing[i], i);
  Float64 intercept = 0, slope = 1;
  ds->findAndGetFloat64(DCM_RescaleIntercept, intercept);
  ds->findAndGetFloat64(DCM_RescaleSlope, slope);
  if (slope != 1) return "unexpected RescaleSlope in " + path;

  if (out->transfer_syntax_uid == "1.2.840.10008.1.2.4.90") {
    return ReadJpeg2000Pixels(path, out, rep == 1, intercept);
  }
  cond = ds->chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
  if (cond.bad()) return "cannot decompress " + path + ": " + cond.text();
  const Uint16* pixels = nullptr;
  unsigned long count = 0;
  cond = ds->findAndGetUint16Array(DCM_PixelData, pixels, &count);
  if (cond.bad() || !pixels) return "no pixel data in " + path;
  out->hu.resize(count);
  for (unsigned long i = 0; i < count; ++i) {
    int v = rep == 1 ? static_cast<Sint16>(pixels[i]) : pixels[i];
    out->hu[i] = static_cast<int>(v + intercept);
  }
  return "";
}

std::string ReadNrrd(const std::string& path, Nrrd* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "cannot open " + path;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t end = bytes.find("\n\n");
  if (end == std::string::npos) return "no blank line after the NRRD header";
  std::istringstream header(bytes.substr(0, end));
  std::string line;
  while (std::getline(header, line)) {
    std::size_t colon = line.find(": ");
    if (line.empty() || line[0] == '#' || colon == std::string::npos) continue;
    out->fields[line.substr(0, colon)] = line.substr(colon + 2);
  }
  std::istringstream(out->fields["sizes"]) >> out->sizes[0] >> out->sizes[1] >> out->sizes[2];
  std::string dirs = out->fields["space directions"];
  std::sscanf(dirs.c_str(), " (%lf,%lf,%lf) (%lf,%lf,%lf) (%lf,%lf,%lf)", &out->directions[0][0],
              &out->directions[0][1], &out->directions[0][2], &out->directions[1][0],
              &out->directions[1][1], &out->directions[1][2], &out->directions[2][0],
              &out->directions[2][1], &out->directions[2][2]);
  std::sscanf(out->fields["space origin"].c_str(), " (%lf,%lf,%lf)", &out->origin[0],
              &out->origin[1], &out->origin[2]);
  std::size_t n = static_cast<std::size_t>(out->sizes[0]) * out->sizes[1] * out->sizes[2];
  out->voxels.resize(n);
  z_stream zs{};
  inflateInit2(&zs, 15 + 16);
  zs.next_in = reinterpret_cast<Bytef*>(&bytes[end + 2]);
  zs.avail_in = static_cast<uInt>(bytes.size() - end - 2);
  zs.next_out = out->voxels.data();
  zs.avail_out = static_cast<uInt>(n);
  int rc = inflate(&zs, Z_FINISH);
  inflateEnd(&zs);
  if (rc != Z_STREAM_END || zs.total_out != n) return "bad gzip data in " + path;
  return "";
}

}  // namespace ctscreen::phantom::testing
