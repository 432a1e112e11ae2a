// `ctscreen seg-from-truth`: a SEG and an SR made from a phantom case's truth masks, so a person
// can open the result objects in a viewer before the models exist (developer tool).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "ctscreen/dicom/sc_writer.h"
#include "ctscreen/dicom/seg_writer.h"
#include "ctscreen/dicom/series_reader.h"
#include "ctscreen/dicom/source_series.h"
#include "ctscreen/dicom/sr_writer.h"
#include "ctscreen/imaging/nrrd_io.h"
#include "ctscreen/imaging/preprocess.h"

namespace ctscreen::app {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUsage =
    "usage: ctscreen seg-from-truth PHANTOM_CASE_DIR --out DIR [--lungs] [--empty-frames]\n"
    "                               [--overlay]\n"
    "\n"
    "Writes DIR/seg.dcm (one segment per truth lesion, plus the lungs with --lungs) and\n"
    "DIR/sr.dcm (TID 1500 report) for a case written by `ctscreen phantom`, with the truth\n"
    "standing in for model output (bundle 'phantom-truth'). A case without lesions gets no SEG\n"
    "unless --lungs is given. --overlay adds DIR/overlay/sc_<slice>.dcm, Secondary Captures of\n"
    "the lesion slices with outlines. Developer tool: the verdict is the truth, not a model's.\n";

int Fail(const std::string& message) {
  std::fprintf(stderr, "ctscreen seg-from-truth: %s\n", message.c_str());
  return 1;
}

// A truth mask (on the CT grid, in the phantom's slice order) onto the grid as read, whose
// slices are ordered along the normal: nearest neighbour on the same grid copies exactly.
core::Result<std::vector<std::uint8_t>> MaskOnSource(const std::string& path,
                                                     const imaging::GeometryInfo& grid) {
  auto labels = imaging::ReadLabelNrrd(path);
  if (!labels.ok()) return labels.status();
  auto on_grid = imaging::ResampleLabels(**labels, grid);
  if (!on_grid.ok()) return on_grid.status();
  const std::uint8_t* p = (*on_grid)->GetBufferPointer();
  return std::vector<std::uint8_t>(p, p + grid.VoxelCount());
}

}  // namespace

