// Every bad instance gets its own DIMSE status and a logged reason, while a good series on
// another association goes through untouched.
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>

#include "ct_series_writer.h"
#include "raw_store_scu.h"
#include "server_under_test.h"

namespace ctscreen::testing {
namespace {

namespace fs = std::filesystem;

struct BadCase {
  std::string name;
  std::function<void(DcmDataset&)> edit;
  std::uint16_t status;
  std::string reason_fragment;
};

TEST(BadInputTest, EachDefectGetsItsStatusWhileAGoodSeriesGoesThrough) {
  ServerUnderTest server("badinput");
  ASSERT_TRUE(server.Start()) << server.log();

  CtSeriesSpec good;
  good.slices = 100;
  good.rows = good.columns = 256;
  good.series_uid = NewTestUid();
  WriteCtSeries(good, server.work_dir() + "/good");
  pid_t sender = Spawn({"dcmsend", "--scan-directories", "-aet", "GOODPACS", "-aec", "CTSCREEN",
                        "127.0.0.1", std::to_string(server.port()), server.work_dir() + "/good"},
                       server.work_dir() + "/good-dcmsend.log");

  CtSeriesSpec template_spec;
  template_spec.slices = 1;
  const std::string base = WriteCtSeries(template_spec, server.work_dir() + "/template")[0];

  const std::vector<BadCase> cases = {
      {"missing-study-uid", [](DcmDataset& ds) { ds.findAndDeleteElement(DCM_StudyInstanceUID); },
       0xA901, "Study Instance UID (0020,000D) is missing"},
      {"malformed-series-uid",
       [](DcmDataset& ds) { ds.putAndInsertString(DCM_SeriesInstanceUID, "1.2.abc.04"); }, 0xC001,
       "is not a valid DICOM UID"},
      {"not-ct", [](DcmDataset& ds) { ds.putAndInsertString(DCM_Modality, "MR"); }, 0xA903,
       "not a CT image"},
      {"no-pixel-data", [](DcmDataset& ds) { ds.findAndDeleteElement(DCM_PixelData); }, 0xA904,
       "no Pixel Data"},
      {"short-pixel-data",
       [](DcmDataset& ds) {
         Uint16 few[5] = {1, 2, 3, 4, 5};
         ds.putAndInsertUint16Array(DCM_PixelData, few, 5);
       },
       0xA905, "Pixel Data is 10 bytes"},
      {"absurd-size",
       [](DcmDataset& ds) {
         ds.putAndInsertUint16(DCM_Rows, 65535);
         ds.putAndInsertUint16(DCM_Columns, 65535);
       },
       0xA906, "65535 x 65535"},
  };
  auto store = server.OpenStore();
  for (const auto& c : cases) {
    const std::string file = server.work_dir() + "/" + c.name + ".dcm";
    EditDataSet(base, file, c.edit);
    // Each case uses a fresh SOP Instance UID, so nothing is mistaken for a duplicate.
    EditDataSet(file, file, [](DcmDataset& ds) {
      ds.putAndInsertString(DCM_SOPInstanceUID, NewTestUid().c_str());
    });
    auto outcome = server.StoreOne(file);
    EXPECT_EQ(outcome.status, c.status) << c.name << "\n" << outcome.output;
    EXPECT_FALSE(outcome.error_comment.empty()) << c.name;
    EXPECT_TRUE(server.WaitForLog(c.reason_fragment)) << c.name << " reason not logged:\n"
                                                      << server.log();
    auto rec = store->FindInstance(SopInstanceUidOf(file));
    EXPECT_TRUE(rec.ok() && !rec->has_value()) << c.name << " was indexed";
  }

  // Cases storescu and dcmsend refuse to produce: sent as raw bytes.
  const std::string garbage = server.work_dir() + "/garbage.raw";
  {
    // A SOP Instance UID element claiming 32767 bytes, followed by far fewer: no parser can
    // make a data set of it.
    static const char kBytes[] = "\x08\x00\x18\x00UI\xff\x7fthis is not a DICOM data set";
    std::string bytes(kBytes, sizeof(kBytes) - 1);
    std::ofstream(garbage, std::ios::binary) << bytes;
  }
  auto unparseable =
      RawStore("127.0.0.1", server.port(), "CTSCREEN", UID_CTImageStorage, NewTestUid(), garbage);
  ASSERT_TRUE(unparseable.answered) << unparseable.error;
  EXPECT_EQ(unparseable.status, 0xC000);
  EXPECT_NE(unparseable.error_comment.find("cannot be parsed"), std::string::npos);

  const std::string data_set = server.work_dir() + "/dataset.raw";
  WriteDataSetOnly(base, data_set);
  auto mismatch =
      RawStore("127.0.0.1", server.port(), "CTSCREEN", UID_CTImageStorage, NewTestUid(), data_set);
  ASSERT_TRUE(mismatch.answered) << mismatch.error;
  EXPECT_EQ(mismatch.status, 0xA902);
  EXPECT_EQ(mismatch.error_comment.rfind("SOP Instance UID differs between the C-STORE command", 0),
            0u)
      << mismatch.error_comment;

  int status = StopProcess(sender, 0, 120);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << ReadFile(server.work_dir() + "/good-dcmsend.log");
  EXPECT_EQ(*store->CountInstances(good.series_uid, false), 100);
  EXPECT_TRUE(fs::is_empty(server.storage_dir() + "/incoming"));
  // The server is still serving.
  EXPECT_EQ(server.Echo().exit_code, 0);
}

TEST(BadInputTest, DiskBelowMinimumIsOutOfResources) {
  ServerUnderTest server("diskfull");
  // No disk has this much free: every store must be refused, none stored.
  ASSERT_TRUE(server.Start({"storage.min_free_mb=1000000000"})) << server.log();
  CtSeriesSpec spec;
  spec.slices = 1;
  auto file = WriteCtSeries(spec, server.work_dir() + "/in")[0];
  auto outcome = server.StoreOne(file);
  EXPECT_EQ(outcome.status, 0xA700) << outcome.output;
  EXPECT_TRUE(server.WaitForLog("storage.min_free_mb is 1000000000"));
  EXPECT_EQ(*server.OpenStore()->CountInstances(spec.series_uid, false), 0);
  EXPECT_EQ(server.Echo().exit_code, 0);
}

TEST(BadInputTest, PerSeriesLimitRefusesTheRest) {
  ServerUnderTest server("serieslimit");
  ASSERT_TRUE(server.Start({"series.max_instances=5"})) << server.log();
  CtSeriesSpec spec;
  spec.slices = 8;
  spec.series_uid = NewTestUid();
  auto files = WriteCtSeries(spec, server.work_dir() + "/in");
  server.Send({server.work_dir() + "/in"});
  EXPECT_EQ(*server.OpenStore()->CountInstances(spec.series_uid, false), 5);
  // A ninth instance of the series, certainly not among the five stored.
  const std::string ninth = server.work_dir() + "/ninth.dcm";
  EditDataSet(files.back(), ninth, [](DcmDataset& ds) {
    ds.putAndInsertString(DCM_SOPInstanceUID, NewTestUid().c_str());
  });
  auto outcome = server.StoreOne(ninth);
  EXPECT_EQ(outcome.status, 0xA701) << outcome.output;
  EXPECT_TRUE(server.WaitForLog("series.max_instances is 5"));
}

TEST(BadInputTest, PerAssociationLimitRefusesTheRest) {
  ServerUnderTest server("assoclimit");
  ASSERT_TRUE(server.Start({"listener.max_instances_per_association=3"})) << server.log();
  CtSeriesSpec spec;
  spec.slices = 5;
  spec.series_uid = NewTestUid();
  WriteCtSeries(spec, server.work_dir() + "/in");
  server.Send({server.work_dir() + "/in"});
  EXPECT_EQ(*server.OpenStore()->CountInstances(spec.series_uid, false), 3);
  EXPECT_TRUE(server.WaitForLog("refused with 0xA702")) << server.log();
  EXPECT_TRUE(server.WaitForLog("3 instances stored, 2 failed"));
}

}  // namespace
}  // namespace ctscreen::testing
