// Private to ctscreen_core. config.cpp turns the file and the --set overrides into one YAML
// tree; config_schema.cpp checks that tree section by section and fills Config, using the typed
// field readers of config_reader.cpp, which also decide where each problem is reported.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ctscreen/core/config.h"

namespace ctscreen::core::config_internal {

// A --set override that was applied to the tree. Values under `path` came from the command
// line, so their problems are reported as "--set <text>: ..." instead of "file:line: ...".
struct AppliedOverride {
  std::string path;  // "listener.port"
  std::string text;  // "listener.port=11113", as the operator typed it
};

// Validates `root` (a map) against the schema and stores the values in *config. Returns one
// message per problem, each prefixed with where it is.
std::vector<std::string> ReadConfigTree(const YAML::Node& root, const std::string& source,
                                        const std::vector<AppliedOverride>& overrides,
                                        Config* config);

// One value of the tree with the path used in messages ("destinations[1].port"). The key's
// mark is kept because a map or list value starts on the line after its key and an empty value
// has no useful position at all; the reader of a message looks for the key.
struct Field {
  YAML::Node node;
  std::string path;
  YAML::Mark key_mark;
};

using OptField = std::optional<Field>;  // empty: the key is absent, the default stays

// The entries of one map, each already checked against the schema's key names.
struct Section {
  std::vector<std::pair<std::string, Field>> entries;

  OptField Get(const std::string& key) const {
    for (const auto& [name, field] : entries) {
      if (name == key) return field;
    }
    return std::nullopt;
  }
};

// "'abc'", "a list", "an empty value": what was found, for "..., got X" messages.
std::string Describe(const YAML::Node& node);

// Typed reads of single fields. Each Read* leaves *out untouched when the field is absent or
// invalid, and records a message for an invalid one; messages accumulate until TakeErrors().
class FieldReader {
 public:
  FieldReader(const std::string& source, const std::vector<AppliedOverride>& overrides)
      : source_(source), overrides_(overrides) {}

  std::vector<std::string> TakeErrors() { return std::move(errors_); }

  // Records "<where>: <path> <message>".
  void Fail(const Field& field, const std::string& message);

  // The entries of a map; unknown and repeated keys are reported. Null reads as empty, so a
  // section whose keys are all commented out means "all defaults".
  Section Open(const OptField& field, const std::vector<std::string>& allowed);
  // Open() for a list entry that must be a map; false (reported) when it is not.
  bool OpenItem(const Field& item, const std::vector<std::string>& allowed, Section* section);
  // The entries of a list; null reads as an empty list.
  std::vector<Field> Items(const OptField& field);
  // Reports `item.key is required` when the entry lacks `key`.
  bool Require(const Field& item, const Section& section, const std::string& key);

  template <typename T>
  void ReadInt(const OptField& field, std::int64_t lo, T* out,
               std::int64_t hi = std::numeric_limits<T>::max()) {
    std::int64_t value = 0;
    if (ReadInteger(field, lo, hi, hi == std::numeric_limits<T>::max(), &value)) {
      *out = static_cast<T>(value);
    }
  }
  void ReadNumber(const OptField& field, double lo_exclusive, double hi, double* out);
  void ReadBool(const OptField& field, bool* out);
  // Null reads as "": that is how an optional path is left unset.
  bool ReadString(const OptField& field, std::string* out);
  void ReadNonEmpty(const OptField& field, std::string* out);
  void ReadEnum(const OptField& field, const std::vector<std::string>& allowed, std::string* out);
  void ReadAet(const OptField& field, std::string* out);
  void ReadListen(const OptField& field, std::string* out);

 private:
  bool ReadInteger(const OptField& field, std::int64_t lo, std::int64_t hi, bool unbounded,
                   std::int64_t* out);
  void Report(const Field& field, const std::string& message);  // message as is, no path
  std::string Where(const Field& field) const;

  const std::string& source_;
  const std::vector<AppliedOverride>& overrides_;
  std::vector<std::string> errors_;
};

}  // namespace ctscreen::core::config_internal
