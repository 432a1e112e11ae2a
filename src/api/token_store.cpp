#include "ctscreen/api/token_store.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <fstream>
#include <sstream>

namespace ctscreen::api {

using core::ErrorCode;
using core::Status;

namespace {

std::string Hex(const unsigned char* bytes, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 15];
  }
  return out;
}

}  // namespace

const char* RoleName(Role role) {
  return role == Role::kAdmin ? "admin" : "viewer";
}

std::string Sha256Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  return Hex(digest, len);
}

std::string NewToken() {
  unsigned char bytes[32];
  RAND_bytes(bytes, sizeof(bytes));
  return Hex(bytes, sizeof(bytes));
}

core::Result<TokenStore> TokenStore::Load(const std::string& path) {
  TokenStore store;
  if (path.empty()) return store;
  std::ifstream in(path);
  if (!in) {
    return Status(ErrorCode::kInvalidConfig,
                  "api.tokens_file " + path + " cannot be read; create it with `ctscreen token`");
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    auto hash_pos = line.find('#');
    if (hash_pos != std::string::npos) line.erase(hash_pos);
    std::istringstream fields(line);
    std::string role, name, hash, extra;
    if (!(fields >> role)) continue;  // blank or comment
    const std::string where = path + ":" + std::to_string(number) + ": ";
    if (!(fields >> name >> hash) || (fields >> extra)) {
      return Status(ErrorCode::kInvalidConfig,
                    where + "expected '<viewer|admin> <name> <sha256 of the token>'");
    }
    if (role != "viewer" && role != "admin") {
      return Status(ErrorCode::kInvalidConfig,
                    where + "role '" + role + "' is not one of viewer, admin");
    }
    if (hash.size() != 64 || hash.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return Status(ErrorCode::kInvalidConfig,
                    where +
                        "the third field must be the token's sha256 in lower-case hex "
                        "(64 characters), not the token itself");
    }
    store.by_hash_[hash] = Caller{name, role == "admin" ? Role::kAdmin : Role::kViewer};
  }
  return store;
}

std::optional<Caller> TokenStore::Find(const std::string& token) const {
  auto it = by_hash_.find(Sha256Hex(token));
  if (it == by_hash_.end()) return std::nullopt;
  return it->second;
}

}  // namespace ctscreen::api
