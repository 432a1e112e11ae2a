// Loading half of the configuration: file and override text become one YAML tree, which
// config_schema.cpp validates. Every problem found is reported in one go, so an installer
// fixing a file does not have to restart the service once per typo.
#include "ctscreen/core/config.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "config_schema.h"

namespace ctscreen::core {
namespace {

using config_internal::AppliedOverride;

// Past this many, further messages are mostly consequences of the first ones.
constexpr std::size_t kMaxMessages = 20;

Status Invalid(const std::vector<std::string>& messages) {
  std::string reason;
  for (std::size_t i = 0; i < messages.size() && i < kMaxMessages; ++i) {
    reason += (i == 0 ? "" : "\n") + messages[i];
  }
  if (messages.size() > kMaxMessages) {
    reason += "\n(" + std::to_string(messages.size() - kMaxMessages) + " more problems not shown)";
  }
  return Status(ErrorCode::kInvalidConfig, reason);
}

std::string Trim(const std::string& text) {
  const char* space = " \t\r\n";
  auto first = text.find_first_not_of(space);
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(space) - first + 1);
}

std::string KindOf(const YAML::Node& node) {
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a section";
  return "a single value";
}

// Sets one "dotted.key=value" on the tree, creating sections on the way. Returns an empty
// string, or why the override was refused.
std::string ApplyOverride(YAML::Node& root, const std::string& text,
                          std::vector<AppliedOverride>* applied) {
  const std::string where = "--set " + text + ": ";
  auto eq = text.find('=');
  if (eq == std::string::npos) {
    return where + "missing '='; write key=value, e.g. --set listener.port=11113";
  }
  std::vector<std::string> parts;
  std::string key = Trim(text.substr(0, eq));
  std::stringstream split(key);
  for (std::string part; std::getline(split, part, '.');) parts.push_back(part);
  bool bad_key = key.empty() || key.back() == '.';
  for (const auto& part : parts) bad_key = bad_key || part.empty();
  if (bad_key) {
    return where + "the part before '=' must be a dotted key such as listener.port, got '" + key +
           "'";
  }

  YAML::Node value;
  try {
    value = YAML::Load(text.substr(eq + 1));
  } catch (const YAML::Exception& e) {
    return where + "the value after '=' is not valid YAML: " + e.msg;
  }

  // Node assignment in yaml-cpp rebinds shared data, so the walk uses reset() to move the
  // cursor and only ever assigns to the entry being created or replaced.
  YAML::Node cursor;
  cursor.reset(root);
  std::string path;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    path += (i == 0 ? "" : ".") + parts[i];
    YAML::Node child = cursor[parts[i]];
    if (!child.IsDefined() || child.IsNull()) {
      child = YAML::Node(YAML::NodeType::Map);
    } else if (child.IsSequence()) {
      return where + "'" + path + "' is a list; entries cannot be set one by one, set the " +
             "whole list instead (e.g. " + path + "=[...])";
    } else if (!child.IsMap()) {
      return where + "'" + path + "' is " + KindOf(child) + ", not a section, so '" + parts[i + 1] +
             "' cannot be set inside it";
    }
    cursor.reset(child);
  }
  cursor[parts.back()] = value;
  applied->push_back({key, text});
  return "";
}

}  // namespace

Result<Config> ParseConfig(const std::string& yaml_text, const std::string& source,
                           const std::vector<std::string>& overrides) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    std::string where = source;
    if (!e.mark.is_null()) {
      where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    return Status(ErrorCode::kInvalidConfig, where + ": YAML syntax error: " + e.msg);
  }
  if (!root.IsDefined() || root.IsNull()) {
    root = YAML::Node(YAML::NodeType::Map);  // empty or comments only: all defaults
  } else if (!root.IsMap()) {
    return Status(ErrorCode::kInvalidConfig,
                  source + ":" + std::to_string(root.Mark().line + 1) +
                      ": the file must consist of sections (listener:, series:, storage:, ...), " +
                      "got " + KindOf(root));
  }

  std::vector<std::string> messages;
  std::vector<AppliedOverride> applied;
  for (const auto& text : overrides) {
    std::string refused = ApplyOverride(root, text, &applied);
    if (!refused.empty()) messages.push_back(std::move(refused));
  }

  Config config;
  try {
    auto problems = config_internal::ReadConfigTree(root, source, applied, &config);
    messages.insert(messages.end(), problems.begin(), problems.end());
  } catch (const YAML::Exception& e) {
    // The reader only walks nodes it has type-checked; reaching here is a bug, not bad input.
    return Status(ErrorCode::kInternal, source + ": reading the configuration failed: " + e.what());
  }
  if (!messages.empty()) return Invalid(messages);
  config.source = source;
  return config;
}

Result<Config> LoadConfig(const std::string& file, const std::vector<std::string>& overrides) {
  if (file.empty()) return ParseConfig("", "built-in defaults", overrides);
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    return Status(ErrorCode::kInvalidConfig,
                  "configuration file " + file + " is a folder; give the path of the YAML file");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    int err = errno;
    std::string hint;
    if (err == ENOENT) hint = "; check the path (the documented example is config/ctscreen.yaml)";
    if (err == EACCES) hint = "; check the file's owner and permissions";
    return Status(ErrorCode::kInvalidConfig,
                  "cannot read configuration file " + file + ": " + std::strerror(err) + hint);
  }
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return Status(ErrorCode::kInvalidConfig, "reading configuration file " + file + " failed");
  }
  return ParseConfig(text.str(), file, overrides);
}

std::vector<std::string> InactiveSections(const Config&) {
  return {
      "update: validated, not active yet (model updates arrive in a later release)",
  };
}

}  // namespace ctscreen::core
