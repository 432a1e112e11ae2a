// The listener against DCMTK's own peers (echoscu, dcmsend, storescu), on loopback.
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>

#include "ct_series_writer.h"
#include "raw_store_scu.h"
#include "server_under_test.h"

namespace ctscreen::testing {
namespace {

namespace fs = std::filesystem;

TEST(ListenerTest, EchoSucceeds) {
  ServerUnderTest server("echo");
  ASSERT_TRUE(server.Start()) << server.log();
  auto r = server.Echo();
  EXPECT_EQ(r.exit_code, 0) << r.output;
  server.Stop();
  EXPECT_TRUE(server.WaitForLog("association #1 from ECHOSCU@127.0.0.1 released")) << server.log();
}

TEST(ListenerTest, SeriesOf120SlicesIsAcknowledgedIndexedAndCompleted) {
  ServerUnderTest server("series120");
  ASSERT_TRUE(server.Start()) << server.log();
  CtSeriesSpec spec;
  spec.slices = 120;
  spec.rows = spec.columns = 128;
  spec.series_uid = NewTestUid();
  auto files = WriteCtSeries(spec, server.work_dir() + "/in");
  auto r = server.Send({server.work_dir() + "/in"});
  ASSERT_EQ(r.exit_code, 0) << r.output;

  auto store = server.OpenStore();
  ASSERT_TRUE(store);
  EXPECT_EQ(*store->CountInstances(spec.series_uid, false), 120);
  for (const auto& f : files) {
    auto rec = store->FindInstance(SopInstanceUidOf(f));
    ASSERT_TRUE(rec.ok() && rec->has_value()) << f;
    EXPECT_TRUE(fs::exists((*rec)->path)) << (*rec)->path;
    EXPECT_EQ((*rec)->calling_aet, "DCMSEND");
  }
  ASSERT_TRUE(server.WaitForSeriesComplete(spec.series_uid, 15));
  auto jobs = store->JobsOfSeries(spec.series_uid);
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].state, jobs::JobState::kQueued);
  EXPECT_EQ((*jobs)[0].instance_count, 120);
  // One summary line per association, with the counts.
  EXPECT_TRUE(server.WaitForLog("120 instances stored, 0 failed")) << server.log();
  EXPECT_TRUE(fs::is_empty(server.storage_dir() + "/incoming"));
  // The fixture's patient name, ID and birth date never reach the log.
  server.Stop();
  for (const char* phi : {"TEST^FIXTURE", "FIXTURE-0001", "19700101"}) {
    EXPECT_EQ(server.log().find(phi), std::string::npos) << phi << " appears in the log";
  }
}

TEST(ListenerTest, EnhancedCtIsAccepted) {
  ServerUnderTest server("enhanced");
  ASSERT_TRUE(server.Start()) << server.log();
  CtSeriesSpec spec;
  spec.slices = 2;
  auto files = WriteCtSeries(spec, server.work_dir() + "/in");
  // A two-frame image under the Enhanced CT SOP class: enough for the listener, which checks
  // the header and the pixel data length, not the whole IOD.
  const std::string enhanced = server.work_dir() + "/enhanced.dcm";
  EditDataSet(files[0], enhanced, [](DcmDataset& ds) {
    ds.putAndInsertString(DCM_SOPClassUID, UID_EnhancedCTImageStorage);
    ds.putAndInsertString(DCM_SOPInstanceUID, NewTestUid().c_str());
    ds.putAndInsertString(DCM_NumberOfFrames, "2");
    std::vector<Uint16> two_frames(64 * 64 * 2, 0);
    ds.putAndInsertUint16Array(DCM_PixelData, two_frames.data(),
                               static_cast<unsigned long>(two_frames.size()));
  });
  auto outcome = server.StoreOne(enhanced);
  EXPECT_EQ(outcome.status, 0x0000) << outcome.output;
  EXPECT_TRUE(server.OpenStore()->FindInstance(SopInstanceUidOf(enhanced))->has_value());
}

