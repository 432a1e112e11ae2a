#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "ctscreen/api/token_store.h"
#include "grpc_status.h"

namespace ctscreen::api {
namespace {

using core::ErrorCode;

TEST(GrpcStatusTest, EveryCodeHasItsRow) {
  const std::pair<ErrorCode, grpc::StatusCode> rows[] = {
      {ErrorCode::kOk, grpc::StatusCode::OK},
      {ErrorCode::kInvalidConfig, grpc::StatusCode::INVALID_ARGUMENT},
      {ErrorCode::kInvalidArgument, grpc::StatusCode::INVALID_ARGUMENT},
      {ErrorCode::kUnparseable, grpc::StatusCode::INVALID_ARGUMENT},
      {ErrorCode::kMissingUid, grpc::StatusCode::INVALID_ARGUMENT},
      {ErrorCode::kMalformedUid, grpc::StatusCode::INVALID_ARGUMENT},
      {ErrorCode::kUidMismatch, grpc::StatusCode::INVALID_ARGUMENT},
      {ErrorCode::kNotCt, grpc::StatusCode::INVALID_ARGUMENT},
      {ErrorCode::kPixelDataMissing, grpc::StatusCode::INVALID_ARGUMENT},
      {ErrorCode::kPixelDataLength, grpc::StatusCode::INVALID_ARGUMENT},
      {ErrorCode::kAbsurdSize, grpc::StatusCode::INVALID_ARGUMENT},
      {ErrorCode::kGeometry, grpc::StatusCode::INVALID_ARGUMENT},
      {ErrorCode::kUnsupportedImage, grpc::StatusCode::INVALID_ARGUMENT},
      {ErrorCode::kSeriesLimit, grpc::StatusCode::RESOURCE_EXHAUSTED},
      {ErrorCode::kAssociationLimit, grpc::StatusCode::RESOURCE_EXHAUSTED},
      {ErrorCode::kDiskFull, grpc::StatusCode::RESOURCE_EXHAUSTED},
      {ErrorCode::kDuplicateRejected, grpc::StatusCode::FAILED_PRECONDITION},
      {ErrorCode::kIoError, grpc::StatusCode::UNAVAILABLE},
      {ErrorCode::kDatabase, grpc::StatusCode::UNAVAILABLE},
      {ErrorCode::kNotFound, grpc::StatusCode::NOT_FOUND},
      {ErrorCode::kIllegalTransition, grpc::StatusCode::FAILED_PRECONDITION},
      {ErrorCode::kInternal, grpc::StatusCode::INTERNAL},
  };
  for (const auto& [ours, theirs] : rows) {
    EXPECT_EQ(GrpcCodeFor(ours), theirs) << core::ErrorCodeName(ours);
  }
  auto status = ToGrpc(core::Status(ErrorCode::kNotFound, "no job with id 7"));
  EXPECT_EQ(status.error_message(), "no job with id 7");
}

class TokenStoreTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    path_ =
        (std::filesystem::temp_directory_path() / ("ctscreen-tokens-" + std::to_string(::getpid())))
            .string();
    std::ofstream(path_) << text;
    return path_;
  }
  void TearDown() override { std::filesystem::remove(path_); }
  std::string path_;
};

TEST_F(TokenStoreTest, FindsCallersByTokenHash) {
  const std::string token = NewToken();
  auto store = TokenStore::Load(Write("# comment\n\nadmin alice " + Sha256Hex(token) + "\n"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto caller = store->Find(token);
  ASSERT_TRUE(caller.has_value());
  EXPECT_EQ(caller->name, "alice");
  EXPECT_EQ(caller->role, Role::kAdmin);
  EXPECT_FALSE(store->Find("other").has_value());
}

TEST_F(TokenStoreTest, MistakesAreRefusedWithTheLine) {
  auto bad_role = TokenStore::Load(Write("root bob " + Sha256Hex("x") + "\n"));
  EXPECT_NE(bad_role.status().reason().find(":1: role 'root' is not one of viewer, admin"),
            std::string::npos)
      << bad_role.status().reason();
  auto clear_token = TokenStore::Load(Write("\nviewer bob s3cret\n"));
  EXPECT_NE(clear_token.status().reason().find(":2: the third field must be the token's sha256"),
            std::string::npos);
  EXPECT_FALSE(TokenStore::Load("/no/such/tokens").ok());
  EXPECT_FALSE(TokenStore::Load("").value().has_tokens());
}

TEST(TokenTest, TokensAreRandomAndHashesStable) {
  EXPECT_NE(NewToken(), NewToken());
  EXPECT_EQ(NewToken().size(), 64u);
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace ctscreen::api
