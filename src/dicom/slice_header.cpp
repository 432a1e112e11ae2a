#include "ctscreen/dicom/slice_header.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>

#include "dataset_values.h"

namespace ctscreen::dicom {
namespace {

using core::ErrorCode;
using core::Status;

// Values longer than this stay on disk: the pixel data is read later, slice by slice.
constexpr Uint32 kMaxReadLength = 4096;

int GetInt(DcmItem& item, const DcmTagKey& tag, int fallback) {
  Uint16 u = 0;
  if (item.findAndGetUint16(tag, u).good()) return u;
  Sint32 s = 0;
  if (item.findAndGetSint32(tag, s).good()) return s;
  return fallback;
}

// PixelPaddingValue is US or SS depending on PixelRepresentation; read its 16 bits either way.
std::optional<int> GetPadding(DcmItem& item, const DcmTagKey& tag, bool is_signed) {
  Uint16 u = 0;
  Sint16 s = 0;
  if (item.findAndGetUint16(tag, u).good()) {
    return is_signed ? static_cast<int>(static_cast<std::int16_t>(u)) : static_cast<int>(u);
  }
  if (item.findAndGetSint16(tag, s).good()) {
    return is_signed ? static_cast<int>(s) : static_cast<int>(static_cast<std::uint16_t>(s));
  }
  return std::nullopt;
}

template <std::size_t N>
bool GetDoubles(DcmItem& item, const DcmTagKey& tag, std::array<double, N>* out) {
  for (std::size_t n = 0; n < N; ++n) {
    Float64 v = 0;
    if (item.findAndGetFloat64(tag, v, static_cast<unsigned long>(n)).bad()) return false;
    (*out)[n] = v;
  }
  return true;
}

}  // namespace

core::Result<SliceHeader> ReadSliceHeader(const std::string& path) {
  DcmFileFormat file;
  OFCondition cond =
      file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, kMaxReadLength, ERM_autoDetect);
  if (cond.bad()) {
    return Status(ErrorCode::kUnparseable, path + " cannot be parsed as DICOM: " + cond.text());
  }
  DcmDataset& ds = *file.getDataset();
  SliceHeader h;
  h.path = path;
  h.sop_instance_uid = GetString(ds, DCM_SOPInstanceUID);
  h.study_uid = GetString(ds, DCM_StudyInstanceUID);
  h.series_uid = GetString(ds, DCM_SeriesInstanceUID);
  h.frame_of_reference_uid = GetString(ds, DCM_FrameOfReferenceUID);
  h.modality = GetString(ds, DCM_Modality);
  h.image_type = GetString(ds, DCM_ImageType);
  h.transfer_syntax_uid = GetString(*file.getMetaInfo(), DCM_TransferSyntaxUID);
  if (h.transfer_syntax_uid.empty())
    h.transfer_syntax_uid = DcmXfer(ds.getOriginalXfer()).getXferID();
  h.instance_number = GetInt(ds, DCM_InstanceNumber, 0);

  imaging::SliceGeometry& g = h.geometry;
  g.has_position = GetDoubles(ds, DCM_ImagePositionPatient, &g.position);
  g.has_orientation = GetDoubles(ds, DCM_ImageOrientationPatient, &g.orientation);
  g.rows = GetInt(ds, DCM_Rows, 0);
  g.columns = GetInt(ds, DCM_Columns, 0);
  GetDoubles(ds, DCM_PixelSpacing, &g.pixel_spacing);

  PixelEncoding& e = h.encoding;
  e.bits_allocated = GetInt(ds, DCM_BitsAllocated, 0);
  e.bits_stored = GetInt(ds, DCM_BitsStored, e.bits_allocated);
  e.high_bit = GetInt(ds, DCM_HighBit, e.bits_stored - 1);
  e.is_signed = GetInt(ds, DCM_PixelRepresentation, 0) == 1;
  e.samples_per_pixel = GetInt(ds, DCM_SamplesPerPixel, 1);
  e.frames = GetInt(ds, DCM_NumberOfFrames, 1);
  e.photometric = GetString(ds, DCM_PhotometricInterpretation);
  Float64 v = 0;
  if (ds.findAndGetFloat64(DCM_RescaleSlope, v).good() && v != 0) e.slope = v;
  if (ds.findAndGetFloat64(DCM_RescaleIntercept, v).good()) e.intercept = v;
  e.padding_value = GetPadding(ds, DCM_PixelPaddingValue, e.is_signed);
  e.padding_range_limit = GetPadding(ds, DCM_PixelPaddingRangeLimit, e.is_signed);
  return h;
}

}  // namespace ctscreen::dicom
