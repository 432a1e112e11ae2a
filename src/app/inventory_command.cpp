// `ctscreen inventory`: what the appliance has received and what became of it, read straight
// from the job store (the gRPC status API will offer the same to remote clients).
#include <cstdio>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>

#include "command_line.h"
#include "commands.h"
#include "ctscreen/core/config.h"
#include "ctscreen/jobs/job_store.h"

namespace ctscreen::app {
int RunInventory(int argc, char** argv) {
  core::Config loaded;
  auto cl =
      ParseWithConfig(argc, argv, {"--json"},
                      "ctscreen inventory [--config FILE] [--set key=value ...] [--json]", &loaded);
  if (!cl) return 2;
  const core::Config* config = &loaded;
  auto store = jobs::JobStore::Open(config->storage.dir + "/jobs.sqlite");
  if (!store.ok()) {
    std::fprintf(stderr, "ctscreen: %s\n", store.status().reason().c_str());
    return 1;
  }
  auto all = (*store)->ListJobs(std::nullopt);
  if (!all.ok()) {
    std::fprintf(stderr, "ctscreen: %s\n", all.status().reason().c_str());
    return 1;
  }
  if (cl->flags.count("--json")) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& j : *all) {
      auto stored = (*store)->CountInstances(j.series_uid, false);
      out.push_back({{"job", j.id},
                     {"state", jobs::JobStateName(j.state)},
                     {"series_uid", j.series_uid},
                     {"study_uid", j.study_uid},
                     {"revision", j.revision},
                     {"instances", j.instance_count},
                     {"stored_in_series", stored.ok() ? *stored : -1},
                     {"reason", j.reason},
                     {"updated_at", j.updated_at}});
    }
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  std::map<std::string, int> by_state;
  std::printf("%-5s %-10s %-4s %-9s %-19s %s\n", "JOB", "STATE", "REV", "INSTANCES", "UPDATED",
              "SERIES / REASON");
  for (const auto& j : *all) {
    auto stored = (*store)->CountInstances(j.series_uid, false);
    int shown = j.state == jobs::JobState::kIngest && stored.ok() ? *stored : j.instance_count;
    std::printf("%-5lld %-10s %-4d %-9d %-19s %s\n", static_cast<long long>(j.id),
                jobs::JobStateName(j.state), j.revision, shown, FormatLocalTime(j.updated_at).c_str(),
                j.series_uid.c_str());
    if (!j.reason.empty()) std::printf("%52s%s\n", "", j.reason.c_str());
    ++by_state[jobs::JobStateName(j.state)];
  }
  std::printf("\n%zu jobs", all->size());
  for (const auto& [state, n] : by_state) std::printf(", %d %s", n, state.c_str());
  std::printf("\n");
  return 0;
}

}  // namespace ctscreen::app
