#include "ctscreen/core/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace ctscreen::core {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// CTSCREEN_SOURCE_DIR may point at another tree; otherwise the tree this test was built from
// (not __FILE__: ccache makes it relative to the build folder).
std::string ShippedConfigPath() {
  if (const char* dir = std::getenv("CTSCREEN_SOURCE_DIR"); dir != nullptr && *dir != '\0') {
    return std::string(dir) + "/config/ctscreen.yaml";
  }
  return std::string(CTSCREEN_SOURCE_DIR_DEFAULT) + "/config/ctscreen.yaml";
}

// The reason of a refused parse; fails the test when the text was accepted.
std::string Refusal(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  auto c = ParseConfig(yaml, "test.yaml", overrides);
  EXPECT_FALSE(c.ok()) << "accepted:\n" << yaml;
  if (c.ok()) return "";
  EXPECT_EQ(c.status().code(), ErrorCode::kInvalidConfig);
  return c.status().reason();
}

void ExpectAllDefaultsButDestinations(const Config& c) {
  const Config d;
  EXPECT_EQ(c.listener.aet, d.listener.aet);
  EXPECT_EQ(c.listener.port, d.listener.port);
  EXPECT_EQ(c.listener.max_associations, d.listener.max_associations);
  EXPECT_TRUE(c.listener.allowed_peers.empty());
  EXPECT_EQ(c.listener.tls.enabled, d.listener.tls.enabled);
  EXPECT_EQ(c.listener.tls.cert, d.listener.tls.cert);
  EXPECT_EQ(c.listener.tls.key, d.listener.tls.key);
  EXPECT_EQ(c.listener.tls.ca, d.listener.tls.ca);
  EXPECT_EQ(c.listener.timeout_s, d.listener.timeout_s);
  EXPECT_EQ(c.listener.max_pdu, d.listener.max_pdu);
  EXPECT_EQ(c.listener.max_instances_per_association, d.listener.max_instances_per_association);
  EXPECT_EQ(c.listener.max_mb_per_association, d.listener.max_mb_per_association);
  EXPECT_EQ(c.listener.max_instance_mb, d.listener.max_instance_mb);
  EXPECT_EQ(c.series.quiet_period_s, d.series.quiet_period_s);
  EXPECT_EQ(c.series.min_slices, d.series.min_slices);
  EXPECT_EQ(c.series.skip_image_types, d.series.skip_image_types);
  EXPECT_EQ(c.series.max_instances, d.series.max_instances);
  EXPECT_EQ(c.series.max_rows_columns, d.series.max_rows_columns);
  EXPECT_EQ(c.series.duplicate_policy, d.series.duplicate_policy);
  EXPECT_EQ(c.storage.dir, d.storage.dir);
  EXPECT_EQ(c.storage.min_free_mb, d.storage.min_free_mb);
  EXPECT_EQ(c.storage.retention_days, d.storage.retention_days);
  EXPECT_EQ(c.pipeline.bundle, d.pipeline.bundle);
  EXPECT_EQ(c.pipeline.devices, d.pipeline.devices);
  EXPECT_EQ(c.pipeline.precision, d.pipeline.precision);
  EXPECT_EQ(c.pipeline.cpu_threads, d.pipeline.cpu_threads);
  EXPECT_EQ(c.outputs.seg, d.outputs.seg);
  EXPECT_EQ(c.outputs.sr, d.outputs.sr);
  EXPECT_EQ(c.outputs.overlay, d.outputs.overlay);
  EXPECT_EQ(c.outputs.seg_empty_frames, d.outputs.seg_empty_frames);
  EXPECT_EQ(c.api.listen, d.api.listen);
  EXPECT_EQ(c.api.tls.enabled, d.api.tls.enabled);
  EXPECT_EQ(c.api.tls.cert, d.api.tls.cert);
  EXPECT_EQ(c.api.tls.key, d.api.tls.key);
  EXPECT_EQ(c.api.tls.ca, d.api.tls.ca);
  EXPECT_EQ(c.api.tokens_file, d.api.tokens_file);
  EXPECT_EQ(c.api.metrics_listen, d.api.metrics_listen);
  EXPECT_EQ(c.update.url, d.update.url);
  EXPECT_EQ(c.update.public_key, d.update.public_key);
  EXPECT_EQ(c.update.channel, d.update.channel);
  EXPECT_EQ(c.update.poll_interval_s, d.update.poll_interval_s);
  EXPECT_EQ(c.update.auto_activate, d.update.auto_activate);
  EXPECT_EQ(c.update.allow_unsigned, d.update.allow_unsigned);
  EXPECT_EQ(c.logging.level, d.logging.level);
  EXPECT_EQ(c.logging.file, d.logging.file);
  EXPECT_EQ(c.logging.audit_file, d.logging.audit_file);
}

