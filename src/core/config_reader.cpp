#include <charconv>
#include <cmath>
#include <cstdio>

#include "config_schema.h"

namespace ctscreen::core::config_internal {
namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string FormatNumber(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

// YAML's own integer rules accept octal, hex and "1_000"; settings are decimal only, so that
// "port: 010" cannot silently mean 8.
bool ParseInt(const YAML::Node& node, std::int64_t* out) {
  if (!node.IsScalar()) return false;
  std::string text = node.Scalar();
  if (!text.empty() && text[0] == '+') text.erase(0, 1);  // from_chars takes '-' only
  if (text.empty() || text[0] == '+') return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

bool ParseDouble(const YAML::Node& node, double* out) {
  if (!node.IsScalar()) return false;
  const std::string& text = node.Scalar();
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return !text.empty() && ec == std::errc() && ptr == end && std::isfinite(*out);
}

// DICOM AE title (PS3.5 VR AE): up to 16 characters of the default repertoire, no backslash
// (the value separator), and not only spaces, which DICOM treats as insignificant.
bool IsValidAet(const std::string& aet) {
  if (aet.empty() || aet.size() > 16) return false;
  bool all_spaces = true;
  for (char ch : aet) {
    if (ch < 0x20 || ch > 0x7e || ch == '\\') return false;
    if (ch != ' ') all_spaces = false;
  }
  return !all_spaces;
}

bool IsValidPort(const std::string& text) {
  if (text.empty() || text.size() > 5) return false;
  int port = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return false;
    port = port * 10 + (ch - '0');
  }
  return port >= 1 && port <= 65535;
}

// "host:port" or "[v6-address]:port".
bool IsValidListen(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || !IsValidPort(text.substr(colon + 1))) return false;
  std::string host = text.substr(0, colon);
  if (!host.empty() && host.front() == '[') return host.size() > 2 && host.back() == ']';
  return !host.empty() && host.find(':') == std::string::npos;
}

}  // namespace

std::string Describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "an empty value";
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  return "'" + node.Scalar() + "'";
}

void FieldReader::Fail(const Field& field, const std::string& message) {
  Report(field, field.path + " " + message);
}

void FieldReader::Report(const Field& field, const std::string& message) {
  errors_.push_back(Where(field) + ": " + message);
}

// Values typed on the command line have no line in the file; the operator needs to see which
// --set to fix. An override of "listener" covers "listener.port", and a section that exists
// only because an override created it is blamed on that override too.
std::string FieldReader::Where(const Field& field) const {
  auto covers = [](const std::string& outer, const std::string& inner) {
    return inner == outer || inner.rfind(outer + ".", 0) == 0 || inner.rfind(outer + "[", 0) == 0;
  };
  for (auto it = overrides_.rbegin(); it != overrides_.rend(); ++it) {
    if (covers(it->path, field.path)) return "--set " + it->text;
  }
  YAML::Mark mark = field.key_mark;
  if (field.node.IsDefined() && field.node.IsScalar() && !field.node.Mark().is_null()) {
    mark = field.node.Mark();
  }
  if (!mark.is_null()) return source_ + ":" + std::to_string(mark.line + 1);
  for (auto it = overrides_.rbegin(); it != overrides_.rend(); ++it) {
    if (covers(field.path, it->path)) return "--set " + it->text;
  }
  return source_;
}

Section FieldReader::Open(const OptField& field, const std::vector<std::string>& allowed) {
  Section section;
  if (!field || field->node.IsNull()) return section;
  if (!field->node.IsMap()) {
    Fail(*field, "must be a section of 'key: value' settings, got " + Describe(field->node));
    return section;
  }
  const std::string prefix = field->path.empty() ? "" : field->path + ".";
  for (auto it = field->node.begin(); it != field->node.end(); ++it) {
    Field entry{it->second, prefix + it->first.Scalar(), it->first.Mark()};
    if (!it->first.IsScalar()) {
      Report(entry, "a key in " + (field->path.empty() ? "the file" : field->path) +
                        " is not a plain name");
      continue;
    }
    const std::string& key = it->first.Scalar();
    bool known = false;
    for (const auto& name : allowed) known = known || name == key;
    if (!known) {
      Report(entry, "unknown key '" + entry.path + "'; allowed: " + Join(allowed));
    } else if (auto first = section.Get(key)) {
      Report(entry, "duplicate key '" + entry.path + "' (first set at line " +
                        std::to_string(first->key_mark.line + 1) + "); keep only one");
    } else {
      section.entries.emplace_back(key, std::move(entry));
    }
  }
  return section;
}

