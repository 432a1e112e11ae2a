// Results delivery against a real Orthanc: the dispatcher with the DICOM sender, including an
// hour-long outage (on a fake clock) after which everything arrives exactly once; and Orthanc
// pushing a study to a running ctscreen, the way a hospital PACS routes CTs to it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ct_series_writer.h"
#include "ctscreen/jobs/dispatcher.h"
#include "dicom_delivery_sender.h"
#include "orthanc.h"
#include "server_under_test.h"

namespace ctscreen::testing {
namespace {

namespace fs = std::filesystem;
using jobs::JobState;

class DispatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("ctscreen-dispatch-it-" + std::to_string(::getpid())))
               .string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    orthanc_ = std::make_unique<Orthanc>(dir_ + "/orthanc", "CTSCREEN", 11112);
    ASSERT_TRUE(orthanc_->Start()) << ReadFile(dir_ + "/orthanc/orthanc.log");
    store_ = std::move(jobs::JobStore::Open(dir_ + "/jobs.sqlite").value());
    destinations_ = {{"pacs", orthanc_->aet(), "127.0.0.1", orthanc_->dicom_port(), false}};
  }
  void TearDown() override {
    orthanc_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  // A job in `sending` whose deliveries are a fresh CT series of `n` files (stand-ins for
  // SEG and SR, which need the screening pipeline).
  std::int64_t SendingJob(int n, const std::string& name) {
    CtSeriesSpec spec;
    spec.slices = n;
    spec.series_uid = NewTestUid();
    auto files = WriteCtSeries(spec, dir_ + "/" + name);
    auto job = store_->IngestJobFor(spec.series_uid, "1.2", clock_.Now());
    store_->Transition(job->id, JobState::kIngest, JobState::kQueued, "", clock_.Now());
    store_->Transition(job->id, JobState::kQueued, JobState::kProcessing, "", clock_.Now());
    for (const auto& f : files) {
      jobs::Delivery d;
      d.job_id = job->id;
      d.destination = "pacs";
      d.path = f;
      d.sop_class_uid = "1.2.840.10008.5.1.4.1.1.2";
      d.sop_instance_uid = SopInstanceUidOf(f);
      store_->EnqueueDelivery(d, clock_.Now());
    }
    store_->Transition(job->id, JobState::kProcessing, JobState::kSending, "", clock_.Now());
    return job->id;
  }

  std::string dir_;
  core::FakeClock clock_;
  std::unique_ptr<Orthanc> orthanc_;
  std::unique_ptr<jobs::JobStore> store_;
  std::vector<core::Destination> destinations_;
  app::DicomDeliverySender sender_{"CTSCREEN", 5};
};

TEST_F(DispatchTest, ResultsReachThePacs) {
  auto job = SendingJob(12, "a");
  jobs::Dispatcher dispatcher(*store_, destinations_, {100, 5, 300}, sender_, clock_);
  EXPECT_EQ(dispatcher.RunOnce(), 12);
  EXPECT_EQ(store_->GetJob(job)->state, JobState::kSent);
  EXPECT_EQ(orthanc_->InstanceCount(), 12);
}

TEST_F(DispatchTest, AnHourLongOutageLosesAndDuplicatesNothing) {
  auto first = SendingJob(5, "before");
  jobs::Dispatcher dispatcher(*store_, destinations_, {100, 5, 300}, sender_, clock_);
  ASSERT_EQ(dispatcher.RunOnce(), 5);
  orthanc_->Stop();
  auto job = SendingJob(8, "during");
  // An hour of failed attempts, each as the backoff allows.
  const double outage_end = clock_.Now() + 3600;
  int passes = 0;
  while (clock_.Now() < outage_end) {
    if (dispatcher.RunOnce() > 0) ++passes;
    clock_.Advance(1);
  }
  EXPECT_EQ(store_->GetJob(job)->state, JobState::kSending) << "gave up during the outage";
  auto waiting = store_->DeliveriesOf(job);
  EXPECT_GE((*waiting)[0].attempts, 10);
  EXPECT_LE((*waiting)[0].attempts, 20) << "backoff did not slow the retries";
  EXPECT_NE((*waiting)[0].last_error.find("cannot open an association"), std::string::npos)
      << (*waiting)[0].last_error;

  ASSERT_TRUE(orthanc_->Start());
  clock_.Advance(301);
  EXPECT_EQ(dispatcher.RunOnce(), 8);
  EXPECT_EQ(store_->GetJob(job)->state, JobState::kSent);
  EXPECT_EQ(store_->GetJob(first)->state, JobState::kSent);
  EXPECT_EQ(orthanc_->InstanceCount(), 13);
  clock_.Advance(3600);
  EXPECT_EQ(dispatcher.RunOnce(), 0) << "something was sent twice";
}

