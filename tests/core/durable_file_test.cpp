#include "ctscreen/core/durable_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace ctscreen::core {
namespace {

namespace fs = std::filesystem;

class DurableFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("ctscreen-durable-" + std::to_string(::getpid()));
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(DurableFileTest, EnsureDirectoryCreatesNestedFolders) {
  auto dir = (root_ / "a" / "b" / "c").string();
  ASSERT_TRUE(EnsureDirectory(dir).ok());
  EXPECT_TRUE(fs::is_directory(dir));
  EXPECT_TRUE(EnsureDirectory(dir).ok());  // idempotent
}

TEST_F(DurableFileTest, WriteFileDurablyLeavesNoTemporary) {
  ASSERT_TRUE(EnsureDirectory(root_.string()).ok());
  auto path = (root_ / "state.json").string();
  ASSERT_TRUE(WriteFileDurably(path, "{\"a\":1}").ok());
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "{\"a\":1}");
  EXPECT_FALSE(fs::exists(path + ".tmp"));
}

TEST_F(DurableFileTest, FolderThatIsAFileIsRefusedWithReason) {
  ASSERT_TRUE(EnsureDirectory(root_.string()).ok());
  auto file = (root_ / "plain").string();
  ASSERT_TRUE(WriteFileDurably(file, "x").ok());
  Status s = EnsureDirectory(file + "/sub");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.reason().find("not a folder"), std::string::npos) << s.reason();
}

TEST_F(DurableFileTest, FreeMegabytesOfExistingFolder) {
  auto free_mb = FreeMegabytes("/");
  ASSERT_TRUE(free_mb.ok());
  EXPECT_GT(*free_mb, 0);
  EXPECT_FALSE(FreeMegabytes((root_ / "missing").string()).ok());
}

TEST(ParentDirectoryTest, Cases) {
  EXPECT_EQ(ParentDirectory("a/b/c.dcm"), "a/b");
  EXPECT_EQ(ParentDirectory("c.dcm"), ".");
  EXPECT_EQ(ParentDirectory("/c.dcm"), "/");
}

}  // namespace
}  // namespace ctscreen::core
