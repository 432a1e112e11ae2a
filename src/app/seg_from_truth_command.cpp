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
#include "ctscreen/pipeline/write_results.h"

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

  pipeline::ScreeningOnSource found;
  found.lesion_labels.assign(lesions->begin(), lesions->end());
  found.lung_mask = *lungs;
  for (const auto& lesion : truth.value("lesions", nlohmann::json::array())) {
    const bool covid = lesion.value("class", "") == "covid19_like";
    found.lesions.push_back(
        {lesion.value("id", 0), covid, covid ? 1.0 : 0.0, lesion.value("volume_ml", 0.0)});
  }
  const bool positive = truth.value("covid19_positive", false);
  found.verdict = found.lesions.empty() ? dicom::SrVerdict::kNoLesion
                  : positive            ? dicom::SrVerdict::kCovid19Likely
                                        : dicom::SrVerdict::kCovid19Unlikely;
  found.probability = positive ? 1.0 : 0.0;
  if (truth.contains("lungs")) {
    found.lung_volume_ml =
        truth["lungs"].value("left_volume_ml", 0.0) + truth["lungs"].value("right_volume_ml", 0.0);
  }
  pipeline::WriteResultsOptions options;
  options.out_dir = out_dir;
  options.algorithm = algorithm;
  options.overlay = overlay;
  options.seg_lungs = with_lungs;
  options.seg_empty_frames = seg_options.include_empty_frames;
  auto written = pipeline::WriteResultsStage(options).Run({&*ct, &found});
  if (!written.ok()) return Fail(written.status().ToString());
  if (written->seg) {
    std::printf("%s: %zu segments, %d frames\n", written->seg->path.c_str(),
                written->seg->segment_numbers.size(), written->seg->frames);
  } else {
    std::printf("no lesions: no SEG written (add --lungs for a SEG of the lungs)\n");
  }
  if (overlay) std::printf("%d overlay images in %s/overlay\n", written->overlays, out_dir.c_str());
  std::printf("%s: %s, %zu lesions\n", written->sr->path.c_str(),
              dicom::SrVerdictName(found.verdict), found.lesions.size());
  return 0;
}

}  // namespace ctscreen::app
