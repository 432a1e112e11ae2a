// `ctscreen analyze` end to end with the shipped bundle on a small COVID-19 phantom: a
// result.json with every field of the schema, and masks on the CT's own grid whose lesions
// overlap the truth.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ctscreen/imaging/nrrd_io.h"
#include "ctscreen/phantom/phantom_set.h"
#include "process.h"

namespace ctscreen::pipeline {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(AnalyzeInferTest, WritesTheResultSchemaAndMasksOnTheSourceGrid) {
  const fs::path root =
      fs::temp_directory_path() / ("ctscreen_analyze_infer_" + std::to_string(::getpid()));
  fs::remove_all(root);
  phantom::PhantomSetOptions options;
  options.out_dir = (root / "phantom").string();
  options.seed = 5150;
  options.cases = 1;
  options.size = phantom::SizeMode::kSmall;
  options.mix = {{phantom::CaseClass::kCovid, 1.0}};
  ASSERT_TRUE(phantom::GeneratePhantomSet(options, [](int, int) {}).ok());
  const fs::path case_dir = root / "phantom" / "case_0000";
  const fs::path out = root / "out";
  auto run = ::ctscreen::testing::RunCommand(
      ::ctscreen::testing::BinaryDir() + "/src/app/ctscreen analyze " +
      (case_dir / "dicom").string() + " --out " + out.string() +
      " --masks --probabilities --bundle " + ::ctscreen::testing::SourceDir() +
      "/models/default 2>&1");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("verdict: "), std::string::npos) << run.output;

  std::ifstream in(out / "result.json");
  const json r = json::parse(in);
  std::ifstream truth_in(case_dir / "truth.json");
  const json truth = json::parse(truth_in);
  EXPECT_EQ(r["study_uid"], truth["dicom"]["study_uid"]);
  EXPECT_EQ(r["series_uid"], truth["dicom"]["series_uid"]);
  const std::string verdict = r["verdict"];
  EXPECT_TRUE(verdict == "covid19_likely" || verdict == "covid19_unlikely" ||
              verdict == "no_lesion")
      << verdict;
  for (const char* key : {"probability", "threshold", "lung_volume_ml"}) {
    EXPECT_TRUE(r[key].is_number()) << key;
  }
  EXPECT_EQ(r["model_bundle"]["name"], "ctscreen-phantom-demo");
  EXPECT_TRUE(r["model_bundle"]["version"].is_string());
  for (const char* key :
       {"read", "preprocess", "lung_seg", "lesion_seg", "classify", "write", "total"}) {
    EXPECT_TRUE(r["timings_ms"][key].is_number()) << key;
  }
  ASSERT_TRUE(r["lesions"].is_array());
  ASSERT_FALSE(r["lesions"].empty()) << "a covid phantom with no lesion found";
  for (const json& l : r["lesions"]) {
    EXPECT_TRUE(l["id"].is_number_integer());
    EXPECT_TRUE(l["class"] == "covid19_like" || l["class"] == "other");
    EXPECT_TRUE(l["probability"].is_number());
    EXPECT_GT(l["volume_ml"].get<double>(), 0.0);
    ASSERT_EQ(l["centroid_mm"].size(), 3u);
  }
  // The lungs of a phantom are litres; the found volume should be of that order.
  EXPECT_GT(r["lung_volume_ml"].get<double>(), 1000.0);

  auto lungs = imaging::ReadLabelNrrd((out / "lungs.nrrd").string());
  auto lesions = imaging::ReadLabelNrrd((out / "lesions.nrrd").string());
  auto truth_lesions = imaging::ReadLabelNrrd((case_dir / "lesions.nrrd").string());
  ASSERT_TRUE(lungs.ok() && lesions.ok() && truth_lesions.ok());
  const auto g = imaging::GeometryOf(**truth_lesions);
  const auto m = imaging::GeometryOf(**lesions);
  EXPECT_EQ(m.size, g.size);
  for (int a = 0; a < 3; ++a) {
    EXPECT_NEAR(m.origin[a], g.origin[a], 1e-3);
    // The CT grid comes from DICOM decimal strings (16 characters), the truth from doubles.
    EXPECT_NEAR(m.spacing[a], g.spacing[a], 1e-4);
  }
  std::size_t overlap = 0, found = 0;
  const std::uint8_t* f = (*lesions)->GetBufferPointer();
  const std::uint8_t* t = (*truth_lesions)->GetBufferPointer();
  for (std::size_t i = 0; i < g.VoxelCount(); ++i) {
    found += f[i] != 0;
    overlap += f[i] != 0 && t[i] != 0;
  }
  EXPECT_GT(found, 0u);
  // Most of what was found is truly lesion.
  EXPECT_GT(overlap, found / 2) << overlap << " of " << found << " found voxels are lesion";

  // The lesion model's own map on the model grid: probabilities, above one half where it found
  // the lesions that were reported.
  std::ifstream map_in(out / "lesion_probability.nrrd", std::ios::binary);
  const std::string file((std::istreambuf_iterator<char>(map_in)), {});
  const std::size_t body = file.find("\n\n");
  ASSERT_NE(body, std::string::npos);
  const std::string header = file.substr(0, body);
  EXPECT_NE(header.find("type: float"), std::string::npos) << header;
  const json& grid = r["model_grid"]["size"];
  const std::string sizes = "sizes: " + std::to_string(grid[0].get<int>()) + " " +
                            std::to_string(grid[1].get<int>()) + " " +
                            std::to_string(grid[2].get<int>());
  EXPECT_NE(header.find(sizes), std::string::npos) << header;
  const std::size_t count =
      static_cast<std::size_t>(grid[0].get<int>()) * grid[1].get<int>() * grid[2].get<int>();
  ASSERT_EQ(file.size() - body - 2, count * sizeof(float));
  std::vector<float> p(count);
  std::memcpy(p.data(), file.data() + body + 2, count * sizeof(float));
  std::size_t above_half = 0;
  for (float v : p) {
    ASSERT_GE(v, 0.0f);
    ASSERT_LE(v, 1.0f);
    above_half += v > 0.5f;
  }
  EXPECT_GT(above_half, 0u);
  EXPECT_EQ(r["probabilities"], json::array({"lesion_probability.nrrd"}));

  // scripts/lesion_probe.py reads it against the truth, in space: one line per truth lesion,
  // and the lesions found above have a largest probability over one half.
  auto probe = ::ctscreen::testing::RunCommand(
      "/usr/bin/python3 " + ::ctscreen::testing::SourceDir() + "/scripts/lesion_probe.py " +
      case_dir.string() + " " + out.string() + " 2>&1");
  ASSERT_EQ(probe.exit_code, 0) << probe.output;
  std::istringstream lines(probe.output);
  std::string line;
  std::getline(lines, line);  // the column heads
  int rows = 0, found_by_model = 0;
  while (std::getline(lines, line)) {
    std::istringstream cols(line);
    int id = 0;
    std::string kind;
    double ml = 0, top = 0, mean = 0;
    ASSERT_TRUE(cols >> id >> kind >> ml >> top >> mean) << line;
    ++rows;
    found_by_model += top > 0.5;
  }
  EXPECT_EQ(rows, static_cast<int>(truth["lesions"].size())) << probe.output;
  EXPECT_GT(found_by_model, 0) << probe.output;
  fs::remove_all(root);
}

}  // namespace
}  // namespace ctscreen::pipeline
