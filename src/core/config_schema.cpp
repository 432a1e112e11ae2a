// The schema: which sections and keys exist, their types and ranges. config/ctscreen.yaml
// documents the same keys for the people who edit it; keep the two in step.
#include "config_schema.h"

#include <cctype>
#include <set>

namespace ctscreen::core::config_internal {
namespace {

bool IsValidDevice(const std::string& device) {
  if (device == "cpu") return true;
  if (device.rfind("cuda:", 0) != 0 || device.size() == 5 || device.size() > 8) return false;
  for (std::size_t i = 5; i < device.size(); ++i) {
    if (device[i] < '0' || device[i] > '9') return false;
  }
  return true;
}

void ReadTls(FieldReader& r, const OptField& field, TlsOptions* out) {
  Section s = r.Open(field, {"enabled", "cert", "key", "ca"});
  OptField enabled = s.Get("enabled");
  r.ReadBool(enabled, &out->enabled);
  r.ReadString(s.Get("cert"), &out->cert);
  r.ReadString(s.Get("key"), &out->key);
  r.ReadString(s.Get("ca"), &out->ca);
  if (!enabled || !out->enabled) return;
  // Blamed on "enabled": switching TLS on is what made the files necessary, and it is the line
  // (or the --set) the operator just touched.
  if (out->cert.empty()) {
    r.Fail(*enabled, "is true but " + field->path + ".cert (certificate file, PEM) is not set");
  }
  if (out->key.empty()) {
    r.Fail(*enabled, "is true but " + field->path + ".key (private key file, PEM) is not set");
  }
}

void ReadListener(FieldReader& r, const OptField& field, ListenerOptions* out) {
  Section s = r.Open(
      field, {"aet", "port", "max_associations", "allowed_peers", "tls", "timeout_s", "max_pdu",
              "max_instances_per_association", "max_mb_per_association", "max_instance_mb"});
  r.ReadAet(s.Get("aet"), &out->aet);
  r.ReadInt(s.Get("port"), 1, &out->port, 65535);
  r.ReadInt(s.Get("max_associations"), 1, &out->max_associations, 64);
  if (OptField peers = s.Get("allowed_peers")) {
    out->allowed_peers.clear();
    for (const Field& item : r.Items(peers)) {
      Section p;
      if (!r.OpenItem(item, {"aet", "host"}, &p) || !r.Require(item, p, "aet")) continue;
      PeerRule rule;
      r.ReadAet(p.Get("aet"), &rule.aet);
      r.ReadString(p.Get("host"), &rule.host);
      out->allowed_peers.push_back(std::move(rule));
    }
  }
  ReadTls(r, s.Get("tls"), &out->tls);
  r.ReadInt(s.Get("timeout_s"), 1, &out->timeout_s, 3600);
  r.ReadInt(s.Get("max_pdu"), 4096, &out->max_pdu, 131072);
  r.ReadInt(s.Get("max_instances_per_association"), 1, &out->max_instances_per_association);
  r.ReadInt(s.Get("max_mb_per_association"), 1, &out->max_mb_per_association);
  r.ReadInt(s.Get("max_instance_mb"), 1, &out->max_instance_mb);
}

void ReadSeries(FieldReader& r, const OptField& field, SeriesOptions* out) {
  Section s = r.Open(field, {"quiet_period_s", "min_slices", "skip_image_types", "max_instances",
                             "max_rows_columns", "duplicate_policy"});
  r.ReadNumber(s.Get("quiet_period_s"), 0, 86400, &out->quiet_period_s);
  r.ReadInt(s.Get("min_slices"), 1, &out->min_slices);
  if (OptField types = s.Get("skip_image_types")) {
    out->skip_image_types.clear();
    for (const Field& item : r.Items(types)) {
      std::string value;
      if (!r.ReadString(item, &value)) continue;
      if (value.empty()) r.Fail(item, "must not be empty");
      // Image Type values are defined upper case and matched exactly; fold typing slips.
      for (char& ch : value) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      out->skip_image_types.push_back(std::move(value));
    }
  }
  r.ReadInt(s.Get("max_instances"), 1, &out->max_instances);
  r.ReadInt(s.Get("max_rows_columns"), 16, &out->max_rows_columns, 65535);
  std::string policy;
  r.ReadEnum(s.Get("duplicate_policy"), {"replace", "keep_first", "reject"}, &policy);
  if (policy == "replace") out->duplicate_policy = DuplicatePolicy::kReplace;
  if (policy == "keep_first") out->duplicate_policy = DuplicatePolicy::kKeepFirst;
  if (policy == "reject") out->duplicate_policy = DuplicatePolicy::kReject;
}

void ReadStorage(FieldReader& r, const OptField& field, StorageOptions* out) {
  Section s = r.Open(field, {"dir", "min_free_mb", "retention_days"});
  r.ReadNonEmpty(s.Get("dir"), &out->dir);
  r.ReadInt(s.Get("min_free_mb"), 0, &out->min_free_mb);
  r.ReadInt(s.Get("retention_days"), 0, &out->retention_days);
}

void ReadPipeline(FieldReader& r, const OptField& field, PipelineOptions* out) {
  Section s = r.Open(field, {"bundle", "devices", "precision", "cpu_threads"});
  r.ReadString(s.Get("bundle"), &out->bundle);
  if (OptField devices = s.Get("devices")) {
    std::vector<Field> items = r.Items(devices);
    if (items.empty() && (devices->node.IsNull() || devices->node.IsSequence())) {
      r.Fail(*devices, "must list at least one device ('cpu' or 'cuda:N')");
    }
    std::set<std::string> seen;
    out->devices.clear();
    for (const Field& item : items) {
      std::string value;
      if (!r.ReadString(item, &value)) continue;
      if (!IsValidDevice(value)) {
        r.Fail(item, "must be 'cpu' or 'cuda:N' (N: GPU number, 0 for the first), got " +
                         Describe(item.node));
      } else if (!seen.insert(value).second) {
        r.Fail(item, "repeats '" + value + "'; list each device once");
      }
      out->devices.push_back(std::move(value));
    }
  }
  r.ReadEnum(s.Get("precision"), {"auto", "fp32", "tf32", "bf16", "fp16"}, &out->precision);
  r.ReadInt(s.Get("cpu_threads"), 0, &out->cpu_threads);
}

void ReadOutputs(FieldReader& r, const OptField& field, OutputOptions* out) {
  Section s = r.Open(field, {"seg", "sr", "overlay", "seg_empty_frames"});
  r.ReadBool(s.Get("seg"), &out->seg);
  r.ReadBool(s.Get("sr"), &out->sr);
  r.ReadBool(s.Get("overlay"), &out->overlay);
  r.ReadBool(s.Get("seg_empty_frames"), &out->seg_empty_frames);
}

void ReadDestinations(FieldReader& r, const OptField& field, std::vector<Destination>* out) {
  if (!field) return;
  out->clear();
  std::vector<std::string> paths;  // of each entry in *out, to name the first user of a name
  for (const Field& item : r.Items(field)) {
    Section s;
    if (!r.OpenItem(item, {"name", "aet", "host", "port", "tls"}, &s)) continue;
    Destination d;
    if (r.Require(item, s, "name")) {
      r.ReadNonEmpty(s.Get("name"), &d.name);
      for (std::size_t i = 0; i < out->size() && !d.name.empty(); ++i) {
        if ((*out)[i].name == d.name) {
          r.Fail(*s.Get("name"), "'" + d.name + "' is already used by " + paths[i] +
                                     "; destination names must be unique");
          break;
        }
      }
    }
    if (r.Require(item, s, "aet")) r.ReadAet(s.Get("aet"), &d.aet);
    if (r.Require(item, s, "host")) r.ReadNonEmpty(s.Get("host"), &d.host);
    r.ReadInt(s.Get("port"), 1, &d.port, 65535);
    r.ReadBool(s.Get("tls"), &d.tls);
    out->push_back(std::move(d));
    paths.push_back(item.path);
  }
}

void ReadDelivery(FieldReader& r, const OptField& field, DeliveryOptions* out) {
  Section s = r.Open(field, {"max_attempts", "initial_backoff_s", "max_backoff_s", "timeout_s"});
  r.ReadInt(s.Get("max_attempts"), 1, &out->max_attempts, 100000);
  r.ReadNumber(s.Get("initial_backoff_s"), 0, 3600, &out->initial_backoff_s);
  r.ReadNumber(s.Get("max_backoff_s"), 0, 86400, &out->max_backoff_s);
  r.ReadInt(s.Get("timeout_s"), 1, &out->timeout_s, 3600);
}

void ReadApi(FieldReader& r, const OptField& field, ApiOptions* out) {
  Section s = r.Open(field, {"listen", "tls", "tokens_file", "metrics_listen"});
  r.ReadListen(s.Get("listen"), &out->listen);
  ReadTls(r, s.Get("tls"), &out->tls);
  r.ReadString(s.Get("tokens_file"), &out->tokens_file);
  r.ReadListen(s.Get("metrics_listen"), &out->metrics_listen);
}

void ReadUpdate(FieldReader& r, const OptField& field, UpdateOptions* out) {
  Section s = r.Open(field, {"url", "public_key", "channel", "poll_interval_s", "auto_activate",
                             "allow_unsigned"});
  r.ReadString(s.Get("url"), &out->url);
  r.ReadString(s.Get("public_key"), &out->public_key);
  r.ReadNonEmpty(s.Get("channel"), &out->channel);
  r.ReadInt(s.Get("poll_interval_s"), 60, &out->poll_interval_s);
  r.ReadBool(s.Get("auto_activate"), &out->auto_activate);
  r.ReadBool(s.Get("allow_unsigned"), &out->allow_unsigned);
}

void ReadLogging(FieldReader& r, const OptField& field, LoggingOptions* out) {
  Section s = r.Open(field, {"level", "file", "audit_file"});
  r.ReadEnum(s.Get("level"), {"trace", "debug", "info", "warn", "error"}, &out->level);
  r.ReadString(s.Get("file"), &out->file);
  r.ReadString(s.Get("audit_file"), &out->audit_file);
}

}  // namespace

std::vector<std::string> ReadConfigTree(const YAML::Node& root, const std::string& source,
                                        const std::vector<AppliedOverride>& overrides,
                                        Config* config) {
  FieldReader r(source, overrides);
  Section top = r.Open(Field{root, "", YAML::Mark::null_mark()},
                       {"listener", "series", "storage", "pipeline", "outputs", "destinations",
                        "delivery", "api", "update", "logging"});
  ReadListener(r, top.Get("listener"), &config->listener);
  ReadSeries(r, top.Get("series"), &config->series);
  ReadStorage(r, top.Get("storage"), &config->storage);
  ReadPipeline(r, top.Get("pipeline"), &config->pipeline);
  ReadOutputs(r, top.Get("outputs"), &config->outputs);
  ReadDestinations(r, top.Get("destinations"), &config->destinations);
  ReadDelivery(r, top.Get("delivery"), &config->delivery);
  ReadApi(r, top.Get("api"), &config->api);
  ReadUpdate(r, top.Get("update"), &config->update);
  ReadLogging(r, top.Get("logging"), &config->logging);
  return r.TakeErrors();
}

}  // namespace ctscreen::core::config_internal