TEST(ConfigTest, DefaultsMatchArchitecture) {
  auto c = ParseConfig("", "defaults", {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listener.aet, "CTSCREEN");
  EXPECT_EQ(c->listener.port, 11112);
  EXPECT_EQ(c->listener.max_associations, 8);
}

TEST(ConfigTest, ShippedFileLoadsAndHoldsTheDefaults) {
  const std::string path = ShippedConfigPath();
  auto c = LoadConfig(path, {});
  ASSERT_TRUE(c.ok()) << path << ": " << c.status().ToString();
  EXPECT_EQ(c->source, path);
  ExpectAllDefaultsButDestinations(*c);
  ASSERT_EQ(c->destinations.size(), 1u);
  EXPECT_EQ(c->destinations[0].name, "pacs");
  EXPECT_EQ(c->destinations[0].aet, "PACS");
  EXPECT_EQ(c->destinations[0].host, "127.0.0.1");
  EXPECT_EQ(c->destinations[0].port, 4242);
  EXPECT_FALSE(c->destinations[0].tls);
}

TEST(ConfigTest, EmptyFileNameMeansBuiltInDefaults) {
  auto c = LoadConfig("", {"listener.port=11113"});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listener.port, 11113);
  EXPECT_TRUE(c->destinations.empty());
}

TEST(ConfigTest, MissingFileIsNamed) {
  auto c = LoadConfig("/nonexistent/ctscreen.yaml", {});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), ErrorCode::kInvalidConfig);
  EXPECT_THAT(c.status().reason(), HasSubstr("/nonexistent/ctscreen.yaml"));
  EXPECT_THAT(c.status().reason(), HasSubstr("No such file"));
}

