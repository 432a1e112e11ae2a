#include "ctscreen/dicom/sc_writer.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "dicom_values.h"

namespace ctscreen::dicom {
namespace {

using core::ErrorCode;
using core::Status;

// A 5 x 7 font for the burned-in label only: the overlay must say what it is even where the
// viewer hides the series description.
struct Glyph {
  char c;
  std::uint8_t rows[7];
};
constexpr Glyph kFont[] = {
    {'A', {0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}},
    {'C', {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E}},
    {'D', {0x1E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1E}},
    {'E', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F}},
    {'G', {0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F}},
    {'I', {0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E}},
    {'L', {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F}},
    {'N', {0x11, 0x19, 0x15, 0x13, 0x11, 0x11, 0x11}},
    {'R', {0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11}},
    {'S', {0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E}},
    {'T', {0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}},
    {'U', {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}},
    {'-', {0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00}},
};
constexpr const char* kLabel = "AI RESULT - SCREENING AID";

void DrawLabel(int columns, int rows, std::vector<std::uint8_t>* rgb) {
  const int scale = std::max(1, columns / 256);
  int x = 4 * scale;
  const int y = 4 * scale;
  for (const char* p = kLabel; *p != '\0'; ++p, x += 6 * scale) {
    const Glyph* glyph = nullptr;
    for (const Glyph& g : kFont) {
      if (g.c == *p) glyph = &g;
    }
    if (glyph == nullptr) continue;  // space
    for (int gy = 0; gy < 7 * scale; ++gy) {
      for (int gx = 0; gx < 5 * scale; ++gx) {
        if (!(glyph->rows[gy / scale] & (0x10 >> (gx / scale)))) continue;
        const int px = x + gx, py = y + gy;
        if (px >= columns || py >= rows) continue;
        std::uint8_t* pixel = rgb->data() + 3 * (static_cast<std::size_t>(py) * columns + px);
        pixel[0] = 255, pixel[1] = 255, pixel[2] = 0;
      }
    }
  }
}

// Inside pixels with a 4-neighbour outside: a one-pixel outline keeps the anatomy visible.
bool OnOutline(const std::uint8_t* mask, int columns, int rows, int x, int y) {
  if (!mask[static_cast<std::size_t>(y) * columns + x]) return false;
  const int dx[] = {1, -1, 0, 0};
  const int dy[] = {0, 0, 1, -1};
  for (int n = 0; n < 4; ++n) {
    const int nx = x + dx[n], ny = y + dy[n];
    if (nx < 0 || ny < 0 || nx >= columns || ny >= rows) return true;
    if (!mask[static_cast<std::size_t>(ny) * columns + nx]) return true;
  }
  return false;
}

}  // namespace