bool FieldReader::OpenItem(const Field& item, const std::vector<std::string>& allowed,
                           Section* section) {
  if (item.node.IsNull()) {
    Fail(item, "is empty; give its settings (" + Join(allowed) + ")");
    return false;
  }
  *section = Open(item, allowed);
  return item.node.IsMap();
}

std::vector<Field> FieldReader::Items(const OptField& field) {
  std::vector<Field> items;
  if (!field || field->node.IsNull()) return items;
  if (!field->node.IsSequence()) {
    Fail(*field, "must be a list (one '- item' per line, or [a, b]), got " + Describe(field->node));
    return items;
  }
  for (std::size_t i = 0; i < field->node.size(); ++i) {
    YAML::Node item = field->node[i];
    YAML::Mark mark = item.Mark().is_null() ? field->key_mark : item.Mark();
    items.push_back({item, field->path + "[" + std::to_string(i) + "]", mark});
  }
  return items;
}

bool FieldReader::Require(const Field& item, const Section& section, const std::string& key) {
  if (section.Get(key)) return true;
  Report(item, item.path + "." + key + " is required");
  return false;
}

bool FieldReader::ReadInteger(const OptField& field, std::int64_t lo, std::int64_t hi,
                              bool unbounded, std::int64_t* out) {
  if (!field) return false;
  bool parsed = ParseInt(field->node, out);
  if (parsed && *out >= lo && *out <= hi) return true;
  // "at least 1" reads better than "from 1 to 2147483647", unless the value hit the ceiling.
  std::string range = unbounded && !(parsed && *out > hi)
                          ? "of at least " + std::to_string(lo)
                          : "from " + std::to_string(lo) + " to " + std::to_string(hi);
  Fail(*field, "must be an integer " + range + ", got " + Describe(field->node));
  return false;
}

void FieldReader::ReadNumber(const OptField& field, double lo_exclusive, double hi, double* out) {
  if (!field) return;
  double value = 0;
  if (ParseDouble(field->node, &value) && value > lo_exclusive && value <= hi) {
    *out = value;
    return;
  }
  Fail(*field, "must be a number greater than " + FormatNumber(lo_exclusive) + " and at most " +
                   FormatNumber(hi) + ", got " + Describe(field->node));
}

// Only true/false: YAML 1.1's yes/no/on/off are exactly the slips ("NO" as a country code,
// "off" meant as a string) that should be caught, not guessed.
void FieldReader::ReadBool(const OptField& field, bool* out) {
  if (!field) return;
  const YAML::Node& node = field->node;
  if (node.IsScalar() && (node.Scalar() == "true" || node.Scalar() == "false")) {
    *out = node.Scalar() == "true";
    return;
  }
  Fail(*field, "must be true or false, got " + Describe(node));
}

bool FieldReader::ReadString(const OptField& field, std::string* out) {
  if (!field) return false;
  if (field->node.IsNull()) {
    out->clear();
    return true;
  }
  if (field->node.IsScalar()) {
    *out = field->node.Scalar();
    return true;
  }
  Fail(*field, "must be a text value, got " + Describe(field->node));
  return false;
}

void FieldReader::ReadNonEmpty(const OptField& field, std::string* out) {
  std::string value;
  if (!ReadString(field, &value)) return;
  if (value.empty()) {
    Fail(*field, "must not be empty");
    return;
  }
  *out = std::move(value);
}

void FieldReader::ReadEnum(const OptField& field, const std::vector<std::string>& allowed,
                           std::string* out) {
  if (!field) return;
  if (field->node.IsScalar()) {
    for (const auto& name : allowed) {
      if (field->node.Scalar() == name) {
        *out = name;
        return;
      }
    }
  }
  Fail(*field, "must be one of " + Join(allowed) + "; got " + Describe(field->node));
}

void FieldReader::ReadAet(const OptField& field, std::string* out) {
  std::string value;
  if (!ReadString(field, &value)) return;
  if (!IsValidAet(value)) {
    Fail(*field,
         "must be an AE title: 1 to 16 printable ASCII characters, no backslash, not all "
         "spaces; got " +
             Describe(field->node));
    return;
  }
  *out = std::move(value);
}

void FieldReader::ReadListen(const OptField& field, std::string* out) {
  std::string value;
  if (!ReadString(field, &value)) return;
  if (!IsValidListen(value)) {
    Fail(*field,
         "must be host:port with a port from 1 to 65535 (e.g. 127.0.0.1:50051 or [::1]:50051), "
         "got " +
             Describe(field->node));
    return;
  }
  *out = std::move(value);
}

}  // namespace ctscreen::core::config_internal