TEST_F(DispatchTest, PacsThatDropsAnUnknownSenderIsRetriedWithTheReason) {
  auto job = SendingJob(2, "x");
  // Told to take stores only from AE titles it knows, Orthanc accepts the association from an
  // unknown one and then aborts it at the first C-STORE. An abort says nothing final (the PACS
  // may be restarting), so the delivery stays queued, with the reason for IT to see.
  Orthanc strict(dir_ + "/strict", "CTSCREEN", 11112);
  std::ofstream(dir_ + "/strict/orthanc.json", std::ios::app);  // keeps the generated config
  RunCommand("sed -i 's/\"DicomAlwaysAllowStore\": true/\"DicomAlwaysAllowStore\": false/' " +
             dir_ + "/strict/orthanc.json");
  ASSERT_TRUE(strict.Start());
  app::DicomDeliverySender stranger("STRANGER", 5);
  jobs::Dispatcher dispatcher(*store_,
                              {{"pacs", strict.aet(), "127.0.0.1", strict.dicom_port(), false}},
                              {100, 5, 300}, stranger, clock_);
  dispatcher.RunOnce();
  EXPECT_EQ(store_->GetJob(job)->state, JobState::kSending);
  auto deliveries = store_->DeliveriesOf(job);
  EXPECT_EQ((*deliveries)[0].state, jobs::DeliveryState::kPending);
  EXPECT_NE((*deliveries)[0].last_error.find("Peer aborted Association"), std::string::npos)
      << (*deliveries)[0].last_error;
  EXPECT_EQ(strict.InstanceCount(), 0);
}

TEST(OrthancPushTest, OrthancRoutesAStudyToCtscreen) {
  ServerUnderTest server("orthancpush");
  ASSERT_TRUE(server.Start()) << server.log();
  Orthanc pacs(server.work_dir() + "/orthanc", "CTSCREEN", server.port());
  ASSERT_TRUE(pacs.Start());
  CtSeriesSpec spec;
  spec.slices = 20;
  spec.series_uid = NewTestUid();
  WriteCtSeries(spec, server.work_dir() + "/in");
  ASSERT_EQ(RunCommand("dcmsend --scan-directories -aec ORTHANC 127.0.0.1 " +
                       std::to_string(pacs.dicom_port()) + " " + server.work_dir() + "/in")
                .exit_code,
            0);
  ASSERT_EQ(pacs.InstanceCount(), 20);
  const std::string studies = pacs.Get("/studies");
  const std::string study = studies.substr(studies.find('"') + 1, 44);
  auto answer = pacs.Post("/modalities/ctscreen/store", study);
  EXPECT_NE(answer.find("\"InstancesCount\""), std::string::npos) << answer;
  ASSERT_TRUE(server.WaitForSeriesComplete(spec.series_uid, 15));
  auto jobs = server.OpenStore()->JobsOfSeries(spec.series_uid);
  EXPECT_EQ((*jobs)[0].state, JobState::kQueued);
  EXPECT_EQ((*jobs)[0].instance_count, 20);
  EXPECT_TRUE(server.WaitForLog("from ORTHANC@127.0.0.1 released: 20 instances stored"));
}

}  // namespace
}  // namespace ctscreen::testing
