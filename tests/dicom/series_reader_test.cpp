#include "ctscreen/dicom/series_reader.h"

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>

#include "analytic_series.h"
#include "ct_series_writer.h"
#include "ctscreen/imaging/components.h"
#include "ctscreen/imaging/preprocess.h"
#include "ctscreen/imaging/source_grid.h"
#include "ctscreen/imaging/window.h"

namespace ctscreen::dicom {
namespace {

namespace fs = std::filesystem;
using phantom::TransferSyntax;
using testing::AnalyticSpec;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::WriteAnalyticSeries;

constexpr double kPi = 3.14159265358979323846;

class SeriesReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ctscreen_series_reader_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Dir(const std::string& name) const { return (dir_ / name).string(); }

  static core::Result<imaging::CtVolume> Read(const std::vector<std::string>& files) {
    // Two decoding threads even on one core, so the threaded path is what the tests cover.
    SeriesReadOptions options;
    options.threads = 2;
    return SeriesReader(options).Read(files);
  }
  static std::vector<std::int16_t> Voxels(const imaging::CtVolume& v) {
    const std::int16_t* p = v.image->GetBufferPointer();
    return std::vector<std::int16_t>(p, p + v.geometry().VoxelCount());
  }

  fs::path dir_;
};

double Distance(const imaging::Vec3& a, const imaging::Vec3& b) {
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                   (a[2] - b[2]) * (a[2] - b[2]));
}

TEST_F(SeriesReaderTest, HuGeometryAndSliceReferencesAreExact) {
  AnalyticSpec spec;
  auto files = WriteAnalyticSeries(spec, Dir("a"));
  auto ct = Read(files);
  ASSERT_TRUE(ct.ok()) << ct.status().ToString();
  const imaging::GeometryInfo g = ct->geometry();
  EXPECT_EQ(g.size, (std::array<int, 3>{96, 96, 40}));
  EXPECT_NEAR(g.spacing[0], 0.8, 1e-9);
  EXPECT_NEAR(g.spacing[2], 1.25, 1e-6);
  ASSERT_EQ(ct->slices.size(), 40u);
  for (int k = 0; k < 40; ++k) {
    // Slice k's own instance sits exactly where the grid puts slice k.
    EXPECT_LT(Distance(ct->slices[k].position, g.IndexToWorld(0, 0, k)), 1e-4);
    EXPECT_EQ(ct->slices[k].sop_instance_uid,
              ::ctscreen::testing::SopInstanceUidOf(ct->slices[k].file));
  }
  const std::int16_t* hu = ct->image->GetBufferPointer();
  std::size_t n = 0;
  for (int k = 0; k < 40; ++k)
    for (int j = 0; j < 96; ++j)
      for (int i = 0; i < 96; ++i, ++n)
        ASSERT_EQ(hu[n], testing::AnalyticHu(spec, g.IndexToWorld(i, j, k))) << i << "," << j;
}

