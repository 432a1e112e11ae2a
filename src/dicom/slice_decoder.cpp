// Pixel decoding: DCMTK for uncompressed, JPEG lossless, JPEG-LS and RLE; GDCM for JPEG 2000,
// which DCMTK's free toolkit lacks. Kept apart from the ITK code (compile memory).
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>
#include <gdcmImageReader.h>
#include <gdcmTrace.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>
#include <vector>

#include "ctscreen/dicom/slice_header.h"
#include "ctscreen/imaging/hu.h"

namespace ctscreen::dicom {
namespace {

using core::ErrorCode;
using core::Status;

void RegisterDecoders() {
  static std::once_flag once;
  std::call_once(once, [] {
    OFLog::getLogger("dcmtk.dcmjpeg").setLogLevel(OFLogger::WARN_LOG_LEVEL);
    OFLog::getLogger("dcmtk.dcmjpls").setLogLevel(OFLogger::WARN_LOG_LEVEL);
    // GDCM notes that 12-bit data sits in 16-bit JPEG 2000 samples: expected, not a fault.
    gdcm::Trace::WarningOff();
    DJDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
  });
}

bool IsJpeg2000(const std::string& ts) {
  return ts == UID_JPEG2000LosslessOnlyTransferSyntax || ts == UID_JPEG2000TransferSyntax;
}

Status CheckEncoding(const SliceHeader& h) {
  const PixelEncoding& e = h.encoding;
  auto unsupported = [&](const std::string& what) {
    return Status(ErrorCode::kUnsupportedImage,
                  "instance " + h.sop_instance_uid + " " + what +
                      "; only single-frame greyscale 16-bit CT images are analysed");
  };
  if (e.frames != 1) return unsupported("is multi-frame (" + std::to_string(e.frames) + ")");
  if (e.samples_per_pixel != 1) return unsupported("has colour samples");
  if (e.bits_allocated != 16) {
    return unsupported("has " + std::to_string(e.bits_allocated) + " bits allocated");
  }
  if (e.bits_stored < 1 || e.bits_stored > 16 || e.high_bit != e.bits_stored - 1) {
    return unsupported("has BitsStored/HighBit " + std::to_string(e.bits_stored) + "/" +
                       std::to_string(e.high_bit));
  }
  return Status::Ok();
}

// Stored 16-bit words to HU, per the slice's own encoding and rescale.
void ToHu(const std::uint16_t* raw, std::size_t count, const PixelEncoding& e, std::int16_t* hu) {
  const unsigned mask = e.bits_stored == 16 ? 0xFFFFu : (1u << e.bits_stored) - 1;
  const int sign_bit = 1 << (e.bits_stored - 1);
  const int pad_lo = e.padding_value.value_or(0);
  const int pad_hi = e.padding_range_limit.value_or(pad_lo);
  const int pad_min = std::min(pad_lo, pad_hi), pad_max = std::max(pad_lo, pad_hi);
  const bool has_padding = e.padding_value.has_value();
  const bool integer_rescale = e.slope == 1 && e.intercept == std::floor(e.intercept);
  const int offset = static_cast<int>(e.intercept);
  for (std::size_t n = 0; n < count; ++n) {
    int v = static_cast<int>(raw[n] & mask);
    if (e.is_signed && (v & sign_bit)) v -= sign_bit << 1;
    if (has_padding && v >= pad_min && v <= pad_max) {
      hu[n] = imaging::kAirHu;
      continue;
    }
    const long h = integer_rescale ? v + offset : std::lround(v * e.slope + e.intercept);
    hu[n] = static_cast<std::int16_t>(std::clamp<long>(h, imaging::kAirHu, 32767));
  }
}

Status DecodeJpeg2000(const SliceHeader& h, std::int16_t* hu) {
  gdcm::ImageReader reader;
  reader.SetFileName(h.path.c_str());
  if (!reader.Read()) return Status(ErrorCode::kUnparseable, "GDCM cannot read " + h.path);
  const gdcm::Image& image = reader.GetImage();
  const std::size_t count = static_cast<std::size_t>(h.geometry.rows) * h.geometry.columns;
  if (image.GetBufferLength() != count * 2) {
    return Status(ErrorCode::kPixelDataLength,
                  "JPEG 2000 pixel data of " + h.path + " does not decode to rows x columns");
  }
  std::vector<std::uint16_t> raw(count);
  if (!image.GetBuffer(reinterpret_cast<char*>(raw.data()))) {
    return Status(ErrorCode::kUnparseable, "GDCM cannot decode the JPEG 2000 data of " + h.path);
  }
  ToHu(raw.data(), count, h.encoding, hu);
  return Status::Ok();
}

}  // namespace

core::Status DecodeSliceHu(const SliceHeader& h, std::int16_t* hu) {
  RegisterDecoders();
  if (Status st = CheckEncoding(h); !st.ok()) return st;
  if (IsJpeg2000(h.transfer_syntax_uid)) return DecodeJpeg2000(h, hu);
  DcmFileFormat file;
  OFCondition cond = file.loadFile(h.path.c_str());
  if (cond.bad())
    return Status(ErrorCode::kUnparseable, "cannot load " + h.path + ": " + cond.text());
  DcmDataset& ds = *file.getDataset();
  cond = ds.chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
  if (cond.bad()) {
    return Status(ErrorCode::kUnsupportedImage, "cannot decode the pixel data of " + h.path + " (" +
                                                    h.transfer_syntax_uid + "): " + cond.text());
  }
  const Uint16* pixels = nullptr;
  unsigned long count = 0;
  cond = ds.findAndGetUint16Array(DCM_PixelData, pixels, &count);
  const unsigned long expected = static_cast<unsigned long>(h.geometry.rows) * h.geometry.columns;
  if (cond.bad() || !pixels) return Status(ErrorCode::kPixelDataMissing, h.path + " has no pixels");
  if (count < expected) {
    return Status(ErrorCode::kPixelDataLength, h.path + " holds " + std::to_string(count) +
                                                   " pixels, rows x columns is " +
                                                   std::to_string(expected));
  }
  ToHu(pixels, expected, h.encoding, hu);
  return Status::Ok();
}

}  // namespace ctscreen::dicom
