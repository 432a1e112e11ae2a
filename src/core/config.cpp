// Placeholder until the YAML loader lands: built-in defaults only.
#include "ctscreen/core/config.h"

namespace ctscreen::core {

Result<Config> ParseConfig(const std::string&, const std::string& source,
                           const std::vector<std::string>&) {
  Config c;
  c.source = source;
  return c;
}

Result<Config> LoadConfig(const std::string& file, const std::vector<std::string>& overrides) {
  return ParseConfig("", file, overrides);
}

std::vector<std::string> InactiveSections(const Config&) { return {}; }

}  // namespace ctscreen::core
