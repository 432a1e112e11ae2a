// Typed configuration of the appliance. Parsed once from YAML (config/ctscreen.yaml documents
// every key), validated in one place, then handed to constructors; nothing reads YAML later.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ctscreen/core/status.h"

namespace ctscreen::core {

struct TlsOptions {
  bool enabled = false;
  std::string cert;
  std::string key;
  std::string ca;
};

// One entry of listener.allowed_peers. An empty host matches any host.
struct PeerRule {
  std::string aet;
  std::string host;
};

struct ListenerOptions {
  std::string aet = "CTSCREEN";
  int port = 11112;
  int max_associations = 8;
  std::vector<PeerRule> allowed_peers;  // empty: any peer may connect
  TlsOptions tls;
  int timeout_s = 60;  // DIMSE/network idle timeout for one association
  std::uint32_t max_pdu = 131072;
  // Per-association limits: a runaway sender is refused (Out of Resources), not obeyed.
  int max_instances_per_association = 20000;
  std::int64_t max_mb_per_association = 20480;
  // One instance larger than this is refused after receipt and deleted.
  std::int64_t max_instance_mb = 1024;
};

enum class DuplicatePolicy {
  kReplace,    // the newer copy replaces the stored one (and starts a new revision)
  kKeepFirst,  // the stored copy stays, the newer one is acknowledged and dropped
  kReject,     // the newer copy is refused with a failure status
};

struct SeriesOptions {
  double quiet_period_s = 10;
  int min_slices = 20;
  std::vector<std::string> skip_image_types = {"LOCALIZER"};
  int max_instances = 5000;     // per series; more is refused (Out of Resources)
  int max_rows_columns = 4096;  // larger Rows or Columns is an absurd size
  DuplicatePolicy duplicate_policy = DuplicatePolicy::kReplace;
};

struct StorageOptions {
  std::string dir = "/var/lib/ctscreen";
  std::int64_t min_free_mb = 2048;
  int retention_days = 7;
};

struct PipelineOptions {
  std::string bundle = "models/default";
  std::vector<std::string> devices = {"cpu"};
  std::string precision = "auto";  // auto | fp32 | tf32 | bf16 | fp16
  int cpu_threads = 0;             // 0: one per core
};

struct OutputOptions {
  bool seg = true;
  bool sr = true;
  bool overlay = false;
  bool seg_empty_frames = false;
};

struct Destination {
  std::string name;
  std::string aet;
  std::string host;
  int port = 104;
  bool tls = false;
};

// How results are delivered to destinations: retries with exponential backoff, so a PACS that
// is down for hours gets everything when it returns.
struct DeliveryOptions {
  int max_attempts = 100;        // per instance and destination; then the job is `failed`
  double initial_backoff_s = 5;  // wait after the first failure; doubles each time
  double max_backoff_s = 300;    // the wait never grows beyond this
  int timeout_s = 30;            // network timeout of one association
};

struct ApiOptions {
  std::string listen = "127.0.0.1:50051";
  TlsOptions tls;
  std::string tokens_file;
  std::string metrics_listen = "127.0.0.1:9464";
};

struct UpdateOptions {
  std::string url;
  std::string public_key;
  std::string channel = "stable";
  int poll_interval_s = 3600;
  bool auto_activate = false;
  bool allow_unsigned = false;  // development only
};

struct LoggingOptions {
  std::string level = "info";  // trace | debug | info | warn | error
  std::string file;            // empty: stderr only
  std::string audit_file;
};

struct Config {
  ListenerOptions listener;
  SeriesOptions series;
  StorageOptions storage;
  PipelineOptions pipeline;
  OutputOptions outputs;
  std::vector<Destination> destinations;
  DeliveryOptions delivery;
  ApiOptions api;
  UpdateOptions update;
  LoggingOptions logging;

  // Where the values came from, for messages ("config/ctscreen.yaml").
  std::string source;
};

// Loads FILE (empty: built-in defaults only), applies each "key=value" override (dotted key,
// YAML value: `--set listener.port=11113`, `--set pipeline.devices=[cpu,cuda:0]`), and
// validates the result. A refusal names the file and line (or the override) and what is
// allowed, e.g. "config/ctscreen.yaml:12: unknown key 'listener.prot'; allowed: aet, port, ...".
Result<Config> LoadConfig(const std::string& file, const std::vector<std::string>& overrides);

// Parses YAML text directly (tests); `source` is used in messages in place of a file name.
Result<Config> ParseConfig(const std::string& yaml_text, const std::string& source,
                           const std::vector<std::string>& overrides);

// Human-readable lines saying which configured sections are not active in this build yet
// (e.g. "update: validated, not active yet ..."), for startup logs.
std::vector<std::string> InactiveSections(const Config& config);

}  // namespace ctscreen::core
