#include "ctscreen/phantom/phantom_set.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "ctscreen/phantom/case_generator.h"
#include "ctscreen/phantom/uid.h"
#include "dicom_reader.h"

namespace ctscreen::phantom {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(ParseMixTest, AcceptsClassesAndNormalises) {
  auto mix = ParseMix("covid=2, normal=1,nodule=1");
  ASSERT_TRUE(mix.ok()) << mix.status().ToString();
  ASSERT_EQ(mix->size(), 3u);
  EXPECT_EQ((*mix)[0].first, CaseClass::kCovid);
  EXPECT_DOUBLE_EQ((*mix)[0].second, 0.5);
  EXPECT_DOUBLE_EQ((*mix)[2].second, 0.25);
}

TEST(ParseMixTest, RejectsWhatAPersonMightMistype) {
  EXPECT_FALSE(ParseMix("covid").ok());
  EXPECT_FALSE(ParseMix("flu=0.5").ok());
  EXPECT_FALSE(ParseMix("covid=abc").ok());
  EXPECT_FALSE(ParseMix("covid=-1").ok());
  EXPECT_FALSE(ParseMix("covid=0").ok());
  EXPECT_FALSE(ParseMix("").ok());
  EXPECT_NE(ParseMix("flu=0.5").status().reason().find("covid_small"), std::string::npos);
}

TEST(AssignClassesTest, CountsFollowTheMixAndOrderFollowsTheSeed) {
  ClassMix mix = {{CaseClass::kCovid, 0.4},
                  {CaseClass::kOtherPneumonia, 0.2},
                  {CaseClass::kNodule, 0.2},
                  {CaseClass::kNormal, 0.2}};
  auto classes = AssignClasses(5, 20, mix);
  std::map<CaseClass, int> counts;
  for (CaseClass c : classes) ++counts[c];
  EXPECT_EQ(counts[CaseClass::kCovid], 8);
  EXPECT_EQ(counts[CaseClass::kNormal], 4);
  EXPECT_EQ(classes, AssignClasses(5, 20, mix));
  EXPECT_NE(classes, AssignClasses(6, 20, mix));
  EXPECT_EQ(AssignClasses(1, 3, mix).size(), 3u);
}

TEST(DerivedUidTest, IsAValidDeterministicUid) {
  std::string a = DerivedUid(1, 2, "series");
  EXPECT_EQ(a, DerivedUid(1, 2, "series"));
  EXPECT_NE(a, DerivedUid(1, 3, "series"));
  EXPECT_NE(a, DerivedUid(2, 2, "series"));
  EXPECT_NE(a, DerivedUid(1, 2, "study"));
  EXPECT_NE(DerivedUid(1, 2, "instance", 1), DerivedUid(1, 2, "instance", 2));
  EXPECT_EQ(a.rfind("2.25.", 0), 0u);
  EXPECT_LE(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789."), std::string::npos);
  EXPECT_NE(a[5], '0');
}

TEST(PhantomSetTest, WritesCasesTruthAndIndexDeterministically) {
  const fs::path root =
      fs::temp_directory_path() / ("ctscreen-phantom-set-" + std::to_string(::getpid()));
  fs::remove_all(root);
  PhantomSetOptions options;
  options.seed = 12;
  options.cases = 2;
  options.size = SizeMode::kSmall;
  options.preview = true;
  options.mix = {{CaseClass::kCovid, 0.5}, {CaseClass::kNormal, 0.5}};
  options.transfer_syntax = TransferSyntax::kRleLossless;
  int calls = 0;
  for (const char* run : {"a", "b"}) {
    options.out_dir = (root / run).string();
    ASSERT_TRUE(GeneratePhantomSet(options, [&](int done, int total) {
                  ++calls;
                  EXPECT_LE(done, total);
                }).ok());
  }
  EXPECT_EQ(calls, 4);

  auto index = nlohmann::json::parse(ReadAll(root / "a" / "cases.json"));
  ASSERT_EQ(index["cases"].size(), 2u);
  for (const auto& entry : index["cases"]) {
    const std::string name = entry["name"];
    // Same seed, same bytes: truth, masks and DICOM.
    for (const char* file :
         {"truth.json", "lesions.nrrd", "lungs.nrrd", "preview.png", "dicom/CT_0001.dcm"}) {
      EXPECT_EQ(ReadAll(root / "a" / name / file), ReadAll(root / "b" / name / file)) << file;
    }
    EXPECT_EQ(ReadAll(root / "a" / name / "preview.png").substr(1, 3), "PNG");
    auto truth = nlohmann::json::parse(ReadAll(root / "a" / name / "truth.json"));
    EXPECT_EQ(truth["class"], entry["class"]);
    EXPECT_EQ(truth["dicom"]["transfer_syntax"], "rle");
    EXPECT_EQ(truth["lungs"]["labels"]["1"], "left");
    // Truth volumes are the mask's voxel counts times the voxel volume.
    testing::Nrrd lesions, lungs;
    ASSERT_EQ(testing::ReadNrrd((root / "a" / name / "lesions.nrrd").string(), &lesions), "");
    ASSERT_EQ(testing::ReadNrrd((root / "a" / name / "lungs.nrrd").string(), &lungs), "");
    const auto& spacing = truth["geometry"]["spacing_mm"];
    const double voxel_ml =
        spacing[0].get<double>() * spacing[1].get<double>() * spacing[2].get<double>() / 1000;
    std::map<int, std::size_t> counts;
    for (std::uint8_t v : lesions.voxels) ++counts[v];
    for (const auto& lesion : truth["lesions"]) {
      EXPECT_NEAR(lesion["volume_ml"].get<double>(), counts[lesion["id"].get<int>()] * voxel_ml,
                  1e-9);
      EXPECT_TRUE(lesion["class"] == "covid19_like" || lesion["class"] == "other");
      EXPECT_EQ(lesion["centroid_mm"].size(), 3u);
    }
    std::size_t left = std::count(lungs.voxels.begin(), lungs.voxels.end(), 1);
    EXPECT_NEAR(truth["lungs"]["left_volume_ml"].get<double>(), left * voxel_ml, 1e-9);
    const int files = static_cast<int>(std::distance(
        fs::directory_iterator(root / "a" / name / "dicom"), fs::directory_iterator{}));
    EXPECT_GE(files, truth["dicom"]["instances"].get<int>());
  }
  fs::remove_all(root);
}

}  // namespace
}  // namespace ctscreen::phantom