int RunSegFromTruth(int argc, char** argv) {
  std::string case_dir, out_dir;
  bool with_lungs = false;
  bool overlay = false;
  dicom::SegOptions seg_options;
  for (int n = 1; n < argc; ++n) {
    const std::string arg = argv[n];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--out" && n + 1 < argc) {
      out_dir = argv[++n];
    } else if (arg == "--lungs") {
      with_lungs = true;
    } else if (arg == "--overlay") {
      overlay = true;
    } else if (arg == "--empty-frames") {
      seg_options.include_empty_frames = true;
    } else if (!arg.empty() && arg[0] != '-' && case_dir.empty()) {
      case_dir = arg;
    } else {
      std::fprintf(stderr, "ctscreen seg-from-truth: unexpected '%s'\n\n%s", arg.c_str(), kUsage);
      return 2;
    }
  }
  if (case_dir.empty() || out_dir.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }

  std::ifstream truth_file(fs::path(case_dir) / "truth.json");
  if (!truth_file) return Fail(case_dir + "/truth.json: not found (is this a phantom case?)");
  nlohmann::json truth;
  try {
    truth = nlohmann::json::parse(truth_file);
  } catch (const std::exception& e) {
    return Fail(case_dir + "/truth.json: " + e.what());
  }

  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::path(case_dir) / "dicom", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("CT_", 0) == 0) files.push_back(entry.path().string());
  }
  if (files.empty()) return Fail(case_dir + "/dicom: no CT_*.dcm files");
  dicom::SeriesReadOptions read_options;
  read_options.limits.min_slices = 1;
  auto ct = dicom::SeriesReader(read_options).Read(files);
  if (!ct.ok()) return Fail(ct.status().ToString());
  const imaging::GeometryInfo grid = ct->geometry();
  const dicom::SourceSeries source = dicom::SourceSeriesFrom(
      grid, ct->slices, ct->study_uid, ct->series_uid, ct->frame_of_reference_uid);

  auto lesions = MaskOnSource((fs::path(case_dir) / "lesions.nrrd").string(), grid);
  if (!lesions.ok()) return Fail(lesions.status().ToString());
  auto lungs = MaskOnSource((fs::path(case_dir) / "lungs.nrrd").string(), grid);
  if (!lungs.ok()) return Fail(lungs.status().ToString());

  dicom::AlgorithmInfo algorithm;
  algorithm.bundle_name = "phantom-truth";
  algorithm.bundle_version = "seed " + std::to_string(truth.value("seed", 0));
  algorithm.software_version = CTSCREEN_VERSION;

  std::vector<dicom::SegmentInput> segments;
  std::vector<dicom::SrLesion> sr_lesions;
  std::vector<std::size_t> segment_of_lesion;
  for (const auto& lesion : truth.value("lesions", nlohmann::json::array())) {
    const int id = lesion.value("id", 0);
    dicom::SegmentInput segment;
    const bool covid = lesion.value("class", "") == "covid19_like";
    segment.kind = covid ? dicom::SegmentKind::kCovidLesion : dicom::SegmentKind::kOtherLesion;
    segment.label = "Lesion " + std::to_string(id);
    segment.description = lesion.value("kind", "");
    segment.mask.resize(lesions->size());
    bool any = false;
    for (std::size_t v = 0; v < segment.mask.size(); ++v) {
      segment.mask[v] = (*lesions)[v] == id;
      any = any || segment.mask[v];
    }
    dicom::SrLesion sr;
    sr.id = id;
    sr.covid_like = covid;
    sr.probability = covid ? 1.0 : 0.0;
    sr.volume_ml = lesion.value("volume_ml", 0.0);
    if (any) {  // an empty segment is never written
      sr.segment_number = static_cast<int>(segments.size()) + 1;
      segments.push_back(std::move(segment));
    }
    sr_lesions.push_back(sr);
  }
  if (with_lungs) {
    dicom::SegmentInput segment;
    segment.kind = dicom::SegmentKind::kLung;
    segment.label = "Lungs";
    segment.mask.resize(lungs->size());
    for (std::size_t v = 0; v < segment.mask.size(); ++v) segment.mask[v] = (*lungs)[v] != 0;
    segments.push_back(std::move(segment));
  }

  fs::create_directories(out_dir, ec);
  dicom::SrInput report;
  report.lesions = sr_lesions;
  const bool positive = truth.value("covid19_positive", false);
  report.verdict = sr_lesions.empty() ? dicom::SrVerdict::kNoLesion
                   : positive         ? dicom::SrVerdict::kCovid19Likely
                                      : dicom::SrVerdict::kCovid19Unlikely;
  report.probability = positive ? 1.0 : 0.0;
  double lung_ml = 0;
  if (truth.contains("lungs")) {
    lung_ml =
        truth["lungs"].value("left_volume_ml", 0.0) + truth["lungs"].value("right_volume_ml", 0.0);
  }
  report.lung_volume_ml = lung_ml;
  if (!segments.empty()) {
    const std::string seg_path = (fs::path(out_dir) / "seg.dcm").string();
    auto seg = dicom::SegWriter(algorithm, seg_options).Write(source, segments, seg_path);
    if (!seg.ok()) return Fail(seg.status().ToString());
    report.seg = dicom::SegReference{seg->sop_instance_uid, seg->series_uid};
    std::printf("%s: %zu segments, %d frames\n", seg_path.c_str(), segments.size(), seg->frames);
  } else {
    std::printf("no lesions: no SEG written (add --lungs for a SEG of the lungs)\n");
  }
  if (overlay) {
    dicom::ScInput sc_input;
    const std::int16_t* hu = ct->image->GetBufferPointer();
    sc_input.hu.assign(hu, hu + grid.VoxelCount());
    sc_input.covid_like.assign(lesions->size(), 0);
    sc_input.other.assign(lesions->size(), 0);
    for (const auto& lesion : truth.value("lesions", nlohmann::json::array())) {
      const int id = lesion.value("id", 0);
      auto& target =
          lesion.value("class", "") == "covid19_like" ? sc_input.covid_like : sc_input.other;
      for (std::size_t v = 0; v < lesions->size(); ++v) {
        if ((*lesions)[v] == id) target[v] = 1;
      }
    }
    const fs::path overlay_dir = fs::path(out_dir) / "overlay";
    fs::create_directories(overlay_dir, ec);
    auto sc = dicom::ScWriter(algorithm, dicom::ScOptions())
                  .Write(source, sc_input, overlay_dir.string());
    if (!sc.ok()) return Fail(sc.status().ToString());
    std::printf("%s: %zu overlay images\n", overlay_dir.c_str(), sc->size());
  }
  const std::string sr_path = (fs::path(out_dir) / "sr.dcm").string();
  auto sr = dicom::SrWriter(algorithm, dicom::SrOptions()).Write(source, report, sr_path);
  if (!sr.ok()) return Fail(sr.status().ToString());
  std::printf("%s: %s, %zu lesions\n", sr_path.c_str(), dicom::SrVerdictName(report.verdict),
              sr_lesions.size());
  return 0;
}

}  // namespace ctscreen::app
