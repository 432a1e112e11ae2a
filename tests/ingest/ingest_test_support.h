// A storage folder, job store and ingest service on a fake clock, for the ingest tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "ct_series_writer.h"
#include "ctscreen/core/clock.h"
#include "ctscreen/core/config.h"
#include "ctscreen/dicom/instance_inspector.h"
#include "ctscreen/ingest/ingest_service.h"

namespace ctscreen::ingest {

class IngestFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ =
        std::filesystem::temp_directory_path() / ("ctscreen-ingest-" + std::to_string(::getpid()));
    std::filesystem::remove_all(root_);
    config_.storage.dir = (root_ / "storage").string();
    config_.storage.min_free_mb = 1;
    config_.series.quiet_period_s = 10;
    config_.series.min_slices = 3;
    Open();
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    spool_.reset();
    std::filesystem::remove_all(root_);
  }
  void Open() {
    service_.reset();
    spool_ = std::move(Spool::Open(config_.storage.dir).value());
    store_ = std::move(jobs::JobStore::Open(config_.storage.dir + "/jobs.sqlite").value());
    service_ = std::make_unique<IngestService>(config_, *spool_, *store_, clock_);
  }

  // Receives `file` as the listener would: copy to a temporary, inspect, commit.
  core::Status Receive(const std::string& file, const std::string& aet = "PACS") {
    const std::string temporary = service_->NewTemporaryPath();
    std::filesystem::copy_file(file, temporary);
    auto info = dicom::InspectInstance(temporary, {}, {});
    if (!info.ok()) return info.status();
    dicom::PeerInfo peer;
    peer.calling_aet = aet;
    return service_->Commit(temporary, *info, peer);
  }

  std::vector<std::string> Series(int slices, const std::string& series_uid,
                                  const std::string& image_type = "ORIGINAL\\PRIMARY\\AXIAL") {
    ::ctscreen::testing::CtSeriesSpec spec;
    spec.slices = slices;
    spec.series_uid = series_uid;
    spec.image_type = image_type;
    return ::ctscreen::testing::WriteCtSeries(spec, (root_ / ("in-" + series_uid)).string());
  }

  std::filesystem::path root_;
  core::Config config_;
  core::FakeClock clock_;
  std::unique_ptr<Spool> spool_;
  std::unique_ptr<jobs::JobStore> store_;
  std::unique_ptr<IngestService> service_;
};

}  // namespace ctscreen::ingest
