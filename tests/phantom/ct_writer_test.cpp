#include "ctscreen/phantom/ct_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>

#include "ctscreen/phantom/case_generator.h"
#include "ctscreen/phantom/phantom_set.h"
#include "dicom_reader.h"

namespace ctscreen::phantom {
namespace {

namespace fs = std::filesystem;
using testing::DicomSlice;
using testing::Nrrd;

class CtWriterTest : public ::testing::TestWithParam<TransferSyntax> {
 protected:
  static void SetUpTestSuite() {
    // A thick-slice case keeps six encodings fast; feet-first and reversed order exercise the
    // geometry paths that head-first cases do not.
    c_ = new PhantomCase(GenerateCase(2024, 6, CaseClass::kCovid, SizeMode::kSmall));
    c_->spec.acquisition.with_scout = true;
    root_ = fs::temp_directory_path() / ("ctscreen-phantom-writer-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  static void TearDownTestSuite() {
    fs::remove_all(root_);
    delete c_;
  }
  static PhantomCase* c_;
  static fs::path root_;
};
PhantomCase* CtWriterTest::c_ = nullptr;
fs::path CtWriterTest::root_;

TEST_P(CtWriterTest, EveryTransferSyntaxDecodesToTheSameHuAndGeometry) {
  const PhantomCase& c = *c_;
  const Geometry& g = c.hu.geometry;
  const fs::path dir = root_ / TransferSyntaxName(GetParam());
  fs::create_directories(dir);
  auto written = WriteCtStudy(c, GetParam(), dir.string());
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  ASSERT_EQ(written->ct_files.size(), static_cast<std::size_t>(g.size[2]));
  const SeriesUids uids = UidsFor(c.spec);
  std::set<std::string> sops;
  for (std::size_t n = 0; n < written->ct_files.size(); ++n) {
    DicomSlice s;
    ASSERT_EQ(testing::ReadDicomSlice(written->ct_files[n], &s), "");
    EXPECT_EQ(s.transfer_syntax_uid, TransferSyntaxUid(GetParam()));
    EXPECT_EQ(s.series_uid, uids.series);
    EXPECT_EQ(s.study_uid, uids.study);
    EXPECT_EQ(s.frame_of_reference_uid, uids.frame_of_reference);
    EXPECT_TRUE(sops.insert(s.sop_instance_uid).second);
    EXPECT_EQ(s.instance_number, static_cast<int>(n) + 1);
    const int k = SliceOfInstance(c.spec, s.instance_number);
    const Vec3 expected = g.IndexToWorld(0, 0, k);
    for (int a = 0; a < 3; ++a) EXPECT_NEAR(s.position[a], expected[a], 1e-3);
    for (int a = 0; a < 3; ++a) {
      EXPECT_EQ(s.orientation[a], g.direction[0][a]);
      EXPECT_EQ(s.orientation[3 + a], g.direction[1][a]);
    }
    EXPECT_NEAR(s.pixel_spacing[0], g.spacing[1], 1e-5);
    EXPECT_NEAR(s.pixel_spacing[1], g.spacing[0], 1e-5);
    ASSERT_EQ(s.hu.size(), g.SliceVoxels());
    const std::int16_t* want = &c.hu.voxels[g.Offset(0, 0, k)];
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < s.hu.size(); ++i) mismatches += s.hu[i] != want[i];
    ASSERT_EQ(mismatches, 0u) << written->ct_files[n];
  }
  DicomSlice scout;
  ASSERT_EQ(testing::ReadDicomSlice(written->scout_file, &scout), "");
  EXPECT_EQ(scout.study_uid, uids.study);
  EXPECT_NE(scout.series_uid, uids.series);
}

INSTANTIATE_TEST_SUITE_P(AllTransferSyntaxes, CtWriterTest,
                         ::testing::ValuesIn(kAllTransferSyntaxes),
                         [](const auto& info) { return TransferSyntaxName(info.param); });

// dciodvfy prints "Error - ..." lines for IOD violations; warnings are allowed.
std::string DciodvfyErrors(const std::string& path) {
  std::string out;
  FILE* pipe = ::popen(("/usr/bin/dciodvfy '" + path + "' 2>&1").c_str(), "r");
  if (!pipe) return "could not run dciodvfy";
  char line[4096];
  while (std::fgets(line, sizeof(line), pipe)) {
    if (std::string(line).rfind("Error", 0) == 0) out += line;
  }
  ::pclose(pipe);
  return out;
}

TEST(DciodvfyTest, CtImagesAndScoutHaveNoErrors) {
  if (!fs::exists("/usr/bin/dciodvfy")) GTEST_SKIP() << "dicom3tools is not installed";
  const fs::path root =
      fs::temp_directory_path() / ("ctscreen-phantom-dciodvfy-" + std::to_string(::getpid()));
  fs::remove_all(root);
  // Several cases so signed/unsigned storage, padding and feet-first all get checked.
  for (int index = 0; index < 4; ++index) {
    PhantomCase c = GenerateCase(77, index, CaseClass::kNodule, SizeMode::kSmall);
    c.spec.acquisition.with_scout = true;
    const TransferSyntax ts = kAllTransferSyntaxes[index + 2];
    const fs::path dir = root / std::to_string(index);
    fs::create_directories(dir);
    auto written = WriteCtStudy(c, ts, dir.string());
    ASSERT_TRUE(written.ok()) << written.status().ToString();
    EXPECT_EQ(DciodvfyErrors(written->ct_files.front()), "") << TransferSyntaxName(ts);
    EXPECT_EQ(DciodvfyErrors(written->ct_files.back()), "") << TransferSyntaxName(ts);
    EXPECT_EQ(DciodvfyErrors(written->scout_file), "") << "scout";
  }
  fs::remove_all(root);
}

TEST(GeometryTest, MasksLineUpWithTheDicomImagesInWorldCoordinates) {
  // A head-first case and a feet-first one (rows run right to left there, so a mix-up of
  // axes shows), found from their plans without drawing voxels.
  std::vector<int> indices = {0};
  for (int index = 1; index < 200; ++index) {
    if (PlanCase(31, index, CaseClass::kCovid, SizeMode::kSmall).geometry.direction[0][0] < 0) {
      indices.push_back(index);
      break;
    }
  }
  ASSERT_EQ(indices.size(), 2u) << "no feet-first case among 200";
  for (int index : indices) {
    PhantomCase c = GenerateCase(31, index, CaseClass::kCovid, SizeMode::kSmall);
    c.spec.acquisition.reversed_instance_order = index != 0;
    const fs::path dir =
        fs::temp_directory_path() / ("ctscreen-phantom-geometry-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    auto files = WriteCase(c, dir.string(), TransferSyntax::kExplicitVrLittleEndian, false);
    ASSERT_TRUE(files.ok()) << files.status().ToString();
    Nrrd lesions;
    ASSERT_EQ(testing::ReadNrrd(files->lesions_nrrd, &lesions), "");
    EXPECT_EQ(lesions.fields["space"], "left-posterior-superior");
    EXPECT_EQ(lesions.voxels, c.lesions.voxels);

    // Index the DICOM slices by their z position.
    std::vector<DicomSlice> slices(files->series.ct_files.size());
    for (std::size_t n = 0; n < slices.size(); ++n) {
      ASSERT_EQ(testing::ReadDicomSlice(files->series.ct_files[n], &slices[n]), "");
    }
    std::size_t checked = 0, dense = 0;
    const auto& sz = lesions.sizes;
    for (int k = 0; k < sz[2]; ++k) {
      for (int j = 0; j < sz[1]; ++j) {
        for (int i = 0; i < sz[0]; ++i) {
          std::size_t off = (static_cast<std::size_t>(k) * sz[1] + j) * sz[0] + i;
          if (!lesions.voxels[off] || off % 7 != 0) continue;
          // World position from the NRRD header alone.
          double p[3];
          for (int a = 0; a < 3; ++a) {
            p[a] = lesions.origin[a] + i * lesions.directions[0][a] + j * lesions.directions[1][a] +
                   k * lesions.directions[2][a];
          }
          // The DICOM pixel at that position, from IPP/IOP/PixelSpacing alone.
          const DicomSlice* hit = nullptr;
          for (const DicomSlice& s : slices) {
            if (std::fabs(s.position[2] - p[2]) < 1e-3) hit = &s;
          }
          ASSERT_NE(hit, nullptr) << "no slice at z=" << p[2];
          double d[3] = {p[0] - hit->position[0], p[1] - hit->position[1], p[2] - hit->position[2]};
          double col = (d[0] * hit->orientation[0] + d[1] * hit->orientation[1] +
                        d[2] * hit->orientation[2]) /
                       hit->pixel_spacing[1];
          double row = (d[0] * hit->orientation[3] + d[1] * hit->orientation[4] +
                        d[2] * hit->orientation[5]) /
                       hit->pixel_spacing[0];
          int ci = static_cast<int>(std::lround(col)), ri = static_cast<int>(std::lround(row));
          ASSERT_NEAR(col, ci, 1e-3);
          ASSERT_NEAR(row, ri, 1e-3);
          int value = hit->hu[static_cast<std::size_t>(ri) * hit->columns + ci];
          EXPECT_EQ(value, c.hu.at(i, j, k));
          dense += value > -800;
          ++checked;
        }
      }
    }
    ASSERT_GT(checked, 10u);
    // Lesion voxels are denser than aerated lung in the DICOM images themselves.
    EXPECT_GT(dense, checked * 6 / 10);
    fs::remove_all(dir);
  }
}

}  // namespace
}  // namespace ctscreen::phantom
