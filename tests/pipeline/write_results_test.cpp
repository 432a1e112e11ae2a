// The WriteResults stage on a phantom's truth (`ctscreen seg-from-truth`, the stage with the
// truth standing in for the models): every lesion segment, the lungs and the overlays, read
// back by pydicom and compared with the truth masks voxel for voxel. The segments view one
// shared label volume (dicom::SegmentMask), so this is where a mix-up of lesion ids would show.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ctscreen/phantom/phantom_set.h"
#include "process.h"

namespace ctscreen::pipeline {
namespace {

namespace fs = std::filesystem;

TEST(WriteResultsTest, LesionLungAndOverlayOutputsHoldExactlyTheTruthVoxels) {
  const fs::path root =
      fs::temp_directory_path() / ("ctscreen_write_results_" + std::to_string(::getpid()));
  fs::remove_all(root);
  phantom::PhantomSetOptions options;
  options.out_dir = (root / "phantom").string();
  options.seed = 4242;
  options.cases = 1;
  options.size = phantom::SizeMode::kSmall;
  options.mix = {{phantom::CaseClass::kCovid, 1.0}};
  ASSERT_TRUE(phantom::GeneratePhantomSet(options, [](int, int) {}).ok());
  const fs::path case_dir = root / "phantom" / "case_0000";
  std::ifstream truth_in(case_dir / "truth.json");
  const nlohmann::json truth = nlohmann::json::parse(truth_in);
  // Several lesions, or a swapped id could not show.
  ASSERT_GE(truth["lesions"].size(), 2u);

  const fs::path out = root / "out";
  auto run = ::ctscreen::testing::RunCommand(
      ::ctscreen::testing::BinaryDir() + "/src/app/ctscreen seg-from-truth " + case_dir.string() +
      " --out " + out.string() + " --lungs --overlay 2>&1");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  ASSERT_TRUE(fs::exists(out / "seg.dcm")) << run.output;
  ASSERT_TRUE(fs::exists(out / "sr.dcm")) << run.output;

  auto check =
      ::ctscreen::testing::RunCommand("/usr/bin/python3 " + ::ctscreen::testing::SourceDir() +
                                      "/tests/pipeline/check_written_results.py " +
                                      case_dir.string() + " " + out.string() + " 2>&1");
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("segments, "), std::string::npos) << check.output;
  fs::remove_all(root);
}

}  // namespace
}  // namespace ctscreen::pipeline