TEST_F(SeriesReaderTest, ShuffledReversedAndFeetFirstGiveTheSameVolume) {
  AnalyticSpec spec;
  auto files = WriteAnalyticSeries(spec, Dir("normal"));
  auto normal = Read(files);
  ASSERT_TRUE(normal.ok());

  std::shuffle(files.begin(), files.end(), std::mt19937(3));
  auto shuffled = Read(files);
  ASSERT_TRUE(shuffled.ok());
  EXPECT_EQ(Voxels(*shuffled), Voxels(*normal));
  for (std::size_t k = 0; k < normal->slices.size(); ++k) {
    EXPECT_EQ(shuffled->slices[k].sop_instance_uid, normal->slices[k].sop_instance_uid);
  }

  spec.reversed_instance_order = true;
  auto reversed = Read(WriteAnalyticSeries(spec, Dir("reversed")));
  ASSERT_TRUE(reversed.ok());
  EXPECT_EQ(Voxels(*reversed), Voxels(*normal));

  // Feet first: other orientation, so compare in the patient's space, voxel by voxel.
  spec.reversed_instance_order = false;
  spec.feet_first = true;
  auto feet = Read(WriteAnalyticSeries(spec, Dir("feet_first")));
  ASSERT_TRUE(feet.ok());
  const imaging::GeometryInfo gf = feet->geometry(), gn = normal->geometry();
  EXPECT_DOUBLE_EQ(gf.direction[0][0], -1);
  int mismatches = 0;
  for (int k = 0; k < gf.size[2]; ++k) {
    for (int j = 0; j < gf.size[1]; ++j) {
      for (int i = 0; i < gf.size[0]; ++i) {
        const imaging::Vec3 idx = gn.WorldToIndex(gf.IndexToWorld(i, j, k));
        const int ni = std::lround(idx[0]), nj = std::lround(idx[1]), nk = std::lround(idx[2]);
        ASSERT_NEAR(idx[0], ni, 1e-4);
        ASSERT_NEAR(idx[2], nk, 1e-4);
        mismatches += feet->image->GetPixel({{i, j, k}}) != normal->image->GetPixel({{ni, nj, nk}});
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
  // And the models see the same input whatever the patient position.
  auto lungs_n = imaging::NewLabelImage(gn, 1), lungs_f = imaging::NewLabelImage(gf, 1);
  auto pn = imaging::Preprocess(*normal, *lungs_n, imaging::PaperPreprocessSpec());
  auto pf = imaging::Preprocess(*feet, *lungs_f, imaging::PaperPreprocessSpec());
  ASSERT_TRUE(pn.ok() && pf.ok());
  ASSERT_EQ(pn->lesion.voxels.size(), pf->lesion.voxels.size());
  for (std::size_t v = 0; v < pn->lesion.voxels.size(); ++v) {
    ASSERT_NEAR(pn->lesion.voxels[v], pf->lesion.voxels[v], 1e-5) << v;
  }
}

TEST_F(SeriesReaderTest, EveryTransferSyntaxDecodesToTheSameHu) {
  AnalyticSpec spec;
  spec.size = 64;
  spec.slices = 24;
  auto reference = Read(WriteAnalyticSeries(spec, Dir("explicit")));
  ASSERT_TRUE(reference.ok()) << reference.status().ToString();
  for (TransferSyntax ts : phantom::kAllTransferSyntaxes) {
    spec.transfer_syntax = ts;
    auto files = WriteAnalyticSeries(spec, Dir(phantom::TransferSyntaxName(ts)));
    auto header = ReadSliceHeader(files[0]);
    ASSERT_TRUE(header.ok());
    EXPECT_EQ(header->transfer_syntax_uid, phantom::TransferSyntaxUid(ts));
    auto ct = Read(files);
    ASSERT_TRUE(ct.ok()) << phantom::TransferSyntaxName(ts) << ": " << ct.status().ToString();
    EXPECT_EQ(Voxels(*ct), Voxels(*reference)) << phantom::TransferSyntaxName(ts);
  }
}

TEST_F(SeriesReaderTest, SignedUnsignedInterceptsAndPaddingGiveTheSameHu) {
  AnalyticSpec spec;
  spec.size = 64;
  spec.slices = 24;
  auto reference = Read(WriteAnalyticSeries(spec, Dir("ref")));
  ASSERT_TRUE(reference.ok());
  struct Variant {
    bool is_signed;
    double intercept;
    int bits;
    bool fov;
    int padding;
    TransferSyntax ts;
  };
  const Variant variants[] = {
      {false, -1024, 12, false, 0, TransferSyntax::kExplicitVrLittleEndian},
      {true, 0, 12, true, -2000, TransferSyntax::kImplicitVrLittleEndian},
      {true, 0, 16, true, -2000, TransferSyntax::kJpegLsLossless},
      {false, -3024, 16, true, -3024, TransferSyntax::kRleLossless},
      {false, -3024, 16, true, -3024, TransferSyntax::kJpeg2000Lossless},
  };
  int n = 0;
  for (const Variant& v : variants) {
    spec.signed_pixels = v.is_signed;
    spec.rescale_intercept = v.intercept;
    spec.bits_stored = v.bits;
    spec.circular_fov = v.fov;
    spec.padding_hu = v.padding;
    spec.transfer_syntax = v.ts;
    auto ct = Read(WriteAnalyticSeries(spec, Dir("v" + std::to_string(n++))));
    ASSERT_TRUE(ct.ok()) << n << ": " << ct.status().ToString();
    auto got = Voxels(*ct), want = Voxels(*reference);
    const imaging::GeometryInfo g = ct->geometry();
    const double half = spec.size * spec.pixel_mm / 2;
    std::size_t i = 0, wrong = 0;
    for (int k = 0; k < g.size[2]; ++k)
      for (int y = 0; y < g.size[1]; ++y)
        for (int x = 0; x < g.size[0]; ++x, ++i) {
          const auto p = g.IndexToWorld(x, y, k);
          // Padding outside the reconstruction circle reads as air, not as -2000 or -3024.
          const bool pad = v.fov && std::hypot(p[0], p[1]) > 0.95 * half;
          wrong += got[i] != (pad ? imaging::kAirHu : want[i]);
        }
    EXPECT_EQ(wrong, 0u) << "variant " << n;
  }
}

TEST_F(SeriesReaderTest, RescaleIsAppliedPerSlice) {
  AnalyticSpec spec;
  spec.size = 32;
  spec.slices = 24;
  auto files = WriteAnalyticSeries(spec, Dir("a"));
  auto reference = Read(files);
  ASSERT_TRUE(reference.ok());
  // Same HU stored two other ways: slope 0.5 with doubled values, intercept -1000 with values
  // 24 lower.
  auto rewrite = [&](int which, const char* slope, const char* intercept, int factor, int offset) {
    const std::string path = Dir("slice" + std::to_string(which) + ".dcm");
    ::ctscreen::testing::EditDataSet(files[which], path, [&](DcmDataset& ds) {
      const Uint16* pixels = nullptr;
      unsigned long count = 0;
      ASSERT_TRUE(ds.findAndGetUint16Array(DCM_PixelData, pixels, &count).good());
      std::vector<Uint16> stored(pixels, pixels + count);
      for (Uint16& v : stored) {
        v = static_cast<Uint16>(static_cast<Sint16>(v) * factor + offset);
      }
      ds.putAndInsertUint16Array(DCM_PixelData, stored.data(), count);
      ds.putAndInsertString(DCM_RescaleSlope, slope);
      ds.putAndInsertString(DCM_RescaleIntercept, intercept);
    });
    files[which] = path;
  };
  rewrite(3, "0.5", "-1024", 2, 0);
  rewrite(9, "1", "-1000", 1, -24);
  auto ct = Read(files);
  ASSERT_TRUE(ct.ok()) << ct.status().ToString();
  EXPECT_EQ(Voxels(*ct), Voxels(*reference));
}

TEST_F(SeriesReaderTest, SphereSurvivesReadResampleAndBackMapping) {
  AnalyticSpec spec;
  spec.size = 128;
  spec.slices = 48;
  spec.pixel_mm = 0.7;
  spec.slice_mm = 1.0;
  spec.radius_mm = 15;
  spec.centre = {-7.3, 4.6, -61.2};
  spec.transfer_syntax = TransferSyntax::kJpegLsLossless;
  auto ct = Read(WriteAnalyticSeries(spec, Dir("sphere")));
  ASSERT_TRUE(ct.ok()) << ct.status().ToString();
  const imaging::GeometryInfo g = ct->geometry();
  auto lungs = imaging::NewLabelImage(g, 1);
  auto pre = imaging::Preprocess(*ct, *lungs, imaging::PaperPreprocessSpec());
  ASSERT_TRUE(pre.ok());
  const imaging::ModelInput& in = pre->lesion;
  // Halfway between the water background (about -950 HU) and the sphere.
  const float half = imaging::ApplyWindow(-425.0f, in.window);
  std::vector<std::uint8_t> labels(in.voxels.size());
  for (std::size_t n = 0; n < labels.size(); ++n) labels[n] = in.voxels[n] >= half;
  auto mask = imaging::ToSourceGrid(labels, in.geometry, g, pre->source_crop);
  ASSERT_TRUE(mask.ok());
  auto comps = imaging::MeasureComponents(**mask);
  ASSERT_TRUE(comps.ok());
  ASSERT_EQ(comps->size(), 1u);
  const double truth_ml = 4.0 / 3.0 * kPi * std::pow(spec.radius_mm, 3) / 1000;
  EXPECT_LT(Distance(comps->front().centroid_mm, spec.centre), 0.5);
  EXPECT_NEAR(comps->front().volume_ml, truth_ml, 0.02 * truth_ml);
  // Each mask slice belongs to the instance at that position.
  const auto& box = comps->front().box;
  for (int k = box.begin[2]; k < box.begin[2] + box.size[2]; ++k) {
    const std::uint8_t* slice = imaging::MaskSlice(**mask, k);
    EXPECT_TRUE(std::any_of(slice, slice + 128 * 128, [](std::uint8_t v) { return v != 0; }));
    EXPECT_LT(std::abs(ct->slices[k].position[2] - g.IndexToWorld(0, 0, k)[2]), 1e-4);
  }
}

TEST_F(SeriesReaderTest, GeometryDefectsInFilesAreRejectedWithTheirReason) {
  AnalyticSpec spec;
  spec.size = 32;
  spec.slices = 30;
  auto files = WriteAnalyticSeries(spec, Dir("good"));
  ASSERT_TRUE(Read(files).ok());
  auto reason = [&](const std::vector<std::string>& f) {
    auto ct = Read(f);
    EXPECT_FALSE(ct.ok());
    EXPECT_EQ(ct.status().code(), core::ErrorCode::kGeometry);
    return ct.status().reason();
  };
  auto edited = [&](const std::string& name, int which,
                    const std::function<void(DcmDataset&)>& edit) {
    std::vector<std::string> out = files;
    const std::string path = Dir(name + ".dcm");
    ::ctscreen::testing::EditDataSet(files[which], path, edit);
    out[which] = path;
    return out;
  };
  std::vector<std::string> gap = files;
  gap.erase(gap.begin() + 12, gap.begin() + 14);
  EXPECT_THAT(reason(gap), StartsWith(imaging::kMissingSlices));
  EXPECT_THAT(reason({files.begin(), files.begin() + 10}), StartsWith(imaging::kTooFewSlices));
  EXPECT_THAT(reason(edited("orient", 5,
                            [](DcmDataset& ds) {
                              ds.putAndInsertString(DCM_ImageOrientationPatient,
                                                    "1\\0\\0\\0\\0\\-1");
                            })),
              StartsWith(imaging::kMixedOrientation));
  EXPECT_THAT(
      reason(edited("spacing", 5,
                    [](DcmDataset& ds) { ds.putAndInsertString(DCM_PixelSpacing, "0.9\\0.9"); })),
      StartsWith(imaging::kMixedSliceSize));
  std::vector<std::string> dup = files;
  const std::string copy = Dir("dup.dcm");
  ::ctscreen::testing::EditDataSet(files[7], copy, [](DcmDataset& ds) {
    ds.putAndInsertString(DCM_SOPInstanceUID, ::ctscreen::testing::NewTestUid().c_str());
  });
  dup.push_back(copy);
  EXPECT_THAT(reason(dup), StartsWith(imaging::kDuplicatePositions));
  // Gantry tilt: every slice shifted in y in proportion to its z.
  std::vector<std::string> tilted;
  for (std::size_t n = 0; n < files.size(); ++n) {
    const std::string path = Dir("tilt" + std::to_string(n) + ".dcm");
    ::ctscreen::testing::EditDataSet(files[n], path, [](DcmDataset& ds) {
      double p[3];
      for (int c = 0; c < 3; ++c) ds.findAndGetFloat64(DCM_ImagePositionPatient, p[c], c);
      char buf[128];
      std::snprintf(buf, sizeof(buf), "%.4f\\%.4f\\%.4f", p[0], p[1] + 0.3 * (p[2] + 100), p[2]);
      ds.putAndInsertString(DCM_ImagePositionPatient, buf);
    });
    tilted.push_back(path);
  }
  EXPECT_THAT(reason(tilted), AllOf(StartsWith(imaging::kGantryTilt), HasSubstr("16.7 degrees")));
}

TEST_F(SeriesReaderTest, MultiFrameAndMixedSeriesAreRefused) {
  AnalyticSpec spec;
  spec.size = 32;
  spec.slices = 24;
  auto files = WriteAnalyticSeries(spec, Dir("a"));
  const std::string multi = Dir("multi.dcm");
  ::ctscreen::testing::EditDataSet(
      files[3], multi, [](DcmDataset& ds) { ds.putAndInsertString(DCM_NumberOfFrames, "2"); });
  auto f = files;
  f[3] = multi;
  auto ct = Read(f);
  EXPECT_EQ(ct.status().code(), core::ErrorCode::kUnsupportedImage);
  EXPECT_THAT(ct.status().reason(), HasSubstr("multi-frame"));

  spec.seed = 2;
  auto other = WriteAnalyticSeries(spec, Dir("b"));
  f = files;
  f[0] = other[0];
  EXPECT_EQ(Read(f).status().code(), core::ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ctscreen::dicom
