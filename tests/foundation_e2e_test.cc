// End-to-end tests of the foundation: the built `tern` binary over fixtures:
// overlapping exports, re-ingest, malformed rows, verify, exit codes.
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "simdjson.h"
#include "tests/testing/tern_runner.h"

namespace tern::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

struct Json {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  explicit Json(const std::string& path) {
    auto loaded = parser.load(path);
    EXPECT_FALSE(loaded.error()) << "cannot parse " << path;
    if (!loaded.error()) root = loaded.value();
  }
  uint64_t Uint(std::string_view pointer) {
    auto v = root.at_pointer(pointer).get_uint64();
    EXPECT_FALSE(v.error()) << pointer;
    return v.error() ? ~0ull : v.value();
  }
  std::string Str(std::string_view pointer) {
    auto v = root.at_pointer(pointer).get_string();
    EXPECT_FALSE(v.error()) << pointer;
    return v.error() ? "" : std::string(v.value());
  }
  size_t Size(std::string_view pointer) {
    auto v = root.at_pointer(pointer).get_array();
    EXPECT_FALSE(v.error()) << pointer;
    return v.error() ? 0 : v.value().size();
  }
};

class FoundationTest : public ::testing::Test {
 protected:
  std::string CaseDir() { return tmp_ / "case"; }
  // Copies the two e2e exports into the temp dir so tests may modify them.
  void CopyExports() {
    fs::copy_file(Fixture("e2e/export_a.csv"), tmp_ / "export_a.csv");
    fs::copy_file(Fixture("e2e/export_b.jsonl"), tmp_ / "export_b.jsonl");
  }
  TempDir tmp_;
};

TEST_F(FoundationTest, OverlappingExportsCountDuplicatesExactly) {
  RunResult r = RunTern({"run", "--case", CaseDir(), "--quiet", Fixture("e2e/export_a.csv"),
                         Fixture("e2e/export_b.jsonl")});
  // The malformed row makes the run complete with warnings.
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("13 parsed: 9 stored, 3 duplicate, 1 rejected"));
  EXPECT_THAT(r.out, HasSubstr("report.html"));
  EXPECT_THAT(r.out, HasSubstr("findings.json"));

  Json findings(CaseDir() + "/findings.json");
  EXPECT_EQ(findings.Str("/schema"), "tern.findings/2");
  EXPECT_EQ(findings.Uint("/summary/events"), 9u);
  EXPECT_EQ(findings.Uint("/summary/duplicates"), 3u);
  EXPECT_EQ(findings.Uint("/summary/rejected"), 1u);
  EXPECT_EQ(findings.Str("/summary/first_event"), "2024-05-01T10:03:00Z");
  EXPECT_EQ(findings.Str("/summary/last_event"), "2024-05-03T10:08:00Z");
  EXPECT_EQ(findings.Size("/evidence"), 2u);

  Json custody(CaseDir() + "/custody.json");
  EXPECT_EQ(custody.Str("/schema"), "tern.custody/1");
  ASSERT_EQ(custody.Size("/evidence"), 2u);
  EXPECT_EQ(custody.Str("/evidence/0/format"), "purview-csv");
  EXPECT_EQ(custody.Uint("/evidence/0/records/parsed"), 7u);
  EXPECT_EQ(custody.Uint("/evidence/0/records/rejected"), 1u);
  EXPECT_EQ(custody.Uint("/evidence/1/records/parsed"), 6u);
  EXPECT_EQ(custody.Uint("/evidence/0/records/stored") + custody.Uint("/evidence/1/records/stored"),
            9u);
  EXPECT_EQ(custody.Str("/evidence/0/sha256").size(), 64u);
  EXPECT_EQ(custody.Str("/evidence/0/sha1").size(), 40u);
  EXPECT_EQ(custody.Str("/evidence/0/md5").size(), 32u);
  EXPECT_EQ(custody.Str("/evidence/0/coverage/first_event"), "2024-05-01T10:03:00Z");
  EXPECT_EQ(custody.Str("/runs/0/outcome"), "warnings");
}

TEST_F(FoundationTest, ResultsDoNotDependOnInputOrder) {
  RunResult a = RunTern({"run", "--case", tmp_ / "a", "--quiet", Fixture("e2e/export_a.csv"),
                         Fixture("e2e/export_b.jsonl")});
  RunResult b = RunTern({"run", "--case", tmp_ / "b", "--quiet", Fixture("e2e/export_b.jsonl"),
                         Fixture("e2e/export_a.csv")});
  ASSERT_EQ(a.exit_code, 1) << a.err;
  ASSERT_EQ(b.exit_code, 1) << b.err;
  EXPECT_EQ(ReadFile(tmp_ / "a/findings.json"), ReadFile(tmp_ / "b/findings.json"));
  EXPECT_EQ(ReadFile(tmp_ / "a/report.html"), ReadFile(tmp_ / "b/report.html"));
}

