#include "ctscreen/dicom/sr_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "ctscreen/dicom/seg_writer.h"
#include "result_fixture.h"

namespace ctscreen::dicom {
namespace {

namespace fs = std::filesystem;
using testing::CovidPhantom;
using ::testing::HasSubstr;
using testing::PhantomResult;
using testing::TestAlgorithm;

class SrWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(CovidPhantom().source.slices.empty());
    dir_ = CovidPhantom().dir /
           ("sr_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::create_directories(dir_);
  }

  // Writes the SR, checks dciodvfy and check_sr.py; returns the path.
  std::string WriteAndCheck(const SrInput& input, const std::string& verdict_meaning,
                            std::size_t lesion_groups) {
    const PhantomResult& p = CovidPhantom();
    const std::string path = (dir_ / "sr.dcm").string();
    auto written = SrWriter(TestAlgorithm(), SrOptions()).Write(p.source, input, path);
    EXPECT_TRUE(written.ok()) << written.status().ToString();
    if (!written.ok()) return path;
    const testing::Validation v = testing::Dciodvfy(path);
    for (const std::string& w : v.warnings) std::printf("dciodvfy %s\n", w.c_str());
    EXPECT_TRUE(v.errors.empty()) << ::testing::PrintToString(v.errors);
    std::string output;
    const int rc = testing::RunCommand(
        "/usr/bin/python3 '" + testing::TestSourceDir() + "/check_sr.py' '" + path + "' '" +
            verdict_meaning + "' " + std::to_string(lesion_groups) + " " +
            (input.seg ? input.seg->sop_instance_uid : std::string("none")) + " " +
            std::to_string(p.source.slices.size()),
        &output);
    EXPECT_EQ(rc, 0) << output;
    std::printf("check_sr.py: %s", output.c_str());
    return path;
  }

  fs::path dir_;
};

TEST_F(SrWriterTest, PositiveCaseReferencesEverySegmentAndListsAllEvidence) {
  const PhantomResult& p = CovidPhantom();
  auto seg = SegWriter(TestAlgorithm(), SegOptions())
                 .Write(p.source, testing::LesionSegments(p, true), (dir_ / "seg.dcm").string());
  ASSERT_TRUE(seg.ok()) << seg.status().ToString();
  SrInput input;
  input.verdict = SrVerdict::kCovid19Likely;
  input.probability = 0.93;
  input.threshold = 0.5;
  input.lung_volume_ml = p.lung_volume_ml;
  input.seg = SegReference{seg->sop_instance_uid, seg->series_uid};
  for (std::size_t n = 0; n < p.truth.size(); ++n) {
    SrLesion lesion;
    lesion.id = p.truth[n].id;
    lesion.covid_like = p.truth[n].covid_like;
    lesion.probability = lesion.covid_like ? 0.9 : 0.2;
    lesion.volume_ml = p.truth[n].volume_ml;
    lesion.segment_number = seg->segment_numbers[n];
    input.lesions.push_back(lesion);
  }
  WriteAndCheck(input, "COVID-19 pneumonia likely", p.truth.size());
}

TEST_F(SrWriterTest, NegativeCaseSaysSoWithoutAnySegReference) {
  SrInput input;
  input.verdict = SrVerdict::kNoLesion;
  input.probability = 0.02;
  input.lung_volume_ml = CovidPhantom().lung_volume_ml;
  WriteAndCheck(input, "No lung lesion found", 0);
}

TEST_F(SrWriterTest, UnlikelyCaseWithLesionsButNoSegStillMeasuresThem) {
  SrInput input;
  input.verdict = SrVerdict::kCovid19Unlikely;
  input.probability = 0.1;
  SrLesion lesion;
  lesion.id = 1;
  lesion.volume_ml = 4.2;
  input.lesions.push_back(lesion);
  WriteAndCheck(input, "COVID-19 pneumonia unlikely", 1);
}

TEST_F(SrWriterTest, NotAssessableCaseGivesItsReason) {
  SrInput input;
  input.verdict = SrVerdict::kNotAssessable;
  input.reason = "geometry: missing_slices";
  WriteAndCheck(input, "Not assessable", 0);
}

TEST_F(SrWriterTest, RefusesSegmentNumbersWithoutASeg) {
  SrInput input;
  input.verdict = SrVerdict::kCovid19Likely;
  SrLesion lesion;
  lesion.id = 1;
  lesion.segment_number = 1;
  input.lesions.push_back(lesion);
  auto written = SrWriter(TestAlgorithm(), SrOptions())
                     .Write(CovidPhantom().source, input, (dir_ / "sr.dcm").string());
  ASSERT_FALSE(written.ok());
  EXPECT_THAT(written.status().reason(), HasSubstr("no SEG instance"));
}

TEST(SrVerdictName, MatchesResultJson) {
  EXPECT_STREQ(SrVerdictName(SrVerdict::kCovid19Likely), "covid19_likely");
  EXPECT_STREQ(SrVerdictName(SrVerdict::kCovid19Unlikely), "covid19_unlikely");
  EXPECT_STREQ(SrVerdictName(SrVerdict::kNoLesion), "no_lesion");
  EXPECT_STREQ(SrVerdictName(SrVerdict::kNotAssessable), "not_assessable");
}

}  // namespace
}  // namespace ctscreen::dicom