TEST(ConfigTest, EmptySectionsAndCommentsMeanDefaults) {
  auto c = ParseConfig("# nothing\nlistener:\noutputs:\ndestinations:\n", "test.yaml", {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ExpectAllDefaultsButDestinations(*c);
  EXPECT_TRUE(c->destinations.empty());
}

TEST(ConfigTest, UnknownKeyGivesLineAndAllowedKeys) {
  std::string reason = Refusal("# comment\nlistener:\n  aet: A\n  prot: 1\n");
  EXPECT_THAT(reason, StartsWith("test.yaml:4: unknown key 'listener.prot'; allowed: aet, port, "
                                 "max_associations, allowed_peers, tls,"));
  EXPECT_THAT(Refusal("storage: {}\nlistner:\n  port: 1\n"),
              StartsWith("test.yaml:2: unknown key 'listner'; allowed: listener, series,"));
}

TEST(ConfigTest, WrongTypeIsExplained) {
  EXPECT_EQ(Refusal("pipeline:\n  devices:\n    cpu: true\n"),
            "test.yaml:2: pipeline.devices must be a list (one '- item' per line, or [a, b]), "
            "got a map");
  EXPECT_THAT(Refusal("listener:\n  - port: 1\n"),
              StartsWith("test.yaml:1: listener must be a section of 'key: value' settings, "
                         "got a list"));
  EXPECT_THAT(Refusal("storage:\n  dir: [a, b]\n"),
              StartsWith("test.yaml:2: storage.dir must be a text value, got a list"));
  EXPECT_THAT(Refusal("- listener\n"),
              StartsWith("test.yaml:1: the file must consist of sections"));
}

TEST(ConfigTest, PortOutOfRangeOrNotANumber) {
  EXPECT_EQ(Refusal("listener:\n  aet: X\n  port: 70000\n"),
            "test.yaml:3: listener.port must be an integer from 1 to 65535, got '70000'");
  EXPECT_EQ(Refusal("listener:\n  port: abc\n"),
            "test.yaml:2: listener.port must be an integer from 1 to 65535, got 'abc'");
  EXPECT_THAT(Refusal("listener:\n  port:\n"), HasSubstr("got an empty value"));
  EXPECT_THAT(Refusal("listener:\n  port: 0x2b67\n"), HasSubstr("got '0x2b67'"));
  EXPECT_THAT(Refusal("destinations:\n  - {name: a, aet: A, host: h, port: 0}\n"),
              HasSubstr("test.yaml:2: destinations[0].port must be an integer from 1 to 65535"));
  EXPECT_THAT(Refusal("listener:\n  max_instance_mb: 0\n"),
              HasSubstr("listener.max_instance_mb must be an integer of at least 1, got '0'"));
}

TEST(ConfigTest, BadEnumListsAllowedValues) {
  EXPECT_EQ(Refusal("series:\n  duplicate_policy: newest\n"),
            "test.yaml:2: series.duplicate_policy must be one of replace, keep_first, reject; "
            "got 'newest'");
  EXPECT_THAT(Refusal("logging: {level: verbose}\n"),
              HasSubstr("logging.level must be one of trace, debug, info, warn, error"));
  EXPECT_THAT(Refusal("pipeline: {precision: fp8}\n"),
              HasSubstr("must be one of auto, fp32, tf32, bf16, fp16"));
}

TEST(ConfigTest, ValuesAreRead) {
  auto c = ParseConfig(
      "listener:\n"
      "  allowed_peers:\n"
      "    - {aet: CT1, host: 10.0.0.1}\n"
      "    - {aet: PACS}\n"
      "series: {quiet_period_s: 2.5, skip_image_types: [localizer, Derived], "
      "duplicate_policy: keep_first}\n"
      "outputs: {overlay: true}\n",
      "test.yaml", {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->listener.allowed_peers.size(), 2u);
  EXPECT_EQ(c->listener.allowed_peers[0].host, "10.0.0.1");
  EXPECT_EQ(c->listener.allowed_peers[1].aet, "PACS");
  EXPECT_EQ(c->listener.allowed_peers[1].host, "");
  EXPECT_DOUBLE_EQ(c->series.quiet_period_s, 2.5);
  EXPECT_EQ(c->series.skip_image_types, (std::vector<std::string>{"LOCALIZER", "DERIVED"}));
  EXPECT_EQ(c->series.duplicate_policy, DuplicatePolicy::kKeepFirst);
  EXPECT_TRUE(c->outputs.overlay);
}

TEST(ConfigTest, ScalarRulesAreStrict) {
  EXPECT_THAT(Refusal("outputs:\n  seg: yes\n"),
              HasSubstr("test.yaml:2: outputs.seg must be true or false, got 'yes'"));
  EXPECT_THAT(Refusal("series: {quiet_period_s: 0}\n"),
              HasSubstr("series.quiet_period_s must be a number greater than 0 and at most 86400"));
  EXPECT_THAT(Refusal("listener: {aet: THIS_IS_TOO_LONG_AET}\n"), HasSubstr("AE title"));
  EXPECT_THAT(Refusal("listener: {aet: 'A\\B'}\n"), HasSubstr("no backslash"));
  EXPECT_THAT(Refusal("listener: {aet: '   '}\n"), HasSubstr("not all spaces"));
  EXPECT_THAT(Refusal("listener:\n  allowed_peers:\n    - {host: h}\n"),
              HasSubstr("test.yaml:3: listener.allowed_peers[0].aet is required"));
  EXPECT_THAT(Refusal("api: {listen: localhost}\n"), HasSubstr("api.listen must be host:port"));
  EXPECT_THAT(Refusal("update: {poll_interval_s: 10}\n"), HasSubstr("of at least 60"));
  EXPECT_THAT(Refusal("storage: {dir: ''}\n"), HasSubstr("storage.dir must not be empty"));
  EXPECT_THAT(Refusal("listener:\n  port: 1\n  port: 2\n"),
              HasSubstr("test.yaml:3: duplicate key 'listener.port' (first set at line 2)"));
}

TEST(ConfigTest, EveryProblemIsReported) {
  std::string reason = Refusal("listener:\n  port: 0\nlogging:\n  level: loud\n");
  EXPECT_THAT(reason, HasSubstr("test.yaml:2: listener.port"));
  EXPECT_THAT(reason, HasSubstr("\ntest.yaml:4: logging.level"));
}

TEST(ConfigTest, OverridesApply) {
  auto c =
      ParseConfig("listener:\n  port: 104\nstorage:\n  dir: /data\n", "test.yaml",
                  {"listener.port=11113", "storage.dir=/tmp/x", "pipeline.devices=[cpu,cuda:0]",
                   "outputs.overlay=true", "series.skip_image_types=[]", "logging={level: debug}"});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listener.port, 11113);
  EXPECT_EQ(c->storage.dir, "/tmp/x");
  EXPECT_EQ(c->pipeline.devices, (std::vector<std::string>{"cpu", "cuda:0"}));
  EXPECT_TRUE(c->outputs.overlay);
  EXPECT_TRUE(c->series.skip_image_types.empty());
  EXPECT_EQ(c->logging.level, "debug");
}

TEST(ConfigTest, OverrideErrorsNameTheOverride) {
  EXPECT_THAT(Refusal("", {"listener.prot=1"}),
              StartsWith("--set listener.prot=1: unknown key 'listener.prot'; allowed: aet, port"));
  EXPECT_EQ(Refusal("listener:\n  port: 104\n", {"listener.port=abc"}),
            "--set listener.port=abc: listener.port must be an integer from 1 to 65535, "
            "got 'abc'");
  EXPECT_THAT(Refusal("", {"listener={port: 0}"}), StartsWith("--set listener={port: 0}: "));
  EXPECT_THAT(Refusal("", {"listner.port=1"}), StartsWith("--set listner.port=1: unknown key"));
  EXPECT_THAT(Refusal("storage: 5\n", {"storage.dir=/x"}),
              HasSubstr("--set storage.dir=/x: 'storage' is a single value, not a section"));
  EXPECT_THAT(Refusal("destinations: []\n", {"destinations.0.port=1"}),
              HasSubstr("set the whole list"));
  EXPECT_THAT(Refusal("", {"listener..port=1"}), HasSubstr("dotted key"));
  EXPECT_THAT(Refusal("", {"listener.port=[1,"}), HasSubstr("not valid YAML"));
}

TEST(ConfigTest, OverrideWithoutEqualsIsRefused) {
  EXPECT_THAT(Refusal("", {"listener.port"}),
              AllOf(StartsWith("--set listener.port: "), HasSubstr("missing '='")));
}

TEST(ConfigTest, TlsEnabledNeedsCertAndKey) {
  std::string reason = Refusal("listener:\n  tls:\n    enabled: true\n    key: /k.pem\n");
  EXPECT_THAT(reason, StartsWith("test.yaml:3: listener.tls.enabled is true but "
                                 "listener.tls.cert (certificate file, PEM) is not set"));
  EXPECT_THAT(reason, Not(HasSubstr(".key")));
  EXPECT_THAT(Refusal("", {"api.tls.enabled=true"}),
              AllOf(StartsWith("--set api.tls.enabled=true: api.tls.enabled is true"),
                    HasSubstr("api.tls.key")));
  auto c = ParseConfig("listener:\n  tls: {enabled: true, cert: /c.pem, key: /k.pem}\n",
                       "test.yaml", {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->listener.tls.enabled);
  EXPECT_EQ(c->listener.tls.cert, "/c.pem");
}

TEST(ConfigTest, DestinationsAreValidated) {
  EXPECT_EQ(Refusal("destinations:\n"
                    "  - {name: pacs, aet: PACS, host: a}\n"
                    "  - name: pacs\n"
                    "    aet: PACS2\n"
                    "    host: b\n"),
            "test.yaml:3: destinations[1].name 'pacs' is already used by destinations[0]; "
            "destination names must be unique");
  EXPECT_THAT(Refusal("destinations:\n  - {name: a, aet: A}\n"),
              HasSubstr("test.yaml:2: destinations[0].host is required"));
  EXPECT_THAT(Refusal("destinations:\n  -\n"), HasSubstr("destinations[0] is empty"));
  EXPECT_THAT(Refusal("destinations: {name: a}\n"), HasSubstr("destinations must be a list"));
  auto c = ParseConfig("destinations: [{name: a, aet: A, host: h, tls: true}]\n", "t", {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->destinations[0].port, 104);
  EXPECT_TRUE(c->destinations[0].tls);
}

TEST(ConfigTest, DevicesAreValidated) {
  auto c = ParseConfig("pipeline:\n  devices: [cpu, cuda:0, cuda:1]\n", "t", {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->pipeline.devices.size(), 3u);
  EXPECT_THAT(Refusal("pipeline:\n  devices: []\n"),
              HasSubstr("test.yaml:2: pipeline.devices must list at least one device"));
  EXPECT_THAT(Refusal("pipeline:\n  devices:\n    - cpu\n    - gpu\n"),
              HasSubstr("test.yaml:4: pipeline.devices[1] must be 'cpu' or 'cuda:N'"));
  EXPECT_THAT(Refusal("pipeline: {devices: ['cuda:']}\n"), HasSubstr("got 'cuda:'"));
  EXPECT_THAT(Refusal("pipeline: {devices: ['cuda:x']}\n"), HasSubstr("got 'cuda:x'"));
  EXPECT_THAT(Refusal("pipeline: {devices: [cuda:0, cuda:0]}\n"),
              HasSubstr("pipeline.devices[1] repeats 'cuda:0'"));
  EXPECT_THAT(Refusal("", {"pipeline.devices=[cpu,tpu]"}),
              StartsWith("--set pipeline.devices=[cpu,tpu]: pipeline.devices[1]"));
}

TEST(ConfigTest, YamlSyntaxErrorGivesLine) {
  std::string reason = Refusal("listener:\n  port: 1\n  aet: [A,\nseries:\n  min_slices: 1\n");
  EXPECT_THAT(reason, AllOf(StartsWith("test.yaml:"), HasSubstr("YAML syntax error")));
  EXPECT_THAT(Refusal("listener:\n  port: 1\n   aet: X\n"), StartsWith("test.yaml:3:"));
}

TEST(ConfigTest, DeliveryIsReadAndChecked) {
  auto c = ParseConfig("delivery:\n  max_attempts: 3\n  initial_backoff_s: 0.5\n", "t.yaml", {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->delivery.max_attempts, 3);
  EXPECT_DOUBLE_EQ(c->delivery.initial_backoff_s, 0.5);
  EXPECT_DOUBLE_EQ(c->delivery.max_backoff_s, 300);
  EXPECT_THAT(Refusal("delivery:\n  max_attempts: 0\n"), StartsWith("test.yaml:2:"));
  EXPECT_THAT(Refusal("delivery:\n  retries: 3\n"), HasSubstr("unknown key 'delivery.retries'"));
}

TEST(ConfigTest, InactiveSectionsAreListed) {
  Config config;
  auto lines = InactiveSections(config);
  // Screening, results and delivery run; only the update agent is still to come.
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("update:"));
}

}  // namespace
}  // namespace ctscreen::core
