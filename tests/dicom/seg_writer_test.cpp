#include "ctscreen/dicom/seg_writer.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "result_fixture.h"

namespace ctscreen::dicom {
namespace {

namespace fs = std::filesystem;
using testing::CovidPhantom;
using ::testing::HasSubstr;
using testing::LesionSegments;
using testing::PhantomResult;
using testing::RunCommand;
using testing::TestAlgorithm;

std::string Tag(const std::string& file, const DcmTagKey& tag) {
  DcmFileFormat f;
  OFString value;
  if (f.loadFile(file.c_str(), EXS_Unknown, EGL_noChange, 4096).good()) {
    f.getDataset()->findAndGetOFStringArray(tag, value);
  }
  return value.c_str();
}

// What check_seg.py compares the SEG with: the grid, slice UIDs in the reader's order, and one
// raw mask per segment number.
void WriteExpected(const PhantomResult& p, const std::vector<SegmentInput>& segments,
                   const fs::path& dir) {
  fs::create_directories(dir);
  std::ofstream json(dir / "source.json");
  const SourceSeries& s = p.source;
  json.precision(10);
  json << "{\"rows\": " << s.rows << ", \"columns\": " << s.columns << ", \"study_uid\": \""
       << s.study_uid << "\", \"series_uid\": \"" << s.series_uid
       << "\", \"frame_of_reference_uid\": \"" << s.frame_of_reference_uid
       << "\", \"patientname\": \"" << Tag(s.reference_file, DCM_PatientName)
       << "\", \"patientid\": \"" << Tag(s.reference_file, DCM_PatientID)
       << "\", \"orientation\": [";
  for (int c = 0; c < 6; ++c) json << (c ? ", " : "") << s.orientation[c];
  json << "], \"labels\": [";
  for (std::size_t n = 0; n < segments.size(); ++n) {
    json << (n ? ", " : "") << "\"" << segments[n].label << "\"";
  }
  json << "], \"slices\": [";
  for (std::size_t k = 0; k < s.slices.size(); ++k) {
    const auto& pos = s.slices[k].position;
    json << (k ? ", " : "") << "{\"uid\": \"" << s.slices[k].sop_instance_uid
         << "\", \"position\": [" << pos[0] << ", " << pos[1] << ", " << pos[2] << "]}";
  }
  json << "]}\n";
  for (std::size_t n = 0; n < segments.size(); ++n) {
    const SegmentMask& mask = segments[n].mask;
    std::vector<std::uint8_t> bytes(mask.size());
    mask.CopyTo(0, bytes.size(), bytes.data());
    testing::WriteBytes(dir / ("segment_" + std::to_string(n + 1) + ".raw"), bytes);
  }
}

class SegWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(CovidPhantom().source.slices.empty());
    ASSERT_FALSE(CovidPhantom().truth.empty());
    dir_ = CovidPhantom().dir / ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::create_directories(dir_);
  }
  fs::path dir_;
};

void ExpectValid(const std::string& path) {
  const testing::Validation v = testing::Dciodvfy(path);
  for (const std::string& w : v.warnings) std::printf("dciodvfy %s\n", w.c_str());
  EXPECT_TRUE(v.errors.empty()) << ::testing::PrintToString(v.errors);
}

void ExpectPydicomReadsMasks(const std::string& seg, const fs::path& expected, bool empty_frames) {
  std::string output;
  const int rc =
      RunCommand("/usr/bin/python3 '" + testing::TestSourceDir() + "/check_seg.py' '" + seg +
                     "' '" + expected.string() + "'" + (empty_frames ? " --empty-frames" : ""),
                 &output);
  EXPECT_EQ(rc, 0) << output;
  std::printf("check_seg.py: %s", output.c_str());
}

TEST_F(SegWriterTest, LesionsAndLungsOnTheSourceGridPassDciodvfyAndReadBackVoxelForVoxel) {
  const PhantomResult& p = CovidPhantom();
  const std::vector<SegmentInput> segments = LesionSegments(p, /*with_lungs=*/true);
  const std::string path = (dir_ / "seg.dcm").string();
  auto written = SegWriter(TestAlgorithm(), SegOptions()).Write(p.source, segments, path);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(written->segment_numbers.size(), segments.size());
  EXPECT_GT(written->frames, 0);
  EXPECT_EQ(Tag(path, DCM_StudyInstanceUID), p.source.study_uid);
  EXPECT_EQ(Tag(path, DCM_SeriesInstanceUID), written->series_uid);
  EXPECT_EQ(Tag(path, DCM_SOPInstanceUID), written->sop_instance_uid);
  EXPECT_EQ(Tag(path, DCM_SeriesDescription), "ctscreen AI lesions (screening aid)");
  EXPECT_THAT(Tag(path, DCM_ContentCreatorName), HasSubstr("phantom-truth 1.0.0"));
  ExpectValid(path);
  WriteExpected(p, segments, dir_ / "expected");
  ExpectPydicomReadsMasks(path, dir_ / "expected", false);
}