core::Result<std::vector<WrittenSc>> ScWriter::Write(const SourceSeries& source,
                                                     const ScInput& input,
                                                     const std::string& dir) const {
  const int columns = source.columns, rows = source.rows;
  const std::size_t slice_voxels = static_cast<std::size_t>(rows) * columns;
  const std::size_t voxels = slice_voxels * source.slices.size();
  if (voxels == 0 || input.hu.size() != voxels ||
      (!input.covid_like.empty() && input.covid_like.size() != voxels) ||
      (!input.other.empty() && input.other.size() != voxels)) {
    return Status(ErrorCode::kInvalidArgument, "SC: HU and masks must cover the source grid (" +
                                                   std::to_string(voxels) +
                                                   " voxels, columns x rows x slices)");
  }
  std::vector<WrittenSc> written;
  const std::string series_uid = NewUid();
  const double low = options_.window_center - options_.window_width / 2;
  for (std::size_t k = 0; k < source.slices.size(); ++k) {
    const std::uint8_t* covid =
        input.covid_like.empty() ? nullptr : input.covid_like.data() + k * slice_voxels;
    const std::uint8_t* other =
        input.other.empty() ? nullptr : input.other.data() + k * slice_voxels;
    auto any = [&](const std::uint8_t* m) {
      return m != nullptr && std::any_of(m, m + slice_voxels, [](std::uint8_t v) { return v; });
    };
    if (!any(covid) && !any(other)) continue;

    std::vector<std::uint8_t> rgb(3 * slice_voxels);
    const std::int16_t* hu = input.hu.data() + k * slice_voxels;
    for (int y = 0; y < rows; ++y) {
      for (int x = 0; x < columns; ++x) {
        const std::size_t i = static_cast<std::size_t>(y) * columns + x;
        const double v = (hu[i] - low) / options_.window_width * 255.0;
        const auto grey = static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L));
        std::uint8_t* pixel = rgb.data() + 3 * i;
        pixel[0] = pixel[1] = pixel[2] = grey;
        if (other != nullptr && OnOutline(other, columns, rows, x, y)) {
          pixel[0] = 255, pixel[1] = 220, pixel[2] = 0;
        }
        if (covid != nullptr && OnOutline(covid, columns, rows, x, y)) {
          pixel[0] = 255, pixel[1] = 0, pixel[2] = 0;
        }
      }
    }
    DrawLabel(columns, rows, &rgb);

    DcmFileFormat file;
    DcmDataset* ds = file.getDataset();
    if (Status s = CopyPatientAndStudy(source.reference_file, "SC", ds); !s.ok()) return s;
    WrittenSc sc;
    sc.slice = static_cast<int>(k);
    sc.sop_instance_uid = NewUid();
    char name[32];
    std::snprintf(name, sizeof name, "sc_%04zu.dcm", k + 1);
    sc.path = (std::filesystem::path(dir) / name).string();
    const std::string bundle = algorithm_.bundle_name + " " + algorithm_.bundle_version;
    ds->putAndInsertString(DCM_SOPClassUID, kSecondaryCaptureStorageUid);
    ds->putAndInsertString(DCM_SOPInstanceUID, sc.sop_instance_uid.c_str());
    ds->putAndInsertString(DCM_StudyInstanceUID, source.study_uid.c_str());
    ds->putAndInsertString(DCM_SeriesInstanceUID, series_uid.c_str());
    ds->putAndInsertString(DCM_Modality, "OT");
    ds->putAndInsertString(DCM_SeriesNumber, std::to_string(options_.series_number).c_str());
    ds->putAndInsertString(DCM_SeriesDescription, options_.series_description.c_str());
    ds->putAndInsertString(DCM_InstanceNumber, std::to_string(k + 1).c_str());
    ds->putAndInsertString(DCM_PatientOrientation, "");
    // Type 2C that dciodvfy cannot evaluate (lungs are paired): present and empty, unknown.
    ds->putAndInsertString(DCM_Laterality, "");
    ds->putAndInsertString(DCM_Manufacturer, algorithm_.manufacturer.c_str());
    ds->putAndInsertString(DCM_ManufacturerModelName, CsSafe(algorithm_.bundle_name, 64).c_str());
    ds->putAndInsertString(DCM_SoftwareVersions,
                           ("ctscreen " + algorithm_.software_version + "\\" + bundle).c_str());
    ds->putAndInsertString(DCM_ConversionType, "WSD");
    ds->putAndInsertString(DCM_ImageType, "DERIVED\\SECONDARY");
    ds->putAndInsertString(DCM_BurnedInAnnotation, "YES");
    ds->putAndInsertString(
        DCM_ImageComments,
        ("AI result of " + bundle +
         ": lesion outlines (red COVID-19-like, yellow other) on a lung window. Screening aid, "
         "not a diagnosis.")
            .c_str());
    ds->putAndInsertString(DCM_DerivationDescription, "Lesion outlines drawn on a lung window");
    DcmItem* ref = nullptr;
    if (ds->findOrCreateSequenceItem(DCM_SourceImageSequence, ref, 0).good()) {
      ref->putAndInsertString(DCM_ReferencedSOPClassUID, source.slices[k].sop_class_uid.c_str());
      ref->putAndInsertString(DCM_ReferencedSOPInstanceUID,
                              source.slices[k].sop_instance_uid.c_str());
    }
    ds->putAndInsertUint16(DCM_SamplesPerPixel, 3);
    ds->putAndInsertString(DCM_PhotometricInterpretation, "RGB");
    ds->putAndInsertUint16(DCM_PlanarConfiguration, 0);
    ds->putAndInsertUint16(DCM_Rows, static_cast<Uint16>(rows));
    ds->putAndInsertUint16(DCM_Columns, static_cast<Uint16>(columns));
    ds->putAndInsertUint16(DCM_BitsAllocated, 8);
    ds->putAndInsertUint16(DCM_BitsStored, 8);
    ds->putAndInsertUint16(DCM_HighBit, 7);
    ds->putAndInsertUint16(DCM_PixelRepresentation, 0);
    ds->putAndInsertString(
        DCM_PixelSpacing,
        (FormatDs(source.pixel_spacing[0]) + "\\" + FormatDs(source.pixel_spacing[1])).c_str());
    ds->putAndInsertUint8Array(DCM_PixelData, rgb.data(), static_cast<unsigned long>(rgb.size()));
    OFCondition cond = file.saveFile(sc.path.c_str(), EXS_LittleEndianExplicit);
    if (cond.bad()) {
      return Status(ErrorCode::kIoError, "SC: cannot write '" + sc.path + "': " + cond.text());
    }
    written.push_back(sc);
  }
  return written;
}

}  // namespace ctscreen::dicom