TEST(ListenerTest, FourConcurrentAssociations) {
  ServerUnderTest server("concurrent");
  ASSERT_TRUE(server.Start()) << server.log();
  std::vector<std::string> series;
  std::vector<pid_t> senders;
  for (int i = 0; i < 4; ++i) {
    CtSeriesSpec spec;
    spec.slices = 40;
    spec.rows = spec.columns = 256;
    spec.series_uid = NewTestUid();
    series.push_back(spec.series_uid);
    auto dir = server.work_dir() + "/in" + std::to_string(i);
    WriteCtSeries(spec, dir);
    senders.push_back(Spawn({"dcmsend", "--scan-directories", "-aet", "SENDER" + std::to_string(i),
                             "-aec", "CTSCREEN", "127.0.0.1", std::to_string(server.port()), dir},
                            server.work_dir() + "/dcmsend" + std::to_string(i) + ".log"));
  }
  for (pid_t pid : senders) {
    int status = StopProcess(pid, 0, 120);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  auto store = server.OpenStore();
  for (const auto& uid : series) EXPECT_EQ(*store->CountInstances(uid, false), 40) << uid;
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(server.WaitForLog("from SENDER" + std::to_string(i) +
                                  "@127.0.0.1 released: 40 instances stored, 0 failed"));
  }
}

TEST(ListenerTest, CallingAeOutsideTheAllowListIsRefused) {
  ServerUnderTest server("allowlist");
  ASSERT_TRUE(server.Start({"listener.allowed_peers=[{aet: PACS, host: localhost}]"}))
      << server.log();
  EXPECT_EQ(server.Echo("PACS").exit_code, 0);
  auto refused = server.Echo("INTRUDER");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("Calling AE Title Not Recognized"), std::string::npos)
      << refused.output;
  auto wrong_called = server.Echo("PACS", "SOMEONEELSE");
  EXPECT_NE(wrong_called.exit_code, 0);
  EXPECT_NE(wrong_called.output.find("Called AE Title Not Recognized"), std::string::npos)
      << wrong_called.output;
  EXPECT_TRUE(
      server.WaitForLog("calling AE 'INTRUDER' from 127.0.0.1 is not in "
                        "listener.allowed_peers"));
}

TEST(ListenerTest, KnownAeFromAnotherHostIsRefused) {
  ServerUnderTest server("allowhost");
  // The address is only compared with the caller's, never contacted.
  ASSERT_TRUE(server.Start({"listener.allowed_peers=[{aet: PACS, host: 192.0.2.7}]"}))
      << server.log();
  auto r = server.Echo("PACS");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("Calling AE Title Not Recognized"), std::string::npos) << r.output;
}

TEST(ListenerTest, AssociationsBeyondTheLimitAreRefusedForNow) {
  ServerUnderTest server("maxassoc");
  ASSERT_TRUE(server.Start({"listener.max_associations=1"})) << server.log();
  {
    HeldAssociation held("127.0.0.1", server.port(), "CTSCREEN");
    ASSERT_TRUE(held.accepted()) << held.error();
    auto r = server.Echo();
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("Local Limit Exceeded"), std::string::npos) << r.output;
  }
  // The slot is free again once the held association is released.
  bool echoed = false;
  for (int i = 0; i < 50 && !echoed; ++i) {
    echoed = server.Echo().exit_code == 0;
    if (!echoed) usleep(100000);
  }
  EXPECT_TRUE(echoed);
}

TEST(ListenerTest, EveryAcceptedTransferSyntaxIsStoredAsReceived) {
  ServerUnderTest server("syntaxes");
  ASSERT_TRUE(server.Start()) << server.log();
  const std::vector<std::pair<std::string, std::string>> syntaxes = {
      {"explicit", "1.2.840.10008.1.2.1"},
      {"implicit", "1.2.840.10008.1.2"},
      {"jpeg-lossless", "1.2.840.10008.1.2.4.70"},
      {"jpeg-ls", "1.2.840.10008.1.2.4.80"},
      {"rle", "1.2.840.10008.1.2.5"},
      {"j2k", "1.2.840.10008.1.2.4.90"},
  };
  auto store = server.OpenStore();
  for (const auto& [name, uid] : syntaxes) {
    CtSeriesSpec spec;
    spec.slices = 3;
    spec.transfer_syntax = name;
    auto files = WriteCtSeries(spec, server.work_dir() + "/" + name);
    // storescu -xi offers Implicit VR Little Endian only; dcmsend offers each file's own.
    auto r = name == "implicit"
                 ? RunCommand("storescu +sd -xi -aec CTSCREEN 127.0.0.1 " +
                              std::to_string(server.port()) + " " + server.work_dir() + "/" + name)
                 : server.Send({server.work_dir() + "/" + name});
    ASSERT_EQ(r.exit_code, 0) << name << ": " << r.output;
    for (const auto& f : files) {
      auto rec = store->FindInstance(SopInstanceUidOf(f));
      ASSERT_TRUE(rec.ok() && rec->has_value()) << name;
      EXPECT_EQ((*rec)->transfer_syntax, uid) << name;
    }
  }
}

}  // namespace
}  // namespace ctscreen::testing
