#include "core/base/files.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace tern {
namespace {

using ::testing::HasSubstr;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(FilesTest, WritesWholeFileAndLeavesNoTemporary) {
  testing::TempDir tmp;
  const std::string path = tmp / "out.json";
  ASSERT_TRUE(WriteFileAtomically(path, "old").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "new contents\n").ok());
  EXPECT_EQ(Slurp(path), "new contents\n");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(FilesTest, FailedFillKeepsTheOldFile) {
  testing::TempDir tmp;
  const std::string path = tmp / "report.html";
  ASSERT_TRUE(WriteFileAtomically(path, "previous").ok());
  absl::Status s = WriteFileThrough(path, [](std::FILE* file) {
    std::fputs("half of it", file);
    return absl::DataLossError("renderer gave up");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(Slurp(path), "previous");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(FilesTest, UnwritableFolderIsNamed) {
  testing::TempDir tmp;
  const std::string path = tmp / "missing-folder/out.json";
  absl::Status s = WriteFileAtomically(path, "x");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(s.message()), HasSubstr("missing-folder/out.json.tmp"));
}

}  // namespace
}  // namespace tern
