#include "screening_runner.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "ctscreen/inference/screener_pool.h"
#include "ctscreen/pipeline/analysis.h"

namespace ctscreen::app {
namespace {

namespace fs = std::filesystem;

// The pipeline behind the workers: the same stages as `ctscreen analyze`, on a job's spooled
// series, with one screener kept loaded per device (one job per device at a time).
class PipelineRunner final : public ScreeningRunner {
 public:
  explicit PipelineRunner(const core::Config& config) : config_(config) {}

  core::Status Load() {
    auto pool =
        inference::ScreenerPool::Create(config_.pipeline.bundle, config_.pipeline.devices,
                                        config_.pipeline.precision, config_.pipeline.cpu_threads);
    if (!pool.ok()) return pool.status();
    screeners_ = std::move(*pool);
    name_ = screeners_->manifest().name;
    version_ = screeners_->manifest().version;
    return core::Status::Ok();
  }

  const std::string& bundle_name() const override { return name_; }
  const std::string& bundle_version() const override { return version_; }

  jobs::JobOutcome Run(const jobs::JobRecord& job, const std::string& device) override {
    pipeline::AnalysisOptions options;
    options.dicom_dir = config_.storage.dir + "/spool/" + job.series_uid;
    // One folder per job: a retried job rewrites its own results, never another job's.
    options.out_dir = config_.storage.dir + "/results/" + std::to_string(job.id);
    options.bundle_dir = config_.pipeline.bundle;
    // One screener per worker: [cuda:0, cuda:0] gives this device's two workers one each.
    auto screener = screeners_->Acquire(device);
    if (!screener.ok()) {
      jobs::JobOutcome outcome;
      outcome.reason = screener.status().reason();
      return outcome;
    }
    options.screener_in_use = &**screener;
    options.write_dicom = config_.outputs.seg || config_.outputs.sr || config_.outputs.overlay;
    options.overlay = config_.outputs.overlay;
    options.seg_empty_frames = config_.outputs.seg_empty_frames;
    options.read.selection.skip_image_types = config_.series.skip_image_types;
    pipeline::AnalysisReport report = pipeline::RunAnalysis(options);

    jobs::JobOutcome outcome;
    if (!report.status.ok()) {
      outcome.kind = pipeline::IsRejection(report.status) ? jobs::JobOutcome::Kind::kRejected
                                                          : jobs::JobOutcome::Kind::kFailed;
      outcome.reason = report.status.reason();
      return outcome;
    }
    outcome.kind = jobs::JobOutcome::Kind::kScreened;
    char summary[128];
    std::snprintf(summary, sizeof(summary), "screened: %s (p=%.3f)", report.verdict.c_str(),
                  report.probability);
    outcome.reason = summary;
    outcome.result.verdict = report.verdict;
    outcome.result.probability = report.probability;
    outcome.result.timings_json = nlohmann::json(report.timings_ms).dump();
    outcome.result.result_dir = options.out_dir;
    outcome.result.device = device;
    for (const auto& file : report.files) {
      const bool is_seg = fs::path(file.path).filename() == "seg.dcm";
      const bool is_sr = fs::path(file.path).filename() == "sr.dcm";
      if ((is_seg && !config_.outputs.seg) || (is_sr && !config_.outputs.sr)) continue;
      outcome.outputs.push_back({file.path, file.sop_class_uid, file.sop_instance_uid});
    }
    return outcome;
  }

 private:
  const core::Config& config_;
  std::unique_ptr<inference::ScreenerPool> screeners_;
  std::string name_;
  std::string version_;
};

}  // namespace

core::Result<std::unique_ptr<ScreeningRunner>> ScreeningRunner::Create(const core::Config& config) {
  const std::string manifest = config.pipeline.bundle + "/manifest.json";
  if (!fs::exists(manifest)) {
    return core::Status(core::ErrorCode::kInvalidConfig,
                        "no model bundle at " + config.pipeline.bundle + " (" +
                            fs::absolute(manifest).string() +
                            " is missing); check pipeline.bundle, which is relative to the "
                            "folder ctscreen was started in");
  }
  auto runner = std::make_unique<PipelineRunner>(config);
  if (auto s = runner->Load(); !s.ok()) return s;
  return std::unique_ptr<ScreeningRunner>(std::move(runner));
}

}  // namespace ctscreen::app
