// `ctscreen analyze --stop-after preprocess` end to end on a phantom case: series selection
// beside a scout, NRRD outputs on the model grid, result.json, and exit code 3 for a rejected
// series.
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ct_series_writer.h"
#include "ctscreen/phantom/phantom_set.h"
#include "process.h"

namespace ctscreen::pipeline {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;

class AnalyzeCommandTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / ("ctscreen_analyze_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    phantom::PhantomSetOptions options;
    options.out_dir = (root_ / "phantom").string();
    options.seed = 31;
    options.cases = 1;
    options.size = phantom::SizeMode::kSmall;
    options.mix = {{phantom::CaseClass::kCovid, 1.0}};
    ASSERT_TRUE(phantom::GeneratePhantomSet(options, [](int, int) {}).ok());
    case_dir_ = root_ / "phantom" / "case_0000";
  }
  static void TearDownTestSuite() { fs::remove_all(root_); }

  static ::ctscreen::testing::CommandResult Analyze(const std::string& args) {
    return ::ctscreen::testing::RunCommand(::ctscreen::testing::BinaryDir() +
                                           "/src/app/ctscreen analyze " + args + " 2>&1");
  }
  static json ReadJson(const fs::path& path) {
    std::ifstream in(path);
    return json::parse(in);
  }

  static fs::path root_;
  static fs::path case_dir_;
};
fs::path AnalyzeCommandTest::root_;
fs::path AnalyzeCommandTest::case_dir_;

// The header fields of a NRRD file.
std::map<std::string, std::string> NrrdHeader(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::map<std::string, std::string> fields;
  std::string line;
  while (std::getline(in, line) && !line.empty()) {
    const auto colon = line.find(": ");
    if (colon != std::string::npos) fields[line.substr(0, colon)] = line.substr(colon + 2);
  }
  return fields;
}

TEST_F(AnalyzeCommandTest, WritesPreprocessedVolumesAndResult) {
  // A study folder with a scout next to the CT: the scout must be skipped, and said so.
  const fs::path dicom = root_ / "study";
  fs::copy(case_dir_ / "dicom", dicom, fs::copy_options::recursive);
  const std::string any_ct = (dicom / "CT_0001.dcm").string();
  ::ctscreen::testing::EditDataSet(any_ct, (dicom / "SCOUT_X.dcm").string(), [](DcmDataset& ds) {
    ds.putAndInsertString(DCM_ImageType, "ORIGINAL\\PRIMARY\\LOCALIZER");
    ds.putAndInsertString(DCM_SeriesInstanceUID, ::ctscreen::testing::NewTestUid().c_str());
    ds.putAndInsertString(DCM_SOPInstanceUID, ::ctscreen::testing::NewTestUid().c_str());
  });
  const fs::path out = root_ / "out";
  auto run = Analyze(dicom.string() + " --out " + out.string() + " --stop-after preprocess" +
                     " --lungs " + (case_dir_ / "lungs.nrrd").string());
  ASSERT_EQ(run.exit_code, 0) << run.output;

  const json truth = ReadJson(case_dir_ / "truth.json");
  const json result = ReadJson(out / "result.json");
  EXPECT_EQ(result["status"], "preprocessed");
  EXPECT_EQ(result["series_uid"], truth["dicom"]["series_uid"]);
  EXPECT_EQ(result["study_uid"], truth["dicom"]["study_uid"]);
  EXPECT_THAT(result["series_selection"].get<std::string>(), HasSubstr("LOCALIZER"));
  EXPECT_EQ(result["lung_mask"], "file");
  EXPECT_EQ(result["geometry"]["size"], truth["geometry"]["size"]);
  for (const char* stage : {"read", "preprocess", "total"}) {
    EXPECT_GT(result["timings_ms"][stage].get<double>(), 0) << stage;
  }
  EXPECT_EQ(result["model_grid"]["spacing_mm"], json::array({1.0, 1.0, 2.5}));

  for (const char* name : {"preprocessed_lung.nrrd", "preprocessed_lesion.nrrd"}) {
    auto header = NrrdHeader(out / name);
    EXPECT_EQ(header["type"], "float") << name;
    EXPECT_EQ(header["space"], "left-posterior-superior");
    const auto& size = result["model_grid"]["size"];
    EXPECT_EQ(header["sizes"], std::to_string(size[0].get<int>()) + " " +
                                   std::to_string(size[1].get<int>()) + " " +
                                   std::to_string(size[2].get<int>()));
    EXPECT_EQ(header["space directions"], "(1,0,0) (0,1,0) (0,0,2.5)");
    const std::size_t voxels =
        size[0].get<std::size_t>() * size[1].get<std::size_t>() * size[2].get<std::size_t>();
    EXPECT_GE(fs::file_size(out / name), voxels * sizeof(float));
  }
}

TEST_F(AnalyzeCommandTest, HeuristicLungCropWithoutAMask) {
  const fs::path out = root_ / "out_heuristic";
  auto run = Analyze((case_dir_ / "dicom").string() + " --out " + out.string() +
                     " --stop-after preprocess");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(ReadJson(out / "result.json")["lung_mask"], "threshold_heuristic");
}

TEST_F(AnalyzeCommandTest, GeometryDefectExitsWithThreeAndTheReason) {
  const fs::path dicom = root_ / "gap";
  fs::copy(case_dir_ / "dicom", dicom, fs::copy_options::recursive);
  fs::remove(dicom / "CT_0020.dcm");
  fs::remove(dicom / "CT_0021.dcm");
  const fs::path out = root_ / "out_gap";
  auto run = Analyze(dicom.string() + " --out " + out.string() + " --stop-after preprocess");
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_THAT(run.output, HasSubstr("missing_slices"));
  const json result = ReadJson(out / "result.json");
  EXPECT_EQ(result["status"], "rejected");
  EXPECT_EQ(result["verdict"], "not_assessable");
  EXPECT_THAT(result["reason"].get<std::string>(), HasSubstr("missing_slices"));
  EXPECT_FALSE(fs::exists(out / "preprocessed_lung.nrrd"));
}

TEST_F(AnalyzeCommandTest, UsageErrors) {
  EXPECT_EQ(Analyze("").exit_code, 2);
  EXPECT_EQ(Analyze((case_dir_ / "dicom").string()).exit_code, 2);
  EXPECT_EQ(
      Analyze((case_dir_ / "dicom").string() + " --out /tmp/x --stop-after lesions").exit_code, 2);
  EXPECT_EQ(
      Analyze((root_ / "nothing_here").string() + " --out " + (root_ / "o").string()).exit_code, 1);
}

}  // namespace
}  // namespace ctscreen::pipeline
