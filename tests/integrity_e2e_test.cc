// End-to-end: records that share an Id but not their content are both kept
// and raise an id-conflict warning; the same record in another export shape
// stays a duplicate (issue 15, integrity).
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/tern_runner.h"

namespace tern::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kId[] = "00000000-0000-4000-8000-0000000000c1";

TEST(IntegrityE2eTest, SameIdDifferentContentIsKeptAndWarned) {
  TempDir tmp;
  const std::string case_dir = tmp / "case";
  const RunResult r =
      RunTern({"run", "--case", case_dir, "--quiet", Fixture("integrity/id_conflict.jsonl"),
               Fixture("integrity/same_record_purview.csv")});
  // A warning was raised: exit 1.
  EXPECT_EQ(r.exit_code, 1) << r.err;
  // 4 records: line 1 and line 2 both stored, line 3 stored, the CSV row a
  // duplicate of line 1.
  EXPECT_THAT(r.out, HasSubstr("4 parsed: 3 stored, 1 duplicate, 0 rejected"));

  const std::string findings = ReadFile(case_dir + "/findings.json");
  EXPECT_THAT(findings, HasSubstr("\"events\": 3"));
  EXPECT_THAT(findings, HasSubstr("\"duplicates\": 1"));
  EXPECT_THAT(findings, HasSubstr("\"kind\": \"id-conflict\""));
  // The warning names both sources and lines.
  EXPECT_THAT(findings, HasSubstr("id_conflict.jsonl\",\n      \"line\": 2,"));
  EXPECT_THAT(findings, HasSubstr(std::string("record Id ") + kId));
  EXPECT_THAT(findings, HasSubstr("id_conflict.jsonl line 1; both are kept"));
  EXPECT_EQ(CountOccurrences(findings, "\"kind\": \"id-conflict\""), 1u);

  const std::string custody = ReadFile(case_dir + "/custody.json");
  EXPECT_THAT(custody, HasSubstr("\"kind\": \"id-conflict\""));
  const std::string report = ReadFile(case_dir + "/report.html");
  EXPECT_THAT(report, HasSubstr("id-conflict"));

  // Both records are events with their own exact bytes: search finds the
  // second under its own key, from line 2.
  const RunResult search =
      RunTern({"search", "--case", case_dir, "--ip", "203.0.113.77", "--format", "jsonl"});
  EXPECT_EQ(search.exit_code, 0) << search.err;
  EXPECT_THAT(search.out, HasSubstr(std::string("\"record_id\":\"") + kId + "~"));
  EXPECT_THAT(search.out, HasSubstr("\"source_line\":2"));
  const RunResult first =
      RunTern({"search", "--case", case_dir, "--ip", "81.2.69.142", "--format", "jsonl"});
  EXPECT_THAT(first.out, HasSubstr(std::string("\"record_id\":\"") + kId + "\""));
}

TEST(IntegrityE2eTest, TheSameRecordInTwoShapesIsOneEventWithoutWarning) {
  TempDir tmp;
  const std::string case_dir = tmp / "case";
  // Line 1 only (as JSON) and the same record as a Purview CSV row.
  WriteFile(tmp / "one.jsonl",
            ReadFile(Fixture("integrity/id_conflict.jsonl"))
                .substr(0, ReadFile(Fixture("integrity/id_conflict.jsonl")).find('\n') + 1));
  const RunResult r = RunTern({"run", "--case", case_dir, "--quiet", tmp / "one.jsonl",
                               Fixture("integrity/same_record_purview.csv")});
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_THAT(r.out, HasSubstr("2 parsed: 1 stored, 1 duplicate, 0 rejected"));
  EXPECT_THAT(ReadFile(case_dir + "/findings.json"), Not(HasSubstr("id-conflict")));
}

}  // namespace
}  // namespace tern::testing
