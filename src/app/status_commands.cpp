// `ctscreen status | jobs | watch | reprocess | cancel | retry | pause | resume`: a thin
// client of a running server's gRPC API. Tables for people by default, --json for scripts.
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <ctime>
#include <map>
#include <string>

#include "api_client.h"
#include "command_line.h"
#include "commands.h"
#include "ctscreen/jobs/job_state.h"
#include "ctscreen/v1/admin.grpc.pb.h"
#include "ctscreen/v1/status.grpc.pb.h"

namespace ctscreen::app {
namespace {

const std::set<std::string> kValued = {"--api", "--token-file", "--state", "--reason"};

std::string Json(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

std::string StateName(int state) {
  std::string name = v1::JobState_Name(static_cast<v1::JobState>(state));
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

std::string Duration(double seconds) {
  char buf[64];
  if (seconds < 120) {
    std::snprintf(buf, sizeof(buf), "%.1f s", seconds);
  } else if (seconds < 7200) {
    std::snprintf(buf, sizeof(buf), "%d min", static_cast<int>(seconds / 60));
  } else {
    std::snprintf(buf, sizeof(buf), "%d h %d min", static_cast<int>(seconds / 3600),
                  static_cast<int>(seconds / 60) % 60);
  }
  return buf;
}

// Shared start of every client command: options, configuration, connection.
struct ClientSetup {
  CommandLine cl;
  core::Config config;
  ApiClient client;
};

std::optional<ClientSetup> Setup(int argc, char** argv, const char* usage,
                                 size_t max_positional = 0) {
  ClientSetup setup;
  auto cl = ParseWithConfig(argc, argv, {"--json"}, usage, &setup.config, kValued, max_positional);
  if (!cl) return std::nullopt;
  setup.cl = *cl;
  setup.client = ConnectApi(setup.config, cl->values["--api"], cl->values["--token-file"]);
  return setup;
}

int Fail(const grpc::Status& status, const ApiClient& client) {
  std::fprintf(stderr, "ctscreen: %s\n", DescribeFailure(status, client.address).c_str());
  return 1;
}

void PrintJobRow(const v1::Job& j) {
  std::printf("%-5lld %-10s %-4d %-9d %-19s %s\n", static_cast<long long>(j.id()),
              StateName(j.state()).c_str(), j.revision(), j.instance_count(),
              FormatLocalTime(j.updated_at()).c_str(), j.series_uid().c_str());
  if (!j.reason().empty()) std::printf("%52s%s\n", "", j.reason().c_str());
}

std::optional<std::int64_t> JobIdArgument(const CommandLine& cl, const char* usage) {
  if (cl.positional.size() != 1) {
    std::fprintf(stderr, "usage: %s\n", usage);
    return std::nullopt;
  }
  try {
    return std::stoll(cl.positional[0]);
  } catch (const std::exception&) {
    std::fprintf(stderr, "ctscreen: '%s' is not a job number (see `ctscreen jobs`)\n",
                 cl.positional[0].c_str());
    return std::nullopt;
  }
}

}  // namespace

int RunStatus(int argc, char** argv) {
  const char* usage = "ctscreen status [--config FILE] [--api HOST:PORT] [--token-file F] [--json]";
  auto setup = Setup(argc, argv, usage);
  if (!setup) return 2;
  auto stub = v1::StatusService::NewStub(setup->client.channel);
  v1::GetHealthResponse health;
  auto status = stub->GetHealth(setup->client.NewContext().get(), {}, &health);
  if (!status.ok()) return Fail(status, setup->client);
  v1::GetStatsResponse stats;
  status = stub->GetStats(setup->client.NewContext().get(), {}, &stats);
  if (!status.ok()) return Fail(status, setup->client);
  if (setup->cl.flags.count("--json")) {
    std::printf("{\"health\": %s,\n\"stats\": %s}\n", Json(health).c_str(), Json(stats).c_str());
    return health.serving() ? 0 : 3;
  }
  std::printf(
      "ctscreen %s: %s, up %s, intake %s\n", health.version().c_str(),
      health.serving() ? "serving" : "NOT SERVING", Duration(health.uptime_s()).c_str(),
      health.intake_paused() ? ("PAUSED (" + health.intake_paused_reason() + ")").c_str() : "open");
  for (const auto& problem : health.problems()) std::printf("  problem: %s\n", problem.c_str());
  std::printf("storage     %lld MB free\n", static_cast<long long>(stats.free_disk_mb()));
  std::printf("model       %s (%s)\n", stats.bundle_name().c_str(), stats.bundle_version().c_str());
  for (const auto& d : stats.devices()) {
    std::printf("device      %s: %s\n", d.device().c_str(), d.activity().c_str());
  }
  std::printf("queue       %lld waiting\n", static_cast<long long>(stats.queue_depth()));
  auto counts = [](const auto& list) {
    std::string out;
    for (const auto& c : list) {
      out += (out.empty() ? "" : ", ") + std::to_string(c.count()) + " " + StateName(c.state());
    }
    return out.empty() ? std::string("none") : out;
  };
  std::printf("jobs today  %s\n", counts(stats.today()).c_str());
  std::printf("jobs 7 days %s\n", counts(stats.last_7_days()).c_str());
  std::printf("throughput  %.2f studies/hour (last 24 h), %lld instances stored\n",
              stats.studies_per_hour(), static_cast<long long>(stats.instances_stored()));
  for (const auto& l : stats.latencies()) {
    std::printf("latency     %-10s p50 %s, p95 %s (%lld jobs)\n", l.stage().c_str(),
                Duration(l.p50_ms() / 1000).c_str(), Duration(l.p95_ms() / 1000).c_str(),
                static_cast<long long>(l.samples()));
  }
  return health.serving() ? 0 : 3;
}

int RunJobs(int argc, char** argv) {
  const char* usage =
      "ctscreen jobs [--state STATE] [--config FILE] [--api HOST:PORT] [--token-file F] [--json]";
  auto setup = Setup(argc, argv, usage);
  if (!setup) return 2;
  v1::ListJobsRequest request;
  if (auto it = setup->cl.values.find("--state"); it != setup->cl.values.end()) {
    auto state = jobs::ParseJobState(it->second);
    if (!state) {
      std::fprintf(stderr, "ctscreen: unknown state '%s'; states are", it->second.c_str());
      for (auto s : jobs::AllJobStates()) std::fprintf(stderr, " %s", jobs::JobStateName(s));
      std::fprintf(stderr, "\n");
      return 2;
    }
    std::string upper = jobs::JobStateName(*state);
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    v1::JobState proto_state = v1::JOB_STATE_UNSPECIFIED;
    v1::JobState_Parse(upper, &proto_state);
    request.add_states(proto_state);
  }
  auto stub = v1::StatusService::NewStub(setup->client.channel);
  std::vector<v1::Job> all;
  do {
    v1::ListJobsResponse page;
    auto status = stub->ListJobs(setup->client.NewContext().get(), request, &page);
    if (!status.ok()) return Fail(status, setup->client);
    all.insert(all.end(), page.jobs().begin(), page.jobs().end());
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  if (setup->cl.flags.count("--json")) {
    v1::ListJobsResponse out;
    for (auto& j : all) *out.add_jobs() = j;
    std::printf("%s\n", Json(out).c_str());
    return 0;
  }
  std::printf("%-5s %-10s %-4s %-9s %-19s %s\n", "JOB", "STATE", "REV", "INSTANCES", "UPDATED",
              "SERIES / REASON");
  for (const auto& j : all) PrintJobRow(j);
  std::printf("\n%zu jobs\n", all.size());
  return 0;
}

int RunWatch(int argc, char** argv) {
  const char* usage = "ctscreen watch [--config FILE] [--api HOST:PORT] [--token-file F] [--json]";
  auto setup = Setup(argc, argv, usage);
  if (!setup) return 2;
  auto stub = v1::StatusService::NewStub(setup->client.channel);
  auto context = setup->client.NewContext(0);
  auto reader = stub->WatchJobs(context.get(), {});
  v1::JobChange change;
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  while (reader->Read(&change)) {
    if (setup->cl.flags.count("--json")) {
      std::string line;
      google::protobuf::util::MessageToJsonString(change, &line);
      std::printf("%s\n", line.c_str());
    } else {
      std::printf(
          "%s job %lld %s -> %s  %s  %s\n", FormatLocalTime(change.at()).c_str(),
          static_cast<long long>(change.job_id()),
          change.from() == v1::JOB_STATE_UNSPECIFIED ? "new" : StateName(change.from()).c_str(),
          StateName(change.to()).c_str(), change.series_uid().c_str(), change.reason().c_str());
    }
  }
  auto status = reader->Finish();
  return status.ok() ? 0 : Fail(status, setup->client);
}

int RunAdmin(int argc, char** argv) {
  const std::string command = argv[0];
  const bool takes_job = command == "reprocess" || command == "cancel" || command == "retry";
  const std::string usage_text =
      "ctscreen " + command + (takes_job ? " JOB" : "") +
      (command == "cancel" || command == "pause" ? " [--reason TEXT]" : "") +
      " [--config FILE] [--api HOST:PORT] [--token-file F] [--json]";
  auto setup = Setup(argc, argv, usage_text.c_str(), takes_job ? 1 : 0);
  if (!setup) return 2;
  auto stub = v1::AdminService::NewStub(setup->client.channel);
  const std::string reason = setup->cl.values["--reason"];
  grpc::Status status;
  if (takes_job) {
    auto id = JobIdArgument(setup->cl, usage_text.c_str());
    if (!id) return 2;
    v1::Job job;
    if (command == "reprocess") {
      v1::ReprocessRequest request;
      request.set_job_id(*id);
      status = stub->Reprocess(setup->client.NewContext().get(), request, &job);
    } else if (command == "cancel") {
      v1::CancelRequest request;
      request.set_job_id(*id);
      request.set_reason(reason);
      status = stub->Cancel(setup->client.NewContext().get(), request, &job);
    } else {
      v1::RetryDeliveryRequest request;
      request.set_job_id(*id);
      status = stub->RetryDelivery(setup->client.NewContext().get(), request, &job);
    }
    if (!status.ok()) return Fail(status, setup->client);
    if (setup->cl.flags.count("--json")) {
      std::printf("%s\n", Json(job).c_str());
    } else {
      PrintJobRow(job);
    }
    return 0;
  }
  v1::IntakeState state;
  if (command == "pause") {
    v1::PauseIntakeRequest request;
    request.set_reason(reason);
    status = stub->PauseIntake(setup->client.NewContext().get(), request, &state);
  } else {
    status = stub->ResumeIntake(setup->client.NewContext().get(), {}, &state);
  }
  if (!status.ok()) return Fail(status, setup->client);
  if (setup->cl.flags.count("--json")) {
    std::printf("%s\n", Json(state).c_str());
  } else {
    std::printf("intake %s%s\n", state.paused() ? "paused" : "open",
                state.reason().empty() ? "" : (" (" + state.reason() + ")").c_str());
  }
  return 0;
}

}  // namespace ctscreen::app
