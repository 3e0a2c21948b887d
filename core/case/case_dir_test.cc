#include "core/case/case_dir.h"

#include <fstream>
#include <sstream>

#include "core/case/run_log.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace tern {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(CaseDirTest, NamesEveryFileOfTheContract) {
  const CaseDir dir("cases/acme");
  EXPECT_EQ(dir.root(), "cases/acme");
  EXPECT_EQ(dir.store(), "cases/acme/store");
  EXPECT_EQ(dir.custody(), "cases/acme/custody.json");
  EXPECT_EQ(dir.findings(), "cases/acme/findings.json");
  EXPECT_EQ(dir.report(), "cases/acme/report.html");
  EXPECT_EQ(dir.log(), "cases/acme/tern.log");
  EXPECT_EQ(dir.manifest(), "cases/acme/manifest.json");
  EXPECT_EQ(dir.manifest_signature(), "cases/acme/manifest.sig");
  EXPECT_EQ(dir.File("timeline.csv"), "cases/acme/timeline.csv");
}

TEST(CaseDirTest, CreateMakesParentsAndAcceptsAnExistingDirectory) {
  testing::TempDir tmp;
  const CaseDir dir(tmp / "a/b/case");
  ASSERT_TRUE(dir.Create().ok());
  EXPECT_TRUE(CaseDir::IsDirectory(dir.root()));
  EXPECT_TRUE(dir.Create().ok());
}

TEST(CaseDirTest, CreateFailsOnAFileNamingIt) {
  testing::TempDir tmp;
  const std::string file = tmp.Write("case", "not a folder");
  const absl::Status status = CaseDir(file).Create();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr(file));
  EXPECT_FALSE(CaseDir::IsDirectory(file));
}

TEST(CaseDirTest, DisplayPathIsAbsoluteAndNormal) {
  EXPECT_EQ(DisplayPath("/x/./y/../z"), "/x/z");
  EXPECT_THAT(DisplayPath("rel/file"), StartsWith("/"));
  EXPECT_THAT(DisplayPath("rel/file"), HasSubstr("rel/file"));
}

TEST(RunLogTest, AppendsTimestampedSanitizedLines) {
  testing::TempDir tmp;
  const CaseDir dir(tmp.path());
  {
    absl::StatusOr<std::unique_ptr<RunLog>> log = RunLog::Open(dir.log());
    ASSERT_TRUE(log.ok()) << log.status();
    (*log)->Line("INFO", "first");
    (*log)->Warn(Warning{"rejected-record", "a.csv", 12, "bad \xff byte"});
    EXPECT_TRUE((*log)->status().ok());
  }
  {
    absl::StatusOr<std::unique_ptr<RunLog>> log = RunLog::Open(dir.log());
    ASSERT_TRUE(log.ok());
    (*log)->Line("ERROR", "second");
  }
  const std::string text = ReadAll(dir.log());
  EXPECT_THAT(text, MatchesRegex("[0-9T:.Z-]+ INFO first\n"
                                 "[0-9T:.Z-]+ WARN rejected-record: a.csv line 12: bad .+ byte\n"
                                 "[0-9T:.Z-]+ ERROR second\n"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("\xff")));
}

TEST(RunLogTest, OpenFailureIsAStatusNamingTheFile) {
  testing::TempDir tmp;
  const std::string path = tmp / "missing-folder/tern.log";
  absl::StatusOr<std::unique_ptr<RunLog>> log = RunLog::Open(path);
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(log.status().message(), HasSubstr(path));
}

TEST(RunLogTest, WriteFailureIsKept) {
  // /dev/full accepts the open and fails every write (ENOSPC).
  absl::StatusOr<std::unique_ptr<RunLog>> log = RunLog::Open("/dev/full");
  if (!log.ok()) GTEST_SKIP() << "no /dev/full here";
  (*log)->Line("INFO", "lost");
  EXPECT_EQ((*log)->status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT((*log)->status().message(), HasSubstr("/dev/full"));
}

}  // namespace
}  // namespace tern