TEST_F(SegWriterTest, FeetFirstCaseReadsBackVoxelForVoxel) {
  const PhantomResult& p = testing::FeetFirstPhantom();
  ASSERT_FALSE(p.truth.empty());
  ASSERT_LT(p.source.orientation[0], 0) << "seed 5 case 0 should be feet first";
  const std::vector<SegmentInput> segments = LesionSegments(p, /*with_lungs=*/false);
  const std::string path = (dir_ / "seg.dcm").string();
  auto written = SegWriter(TestAlgorithm(), SegOptions()).Write(p.source, segments, path);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  ExpectValid(path);
  WriteExpected(p, segments, dir_ / "expected");
  ExpectPydicomReadsMasks(path, dir_ / "expected", false);
}

TEST_F(SegWriterTest, EmptyFramesOnlyWhenAskedFor) {
  const PhantomResult& p = CovidPhantom();
  std::vector<SegmentInput> segments = LesionSegments(p, false);
  segments.resize(1);
  SegOptions options;
  options.include_empty_frames = true;
  const std::string path = (dir_ / "seg.dcm").string();
  auto written = SegWriter(TestAlgorithm(), options).Write(p.source, segments, path);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(written->frames, static_cast<int>(p.source.slices.size()));
  ExpectValid(path);
  WriteExpected(p, segments, dir_ / "expected");
  ExpectPydicomReadsMasks(path, dir_ / "expected", true);
}

TEST_F(SegWriterTest, RefusesEmptySegmentsMissingSegmentsAndForeignGrids) {
  const PhantomResult& p = CovidPhantom();
  const std::string path = (dir_ / "seg.dcm").string();
  const SegWriter writer(TestAlgorithm(), SegOptions());

  auto none = writer.Write(p.source, {}, path);
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.status().reason(), HasSubstr("no segment"));

  std::vector<SegmentInput> segments = LesionSegments(p, false);
  SegmentInput empty;
  empty.label = "Nothing";
  const std::vector<std::uint8_t> nothing(p.lesions.size(), 0);
  empty.mask = SegmentMask(nothing);
  segments.push_back(empty);
  auto with_empty = writer.Write(p.source, segments, path);
  ASSERT_FALSE(with_empty.ok());
  EXPECT_EQ(with_empty.status().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_THAT(with_empty.status().reason(), HasSubstr("'Nothing' is empty"));

  segments.pop_back();
  const std::vector<std::uint8_t> one_short(p.lesions.begin(), p.lesions.end() - 1);
  segments[0].mask = SegmentMask(one_short, 1);
  auto short_mask = writer.Write(p.source, segments, path);
  ASSERT_FALSE(short_mask.ok());
  EXPECT_THAT(short_mask.status().reason(), HasSubstr("source grid"));
  EXPECT_FALSE(fs::exists(path));
}

// Where npm can install packages for the test (kept between runs).
fs::path NodeDir() {
  const char* env = std::getenv("CTSCREEN_BINARY_DIR");
  return fs::path(env != nullptr ? env : CTSCREEN_BINARY_DIR_DEFAULT) / "tests" / "node";
}

TEST_F(SegWriterTest, DcmjsMapsEveryFrameToACtSliceOfTheStudy) {
  std::string output;
  if (RunCommand("node --version", &output) != 0) GTEST_SKIP() << "node is not installed";
  const fs::path node_dir = NodeDir();
  if (!fs::exists(node_dir / "node_modules" / "dcmjs" / "package.json")) {
    fs::create_directories(node_dir);
    const int rc = RunCommand(
        "npm install --no-audit --no-fund --prefix '" + node_dir.string() + "' dcmjs", &output);
    if (rc != 0) {
      std::string ping;
      if (RunCommand("npm ping", &ping) != 0) {
        GTEST_SKIP() << "npm cannot reach its registry, so dcmjs cannot be installed: " << ping;
      }
      FAIL() << "npm install dcmjs failed although the registry answers: " << output;
    }
  }
  const PhantomResult& p = CovidPhantom();
  const std::string path = (dir_ / "seg.dcm").string();
  auto written =
      SegWriter(TestAlgorithm(), SegOptions()).Write(p.source, LesionSegments(p, true), path);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  const int rc = RunCommand("NODE_PATH='" + (node_dir / "node_modules").string() + "' node '" +
                                testing::TestSourceDir() + "/check_seg_dcmjs.js' '" + path + "' '" +
                                p.ct_dir.string() + "'",
                            &output);
  EXPECT_EQ(rc, 0) << output;
  std::printf("check_seg_dcmjs.js: %s", output.c_str());
}

}  // namespace
}  // namespace ctscreen::dicom
