#include "ctscreen/dicom/sc_writer.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "result_fixture.h"

namespace ctscreen::dicom {
namespace {

namespace fs = std::filesystem;
using testing::CovidPhantom;
using ::testing::HasSubstr;
using testing::PhantomResult;

TEST(ScWriterTest, OneLabelledOverlayPerLesionSliceReferencingItsCtInstance) {
  const PhantomResult& p = CovidPhantom();
  ASSERT_FALSE(p.hu.empty());
  ScInput input;
  input.hu = p.hu;
  input.covid_like.resize(p.lesions.size());
  input.other.resize(p.lesions.size());
  std::set<std::size_t> lesion_slices;
  const std::size_t slice_voxels = static_cast<std::size_t>(p.source.rows) * p.source.columns;
  for (std::size_t v = 0; v < p.lesions.size(); ++v) {
    if (p.lesions[v] == 0) continue;
    bool covid = false;
    for (const auto& t : p.truth) covid = covid || (t.id == p.lesions[v] && t.covid_like);
    (covid ? input.covid_like : input.other)[v] = 1;
    lesion_slices.insert(v / slice_voxels);
  }
  const fs::path dir = p.dir / "sc";
  fs::create_directories(dir);
  auto written = ScWriter(testing::TestAlgorithm(), ScOptions()).Write(p.source, input, dir);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  ASSERT_EQ(written->size(), lesion_slices.size());

  const WrittenSc& first = written->front();
  const testing::Validation v = testing::Dciodvfy(first.path);
  for (const std::string& w : v.warnings) std::printf("dciodvfy %s\n", w.c_str());
  EXPECT_TRUE(v.errors.empty()) << ::testing::PrintToString(v.errors);

  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(first.path.c_str()).good());
  DcmDataset* ds = file.getDataset();
  OFString value;
  ds->findAndGetOFString(DCM_BurnedInAnnotation, value);
  EXPECT_EQ(value, "YES");
  ds->findAndGetOFString(DCM_StudyInstanceUID, value);
  EXPECT_EQ(std::string(value.c_str()), p.source.study_uid);
  ds->findAndGetOFString(DCM_ImageComments, value);
  EXPECT_THAT(value.c_str(), HasSubstr("AI result of phantom-truth 1.0.0"));
  ds->findAndGetOFString(DCM_ReferencedSOPInstanceUID, value, 0, OFTrue);
  EXPECT_EQ(std::string(value.c_str()), p.source.slices[first.slice].sop_instance_uid);
  const Uint8* pixels = nullptr;
  unsigned long length = 0;
  ASSERT_TRUE(ds->findAndGetUint8Array(DCM_PixelData, pixels, &length).good());
  ASSERT_EQ(length, 3 * slice_voxels);
  std::size_t coloured = 0;
  for (std::size_t i = 0; i < slice_voxels; ++i) {
    coloured += pixels[3 * i] != pixels[3 * i + 2];  // grey has R == B
  }
  EXPECT_GT(coloured, 0u) << "no outline or label drawn";
}

TEST(ScWriterTest, NothingForACaseWithoutLesionsAndRefusesForeignGrids) {
  const PhantomResult& p = CovidPhantom();
  ScInput input;
  input.hu = p.hu;
  input.covid_like.assign(p.hu.size(), 0);
  const fs::path dir = p.dir / "sc_none";
  fs::create_directories(dir);
  auto none = ScWriter(testing::TestAlgorithm(), ScOptions()).Write(p.source, input, dir);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
  input.hu.pop_back();
  auto bad = ScWriter(testing::TestAlgorithm(), ScOptions()).Write(p.source, input, dir);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().reason(), HasSubstr("source grid"));
}

}  // namespace
}  // namespace ctscreen::dicom
