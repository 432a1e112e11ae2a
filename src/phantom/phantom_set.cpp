#include "ctscreen/phantom/phantom_set.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "ctscreen/core/durable_file.h"
#include "ctscreen/phantom/case_generator.h"
#include "ctscreen/phantom/nrrd_writer.h"
#include "ctscreen/phantom/preview.h"
#include "ctscreen/phantom/random.h"

namespace ctscreen::phantom {
namespace {

using core::ErrorCode;
using core::Status;
using nlohmann::json;

constexpr std::uint64_t kClassOrderStream = 0xC1A55;

json Vec(const Vec3& v) {
  return json::array({v[0], v[1], v[2]});
}

std::string Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

ClassMix DefaultMix() {
  return {{CaseClass::kCovid, 0.32},
          {CaseClass::kCovidSmall, 0.08},
          {CaseClass::kOtherPneumonia, 0.2},
          {CaseClass::kNodule, 0.2},
          {CaseClass::kNormal, 0.2}};
}

core::Result<ClassMix> ParseMix(std::string_view text) {
  ClassMix mix;
  double total = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    std::string item = Trim(text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    start = comma == std::string_view::npos ? text.size() + 1 : comma + 1;
    if (item.empty()) continue;
    std::size_t eq = item.find('=');
    if (eq == std::string::npos) {
      return Status(ErrorCode::kInvalidArgument,
                    "--mix item '" + item + "' is not CLASS=FRACTION (e.g. covid=0.4)");
    }
    std::string name = Trim(item.substr(0, eq));
    auto cls = ParseCaseClass(name);
    if (!cls) {
      return Status(ErrorCode::kInvalidArgument,
                    "--mix names an unknown class '" + name +
                        "'; known: covid, covid_small, other_pneumonia, nodule, normal");
    }
    char* end = nullptr;
    std::string number = Trim(item.substr(eq + 1));
    double fraction = std::strtod(number.c_str(), &end);
    if (number.empty() || *end != '\0' || !(fraction >= 0) || !std::isfinite(fraction)) {
      return Status(ErrorCode::kInvalidArgument,
                    "--mix fraction '" + number + "' for " + name + " is not a number >= 0");
    }
    mix.push_back({*cls, fraction});
    total += fraction;
  }
  if (mix.empty() || total <= 0) {
    return Status(ErrorCode::kInvalidArgument,
                  "--mix needs at least one class with a fraction > 0");
  }
  for (auto& [cls, fraction] : mix) fraction /= total;
  return mix;
}

std::vector<CaseClass> AssignClasses(std::uint64_t seed, int cases, const ClassMix& mix) {
  std::vector<int> counts(mix.size(), 0);
  std::vector<std::pair<double, std::size_t>> remainders;
  int assigned = 0;
  for (std::size_t n = 0; n < mix.size(); ++n) {
    double exact = mix[n].second * cases;
    counts[n] = static_cast<int>(std::floor(exact));
    assigned += counts[n];
    remainders.push_back({exact - counts[n], n});
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t n = 0; assigned < cases; ++n, ++assigned) {
    ++counts[remainders[n % remainders.size()].second];
  }
  std::vector<CaseClass> classes;
  for (std::size_t n = 0; n < mix.size(); ++n) {
    classes.insert(classes.end(), counts[n], mix[n].first);
  }
  // Fisher–Yates with our own generator: std::shuffle differs between libraries.
  Rng rng(MixSeed(seed, kClassOrderStream));
  for (int n = static_cast<int>(classes.size()) - 1; n > 0; --n) {
    std::swap(classes[n], classes[rng.Int(0, n)]);
  }
  return classes;
}

std::string TruthJson(const PhantomCase& c, const CaseFiles& files, TransferSyntax ts) {
  const Geometry& g = c.hu.geometry;
  const Acquisition& acq = c.spec.acquisition;
  const SeriesUids uids = UidsFor(c.spec);
  json lesions = json::array();
  for (const LesionTruth& t : c.lesion_truth) {
    lesions.push_back({{"id", t.id},
                       {"class", t.covid_like ? "covid19_like" : "other"},
                       {"kind", t.kind},
                       {"lung", t.lung},
                       {"voxels", t.voxels},
                       {"volume_ml", t.volume_ml},
                       {"centroid_mm", Vec(t.centroid_mm)},
                       {"diameter_mm", t.diameter_mm},
                       {"nominal_diameter_mm", t.nominal_diameter_mm}});
  }
  json truth = {
      {"case", c.name},
      {"class", CaseClassName(c.spec.case_class)},
      {"covid19_positive", IsCovid(c.spec.case_class)},
      {"seed", c.spec.seed},
      {"index", c.spec.index},
      {"size", c.spec.size == SizeMode::kFull ? "full" : "small"},
      {"geometry",
       {{"coordinate_system", "LPS"},
        {"size", json::array({g.size[0], g.size[1], g.size[2]})},
        {"spacing_mm", json::array({g.spacing[0], g.spacing[1], g.spacing[2]})},
        {"origin_mm", Vec(g.origin)},
        {"direction",
         json::array({Vec(g.direction[0]), Vec(g.direction[1]), Vec(g.direction[2])})}}},
      {"lungs",
       {{"mask", "lungs.nrrd"},
        {"labels", {{"1", "left"}, {"2", "right"}}},
        {"left_volume_ml", c.lung_volume_ml[0]},
        {"right_volume_ml", c.lung_volume_ml[1]}}},
      {"lesions_mask", "lesions.nrrd"},
      {"lesions", lesions},
      {"dicom",
       {{"directory", "dicom"},
        {"study_uid", uids.study},
        {"series_uid", uids.series},
        {"frame_of_reference_uid", uids.frame_of_reference},
        {"scout_series_uid", files.series.scout_file.empty() ? json() : json(uids.scout_series)},
        {"instances", files.series.ct_files.size()},
        {"transfer_syntax", TransferSyntaxName(ts)},
        {"transfer_syntax_uid", TransferSyntaxUid(ts)},
        {"manufacturer", acq.manufacturer},
        {"model", acq.model},
        {"patient_position", acq.patient_position},
        {"instance_order",
         acq.reversed_instance_order ? "inferior_to_superior" : "superior_to_inferior"},
        {"slice_thickness_mm", acq.slice_thickness_mm},
        {"signed_pixels", acq.signed_pixels},
        {"bits_stored", acq.bits_stored},
        {"rescale_intercept", acq.rescale_intercept},
        {"circular_fov", acq.circular_fov},
        {"padding_hu", acq.circular_fov ? json(acq.padding_hu) : json()},
        {"noise_sd_hu", acq.noise_sd_hu}}},
  };
  if (!files.preview_png.empty()) truth["preview"] = "preview.png";
  return truth.dump(2) + "\n";
}

core::Result<CaseFiles> WriteCase(const PhantomCase& c, const std::string& case_dir,
                                  TransferSyntax ts, bool preview) {
  CaseFiles files;
  files.dir = case_dir;
  files.dicom_dir = case_dir + "/dicom";
  if (Status s = core::EnsureDirectory(files.dicom_dir); !s.ok()) return s;
  auto series = WriteCtStudy(c, ts, files.dicom_dir);
  if (!series.ok()) return series.status();
  files.series = std::move(series.value());

  files.lungs_nrrd = case_dir + "/lungs.nrrd";
  if (Status s = WriteNrrd(c.lungs, {{"label_1", "left_lung"}, {"label_2", "right_lung"}},
                           files.lungs_nrrd);
      !s.ok()) {
    return s;
  }
  files.lesions_nrrd = case_dir + "/lesions.nrrd";
  if (Status s = WriteNrrd(c.lesions, {{"labels", "lesion id (truth.json lesions[].id)"}},
                           files.lesions_nrrd);
      !s.ok()) {
    return s;
  }
  if (preview) {
    files.preview_png = case_dir + "/preview.png";
    if (Status s = core::WriteFileDurably(files.preview_png, RenderPreviewPng(c)); !s.ok()) {
      return s;
    }
  }
  files.truth_json = case_dir + "/truth.json";
  if (Status s = core::WriteFileDurably(files.truth_json, TruthJson(c, files, ts)); !s.ok()) {
    return s;
  }
  return files;
}

Status GeneratePhantomSet(const PhantomSetOptions& options,
                          const std::function<void(int, int)>& progress) {
  if (options.cases < 1) {
    return Status(ErrorCode::kInvalidArgument, "--cases must be at least 1");
  }
  if (Status s = core::EnsureDirectory(options.out_dir); !s.ok()) return s;
  const std::vector<CaseClass> classes = AssignClasses(options.seed, options.cases, options.mix);
  json listed = json::array();
  for (int index = 0; index < options.cases; ++index) {
    PhantomCase c = GenerateCase(options.seed, index, classes[index], options.size);
    TransferSyntax ts = options.transfer_syntax.value_or(c.spec.acquisition.transfer_syntax);
    auto files = WriteCase(c, options.out_dir + "/" + c.name, ts, options.preview);
    if (!files.ok()) return files.status();
    json entry = {{"name", c.name},
                  {"class", CaseClassName(c.spec.case_class)},
                  {"covid19_positive", IsCovid(c.spec.case_class)},
                  {"lesions", c.lesion_truth.size()},
                  {"dicom_dir", c.name + "/dicom"},
                  {"truth", c.name + "/truth.json"},
                  {"lungs_mask", c.name + "/lungs.nrrd"},
                  {"lesions_mask", c.name + "/lesions.nrrd"}};
    if (options.preview) entry["preview"] = c.name + "/preview.png";
    listed.push_back(entry);
    if (progress) progress(index + 1, options.cases);
  }
  json mix = json::object();
  for (const auto& [cls, fraction] : options.mix) mix[CaseClassName(cls)] = fraction;
  json index = {{"generator", "ctscreen phantom"},
                {"seed", options.seed},
                {"size", options.size == SizeMode::kFull ? "full" : "small"},
                {"mix", mix},
                {"cases", listed}};
  return core::WriteFileDurably(options.out_dir + "/cases.json", index.dump(2) + "\n");
}

}  // namespace ctscreen::phantom
