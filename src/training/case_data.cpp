#include "ctscreen/training/case_data.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ctscreen/imaging/nrrd_io.h"
#include "ctscreen/imaging/preprocess.h"
#include "ctscreen/pipeline/stages.h"

namespace ctscreen::training {
namespace fs = std::filesystem;

core::Result<std::vector<std::string>> FindCases(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return core::Status(core::ErrorCode::kNotFound, dir + " is not a folder");
  }
  std::vector<std::string> cases;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (fs::exists(entry.path() / "truth.json")) cases.push_back(entry.path().string());
  }
  std::sort(cases.begin(), cases.end());
  if (cases.empty()) {
    return core::Status(core::ErrorCode::kNotFound,
                        dir +
                            " holds no phantom case (a folder with truth.json); make some with "
                            "`ctscreen phantom --out " +
                            dir + " --seed N --cases K`");
  }
  return cases;
}

namespace {

template <typename T>
core::Result<inference::Grid<T>> LabelsOnGrid(const std::string& path,
                                              const imaging::GeometryInfo& grid) {
  auto labels = imaging::ReadLabelNrrd(path);
  if (!labels.ok()) return labels.status();
  auto resampled = imaging::ResampleLabels(**labels, grid);
  if (!resampled.ok()) return resampled.status();
  inference::Grid<T> out;
  out.size_xyz = grid.size;
  out.spacing_xyz = grid.spacing;
  const std::uint8_t* v = (*resampled)->GetBufferPointer();
  out.voxels.assign(v, v + grid.VoxelCount());
  return out;
}

}  // namespace

core::Result<TrainingCase> LoadTrainingCase(const std::string& case_dir,
                                            const std::array<double, 3>& spacing_xyz) {
  const fs::path dir(case_dir);
  std::ifstream in(dir / "truth.json");
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json truth = nlohmann::json::parse(text.str(), nullptr, false);
  if (truth.is_discarded()) {
    return core::Status(core::ErrorCode::kInvalidArgument,
                        (dir / "truth.json").string() + ": not valid JSON");
  }
  TrainingCase c;
  c.name = dir.filename().string();
  c.covid = truth.value("covid19_positive", false);
  for (const auto& lesion : truth.value("lesions", nlohmann::json::array())) {
    c.lesion_covid[lesion.value("id", 0)] = lesion.value("class", "") == "covid19_like";
  }
  auto read = pipeline::ReadSeriesStage({}).Run({(dir / "dicom").string()});
  if (!read.ok()) return read.status();
  auto model = pipeline::ResampleStage(spacing_xyz).Run({&read->ct});
  if (!model.ok()) return model.status();
  c.hu = std::move(model->hu);
  auto lungs = LabelsOnGrid<std::uint8_t>((dir / "lungs.nrrd").string(), model->grid);
  if (!lungs.ok()) return lungs.status();
  c.lungs = std::move(*lungs);
  for (auto& v : c.lungs.voxels) v = v != 0;
  auto lesions = LabelsOnGrid<std::uint8_t>((dir / "lesions.nrrd").string(), model->grid);
  if (!lesions.ok()) return lesions.status();
  c.lesions = std::move(*lesions);
  return c;
}

}  // namespace ctscreen::training
