// `ctscreen serve`: the one place where the appliance is wired together.
#include <signal.h>

#include <cstdio>

#include "command_line.h"
#include "commands.h"
#include "ctscreen/api/api_server.h"
#include "ctscreen/core/clock.h"
#include "ctscreen/core/config.h"
#include "ctscreen/core/durable_file.h"
#include "ctscreen/core/logging.h"
#include "ctscreen/dicom/store_scp.h"
#include "ctscreen/ingest/ingest_service.h"
#include "ctscreen/ingest/spool.h"
#include "ctscreen/jobs/job_store.h"
#include "dicom_delivery_sender.h"
#include "screening_runner.h"

namespace ctscreen::app {

int RunServe(int argc, char** argv) {
  core::Config loaded;
  auto cl = ParseWithConfig(argc, argv, {"--check-config"},
                            "ctscreen serve [--config FILE] [--set key=value ...] [--check-config]",
                            &loaded);
  if (!cl) return 2;
  const core::Config* config = &loaded;
  if (cl->flags.count("--check-config")) {
    std::printf("configuration OK (%s)\n",
                config->source.empty() ? "built-in defaults" : config->source.c_str());
    for (const auto& line : core::InactiveSections(*config)) std::printf("  %s\n", line.c_str());
    return 0;
  }
  if (auto s = core::InitLogging(config->logging); !s.ok()) {
    std::fprintf(stderr, "ctscreen: %s\n", s.reason().c_str());
    return 2;
  }
  auto log = core::Log("app");
  log->info("ctscreen {} starting with {}", CTSCREEN_VERSION,
            config->source.empty() ? "built-in defaults" : config->source);
  for (const auto& line : core::InactiveSections(*config)) log->info("{}", line);

  // Signals are taken by sigwait below, never by a random thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  auto spool = ingest::Spool::Open(config->storage.dir);
  if (!spool.ok()) {
    log->error("{}", spool.status().reason());
    return 1;
  }
  auto store = jobs::JobStore::Open(config->storage.dir + "/jobs.sqlite");
  if (!store.ok()) {
    log->error("{}", store.status().reason());
    return 1;
  }
  core::SystemClock clock;
  ingest::IngestService ingest(*config, **spool, **store, clock);
  if (auto report = ingest.Reconcile(); !report.ok()) {
    log->error("cannot reconcile the spool with the job store: {}", report.status().reason());
    return 1;
  }
  core::IntakeGate gate;
  dicom::StoreScp scp(config->listener, {config->series.max_rows_columns, 5000}, ingest, &gate);
  if (auto s = scp.Start(); !s.ok()) {
    log->error("{}", s.reason());
    return 1;
  }
  ingest.StartTimer();
  DicomDeliverySender sender(config->listener.aet, config->delivery.timeout_s);
  jobs::Dispatcher dispatcher(**store, config->destinations,
                              {config->delivery.max_attempts, config->delivery.initial_backoff_s,
                               config->delivery.max_backoff_s},
                              sender, clock);
  dispatcher.Start();
  // One worker per device when a model bundle is there. Without one, completed series wait in
  // `queued` until it is installed; the log and `ctscreen status` say so.
  auto runner = ScreeningRunner::Create(*config);
  std::unique_ptr<jobs::WorkerPool> workers;
  api::ApiDependencies api_deps{**store,          gate, *config, clock, &scp.counters(),
                                CTSCREEN_VERSION, {},   "",      ""};
  if (runner.ok()) {
    workers = std::make_unique<jobs::WorkerPool>(**store, **runner, config->pipeline.devices,
                                                 config->destinations, clock,
                                                 [&dispatcher] { dispatcher.Poke(); });
    workers->Start();
    api_deps.activity = [&workers] { return workers->Activity(); };
    api_deps.bundle_name = (*runner)->bundle_name();
    api_deps.bundle_version = (*runner)->bundle_version();
  } else {
    log->warn("screening is off, completed series stay queued: {}", runner.status().reason());
  }
  auto api = api::ApiServer::Start(api_deps);
  if (!api.ok()) {
    log->error("{}", api.status().reason());
    scp.Stop();
    ingest.StopTimer();
    if (workers) workers->Stop();
    dispatcher.Stop();
    return 1;
  }
  log->info("ready: storage in {}, quiet period {} s", config->storage.dir,
            config->series.quiet_period_s);

  int received = 0;
  sigwait(&signals, &received);
  log->info("received {}, stopping", received == SIGINT ? "SIGINT" : "SIGTERM");
  scp.Stop();
  ingest.StopTimer();
  if (workers) workers->Stop();
  dispatcher.Stop();
  (*api)->Stop();
  log->info("stopped");
  return 0;
}

}  // namespace ctscreen::app