TEST_F(FoundationTest, ReingestingKnownBytesIsSkipped) {
  CopyExports();
  ASSERT_EQ(RunTern({"ingest", "--case", CaseDir(), "--quiet", tmp_ / "export_b.jsonl"}).exit_code,
            0);
  // The same file again, and an identical copy under another name.
  fs::copy_file(tmp_ / "export_b.jsonl", tmp_ / "renamed_copy.jsonl");
  RunResult again = RunTern({"ingest", "--case", CaseDir(), "--quiet", tmp_ / "export_b.jsonl",
                             tmp_ / "renamed_copy.jsonl"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("2 already in the case"));
  EXPECT_THAT(again.out, HasSubstr("0 parsed"));

  Json custody(CaseDir() + "/custody.json");
  ASSERT_EQ(custody.Size("/evidence"), 3u);
  EXPECT_EQ(custody.Str("/evidence/0/status"), "ingested");
  EXPECT_EQ(custody.Str("/evidence/1/status"), "skipped-known-sha256");
  EXPECT_EQ(custody.Str("/evidence/2/status"), "skipped-known-sha256");
  EXPECT_EQ(custody.Size("/runs"), 2u);

  ASSERT_EQ(RunTern({"report", "--case", CaseDir()}).exit_code, 0);
  Json findings(CaseDir() + "/findings.json");
  EXPECT_EQ(findings.Uint("/summary/events"), 6u);
  EXPECT_EQ(findings.Uint("/summary/duplicates"), 0u);
  EXPECT_EQ(findings.Size("/evidence"), 1u);
}

TEST_F(FoundationTest, DuplicatesAcrossRunsAreCounted) {
  ASSERT_EQ(
      RunTern({"ingest", "--case", CaseDir(), "--quiet", Fixture("e2e/export_b.jsonl")}).exit_code,
      0);
  RunResult second =
      RunTern({"ingest", "--case", CaseDir(), "--quiet", Fixture("e2e/export_a.csv")});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_THAT(second.out, HasSubstr("7 parsed: 3 stored, 3 duplicate, 1 rejected"));
}

TEST_F(FoundationTest, MalformedRowIsRejectedWithItsLineAndTheRestKept) {
  RunResult r = RunTern({"ingest", "--case", CaseDir(), Fixture("e2e/export_a.csv")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("7 parsed: 6 stored, 0 duplicate, 1 rejected"));
  EXPECT_THAT(r.err, HasSubstr("export_a.csv line 6"));
  const std::string log = ReadFile(CaseDir() + "/tern.log");
  EXPECT_THAT(log, HasSubstr("rejected-record"));
  EXPECT_THAT(log, HasSubstr("export_a.csv line 6"));
  Json custody(CaseDir() + "/custody.json");
  EXPECT_EQ(custody.Str("/evidence/0/warnings/0/kind"), "rejected-record");
  EXPECT_EQ(custody.Uint("/evidence/0/warnings/0/line"), 6u);
}

TEST_F(FoundationTest, AnalyzingAMissingCaseIsAnErrorThatCreatesNothing) {
  // A mistyped --case must not analyze a new, empty case and say "0 findings".
  RunResult r = RunTern({"analyze", "--case", CaseDir(), "--quiet"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("no case at " + CaseDir()));
  EXPECT_THAT(r.out, Not(HasSubstr("0 findings")));
  EXPECT_FALSE(fs::exists(CaseDir()));
  // An ingested case is analyzed as before.
  ASSERT_EQ(
      RunTern({"ingest", "--case", CaseDir(), "--quiet", Fixture("e2e/export_b.jsonl")}).exit_code,
      0);
  EXPECT_EQ(RunTern({"analyze", "--case", CaseDir(), "--quiet"}).exit_code, 0);
}

TEST_F(FoundationTest, AnalysisShowsItsStepsUnlessQuietAndLogsTheirTimes) {
  ASSERT_EQ(
      RunTern({"ingest", "--case", CaseDir(), "--quiet", Fixture("e2e/export_b.jsonl")}).exit_code,
      0);
  RunResult loud = RunTern({"analyze", "--case", CaseDir()});
  ASSERT_EQ(loud.exit_code, 0) << loud.err;
  // Not a terminal: plain lines, each step's start and end.
  for (const char* line :
       {"progress: analysis step 1/4, mailboxes, identities and networks\n",
        "progress: analysis step 2/4, sessions, pivots and rules: done in ",
        "progress: analysis step 3/4, incidents\n",
        "progress: analysis step 4/4, writing and compacting the results: done in "}) {
    EXPECT_THAT(loud.err, HasSubstr(line));
  }
  EXPECT_THAT(loud.err, Not(HasSubstr("\033")));
  EXPECT_THAT(loud.out, Not(HasSubstr("progress")));
  RunResult quiet = RunTern({"analyze", "--case", CaseDir(), "--quiet"});
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err, "");
  // tern.log has each step's end, both runs.
  const std::string log = ReadFile(CaseDir() + "/tern.log");
  size_t ends = 0;
  for (size_t at = log.find("analyze: analysis step 2/4"); at != std::string::npos;
       at = log.find("analyze: analysis step 2/4", at + 1)) {
    ++ends;
  }
  EXPECT_EQ(ends, 2u);
  EXPECT_THAT(log, HasSubstr("analyze: analysis step 1/4, mailboxes, identities and networks: "
                             "done in "));
}

TEST_F(FoundationTest, StrictTurnsRejectedRecordsIntoFailure) {
  RunResult r =
      RunTern({"ingest", "--case", CaseDir(), "--quiet", "--strict", Fixture("e2e/export_a.csv")});
  EXPECT_EQ(r.exit_code, 3);
}

TEST_F(FoundationTest, VerifyCatchesAOneByteChange) {
  CopyExports();
  ASSERT_EQ(RunTern({"ingest", "--case", CaseDir(), "--quiet", tmp_ / "export_b.jsonl",
                     tmp_ / "export_a.csv"})
                .exit_code,
            1);
  RunResult ok = RunTern({"verify", "--case", CaseDir()});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_THAT(ok.out, HasSubstr("all 2 files verified"));

  std::string bytes = ReadFile(tmp_ / "export_b.jsonl");
  bytes[100] ^= 0x01;
  WriteFile(tmp_ / "export_b.jsonl", bytes);
  RunResult changed = RunTern({"verify", "--case", CaseDir()});
  EXPECT_EQ(changed.exit_code, 4);
  EXPECT_THAT(changed.out, HasSubstr("CHANGED"));
  EXPECT_THAT(changed.out, HasSubstr("export_b.jsonl"));
  EXPECT_THAT(changed.out, ::testing::Not(HasSubstr("export_a.csv")));

  fs::remove(tmp_ / "export_a.csv");
  RunResult missing = RunTern({"verify", "--case", CaseDir()});
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_THAT(missing.out, HasSubstr("MISSING"));
  EXPECT_THAT(missing.out, HasSubstr("export_a.csv"));
}

TEST_F(FoundationTest, EvidenceIsOpenedReadOnlyAndNeverModified) {
  CopyExports();
  const std::string path = tmp_ / "export_b.jsonl";
  fs::permissions(path, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  struct stat before {};
  ASSERT_EQ(stat(path.c_str(), &before), 0);
  const std::string content = ReadFile(path);
  EXPECT_EQ(RunTern({"ingest", "--case", CaseDir(), "--quiet", path}).exit_code, 0);
  struct stat after {};
  ASSERT_EQ(stat(path.c_str(), &after), 0);
  EXPECT_EQ(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
  EXPECT_EQ(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
  EXPECT_EQ(before.st_size, after.st_size);
  EXPECT_EQ(ReadFile(path), content);
}

TEST_F(FoundationTest, AMissingInputIsReportedAndTheOthersStillGoIn) {
  RunResult r = RunTern({"ingest", "--case", CaseDir(), "--quiet", tmp_ / "no_such_file.csv",
                         Fixture("e2e/export_b.jsonl")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("6 parsed: 6 stored"));
  EXPECT_THAT(ReadFile(CaseDir() + "/tern.log"), HasSubstr("no_such_file.csv"));
}

TEST_F(FoundationTest, UsageErrorsExitWithTwo) {
  EXPECT_EQ(RunTern({}).exit_code, 2);
  EXPECT_EQ(RunTern({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(RunTern({"run", Fixture("e2e/export_b.jsonl")}).exit_code, 2);  // no --case
  EXPECT_EQ(RunTern({"run", "--case", CaseDir()}).exit_code, 2);            // no input
  EXPECT_EQ(RunTern({"ingest", "--case", CaseDir(), "--bogus", "x"}).exit_code, 2);
  RunResult help = RunTern({"run", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("--case"));
  EXPECT_THAT(RunTern({"--help"}).out, HasSubstr("exit codes"));
}

TEST_F(FoundationTest, VersionNamesTheSchemaAndFormats) {
  RunResult r = RunTern({"version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("store schema"));
  EXPECT_THAT(r.out, HasSubstr("purview-csv"));
}

}  // namespace
}  // namespace tern::testing
