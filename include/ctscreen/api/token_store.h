// Bearer tokens for the gRPC API. The tokens file holds one line per token:
//   <role> <name> <sha256 of the token, hex>     # role: viewer | admin
// Only hashes are stored, so the file does not hand out access if it leaks, and tokens are
// never logged (the name is). `ctscreen token --role R --name N` makes a token and its line.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "ctscreen/core/status.h"

namespace ctscreen::api {

enum class Role { kViewer, kAdmin };

const char* RoleName(Role role);

struct Caller {
  std::string name;
  Role role = Role::kViewer;
};

class TokenStore {
 public:
  // An empty path gives a store without tokens (see Authorize).
  static core::Result<TokenStore> Load(const std::string& path);

  bool has_tokens() const { return !by_hash_.empty(); }
  // The caller a token belongs to, if any.
  std::optional<Caller> Find(const std::string& token) const;

 private:
  std::map<std::string, Caller> by_hash_;
};

std::string Sha256Hex(const std::string& text);
// A fresh random token (32 bytes, hex).
std::string NewToken();

}  // namespace ctscreen::api
