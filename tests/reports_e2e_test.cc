// End-to-end tests of the reports: golden findings.json and timelines on the
// fixture cases, findings.json validated against reports/findings.schema.json
// on every fixture case, byte-identical outputs whatever the input order,
// thread count or case location, and `tern search` / `--timeline` at the CLI.
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/testing/json_schema.h"
#include "simdjson.h"
#include "tests/reports_e2e_util.h"
#include "tests/testing/tern_runner.h"

namespace tern::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t at; (at = text.find('\n', start)) != std::string::npos; start = at + 1) {
    lines.push_back(text.substr(start, at - start));
  }
  return lines;
}

// A schema whose root is `definition` of the findings schema's $defs.
std::string SubSchema(const std::string& findings_schema, const std::string& definition) {
  const size_t defs = findings_schema.find("\"$defs\":");
  const size_t end = findings_schema.rfind('}');
  return "{\"$ref\": \"#/$defs/" + definition + "\", " + findings_schema.substr(defs, end - defs) +
         "}";
}

// --- golden files

class ReportsGoldenTest : public ::testing::TestWithParam<FixtureCase> {
 protected:
  TempDir tmp_;
};

TEST_P(ReportsGoldenTest, FindingsAndTimelineMatchGoldenFiles) {
  const FixtureCase& c = GetParam();
  const std::string case_dir = tmp_ / "case";
  RunResult run = RunCase(case_dir, c.args, {"--timeline", "jsonl"});
  ASSERT_LE(run.exit_code, 1) << run.err;
  ExpectGolden(c.name + "/findings.json", ReadFile(case_dir + "/findings.json"));
  ExpectGolden(c.name + "/sessions.jsonl", ReadFile(case_dir + "/sessions.jsonl"));
  ExpectGolden(c.name + "/timeline.jsonl", ReadFile(case_dir + "/timeline.jsonl"));
  RunResult csv = RunTern({"report", "--case", case_dir, "--timeline", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_THAT(csv.out, HasSubstr("timeline.csv"));
  ExpectGolden(c.name + "/timeline.csv", ReadFile(case_dir + "/timeline.csv"));
}

INSTANTIATE_TEST_SUITE_P(Cases, ReportsGoldenTest, ::testing::ValuesIn(GoldenCases()),
                         [](const auto& info) { return info.param.name; });

// --- the schema, on every fixture case

class FindingsSchemaE2eTest : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(FindingsSchemaE2eTest, FindingsJsonConformsToTheSchema) {
  static const std::string* const kSchemaText = new std::string(
      ReadFile(std::string(TERN_FIXTURES_DIR) + "/../reports/findings.schema.json"));
  JsonSchema schema(*kSchemaText);
  ASSERT_THAT(schema.error(), IsEmpty());
  TempDir tmp;
  RunResult run = RunCase(tmp / "case", GetParam().args);
  ASSERT_LE(run.exit_code, 1) << run.err;
  const std::string json = ReadFile(tmp / "case/findings.json");
  EXPECT_THAT(schema.Validate(json), IsEmpty());
  // An empty report would pass the schema: make sure there was something to check.
  EXPECT_THAT(json, HasSubstr("\"sha256\": \""));

  // sessions.jsonl: every session, each line a $defs/session of the same
  // schema; findings.json carries exactly the sessions its findings name.
  JsonSchema session_schema(SubSchema(*kSchemaText, "session"));
  ASSERT_THAT(session_schema.error(), IsEmpty());
  const std::vector<std::string> lines = Lines(ReadFile(tmp / "case/sessions.jsonl"));
  ASSERT_FALSE(lines.empty());
  for (const std::string& line : lines) {
    EXPECT_THAT(session_schema.Validate(line), IsEmpty()) << line;
  }
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element doc = parser.parse(padded).value();
  EXPECT_EQ(uint64_t(doc["summary"]["sessions"]), lines.size());
  std::set<std::string> named, carried;
  for (simdjson::dom::element f : doc["findings"].get_array()) {
    for (std::string_view id : f["sessions"].get_array()) named.emplace(id);
  }
  for (simdjson::dom::element s : doc["sessions"].get_array()) {
    carried.emplace(std::string_view(s["id"]));
  }
  EXPECT_EQ(carried, named);
}

INSTANTIATE_TEST_SUITE_P(AllCases, FindingsSchemaE2eTest, ::testing::ValuesIn(AllFixtureCases()),
                         [](const auto& info) {
                           std::string name;
                           for (char c : info.param.name) name += std::isalnum(c) ? c : '_';
                           return name;
                         });

// --- determinism

TEST(ReportsDeterminismTest, SameEvidenceGivesIdenticalBytes) {
  TempDir tmp;
  std::vector<std::string> geo = GeoArgs();
  auto with = [&](std::vector<std::string> tail) {
    std::vector<std::string> args = {"--case-id", "DET", "--examiner", "E. Xaminer"};
    args.insert(args.end(), geo.begin(), geo.end());
    args.insert(args.end(), tail.begin(), tail.end());
    return args;
  };
  const std::string a = tmp / "a";
  const std::string b = tmp / "somewhere/else/entirely/b";
  RunResult ra =
      RunCase(a, with({"demo", "e2e/export_a.csv", "e2e/export_b.jsonl", "reports/hostile.jsonl"}),
              {"--threads", "1", "--timeline", "jsonl"});
  RunResult rb =
      RunCase(b, with({"reports/hostile.jsonl", "e2e/export_b.jsonl", "e2e/export_a.csv", "demo"}),
              {"--threads", "2", "--timeline", "jsonl"});
  ASSERT_LE(ra.exit_code, 1) << ra.err;
  ASSERT_LE(rb.exit_code, 1) << rb.err;

  // The same evidence added over several runs, in yet another order.
  const std::string c = tmp / "c";
  {
    InFixturesDir cwd;
    ASSERT_LE(RunTern({"ingest", "--case", c, "--quiet", "--case-id", "DET", "--examiner",
                       "E. Xaminer", "e2e/export_b.jsonl", "reports/hostile.jsonl"})
                  .exit_code,
              1);
    ASSERT_LE(
        RunTern({"ingest", "--case", c, "--quiet", "--threads", "2", "demo", "e2e/export_a.csv"})
            .exit_code,
        1);
    std::vector<std::string> analyze = {"analyze", "--case", c, "--quiet"};
    analyze.insert(analyze.end(), geo.begin(), geo.end());
    ASSERT_LE(RunTern(analyze).exit_code, 1);
  }
  RunResult rc = RunTern({"report", "--case", c, "--timeline", "jsonl"});
  ASSERT_EQ(rc.exit_code, 0) << rc.err;

  const std::string findings = ReadFile(a + "/findings.json");
  const std::string report = ReadFile(a + "/report.html");
  const std::string timeline = ReadFile(a + "/timeline.jsonl");
  EXPECT_GT(findings.size(), 10000u);
  EXPECT_THAT(findings, HasSubstr("\"duplicates\": "));
  for (const std::string& other : {b, c}) {
    EXPECT_EQ(findings, ReadFile(other + "/findings.json")) << other;
    EXPECT_EQ(report, ReadFile(other + "/report.html")) << other;
    EXPECT_EQ(timeline, ReadFile(other + "/timeline.jsonl")) << other;
  }
  // Nothing of the run itself leaks into the two files.
  for (const std::string& text : {findings, report}) {
    EXPECT_THAT(text, Not(HasSubstr(tmp.path())));
    EXPECT_THAT(text, Not(HasSubstr("--threads")));
  }
}

// --- timeline at the CLI

TEST(ReportsTimelineTest, RejectsAnUnknownFormatBeforeWritingAnything) {
  TempDir tmp;
  ASSERT_LE(RunCase(tmp / "case", {"e2e/export_a.csv"}).exit_code, 1);
  fs::remove(tmp / "case/findings.json");
  RunResult r = RunTern({"report", "--case", tmp / "case", "--timeline", "xlsx"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("--timeline must be csv or jsonl"));
  EXPECT_FALSE(fs::exists(tmp / "case/findings.json"));
}

TEST(ReportsTimelineTest, TimesketchJsonlHasEveryEventInTimeOrder) {
  TempDir tmp;
  ASSERT_LE(RunCase(tmp / "case", {"demo"}, {"--timeline", "jsonl"}).exit_code, 1);
  const std::vector<std::string> lines = Lines(ReadFile(tmp / "case/timeline.jsonl"));
  simdjson::dom::parser parser;
  simdjson::padded_string findings_text = simdjson::padded_string::load(tmp / "case/findings.json");
  uint64_t events = 0;
  ASSERT_EQ(parser.parse(findings_text)["summary"]["events"].get(events), simdjson::SUCCESS);
  ASSERT_EQ(lines.size(), events);
  std::string previous;
  std::set<std::string> ids;
  for (const std::string& line : lines) {
    simdjson::padded_string padded(line);
    simdjson::dom::element e;
    ASSERT_EQ(parser.parse(padded).get(e), simdjson::SUCCESS) << line;
    std::string_view message, datetime, desc, id, sha;
    ASSERT_EQ(e["message"].get(message), simdjson::SUCCESS);
    ASSERT_EQ(e["datetime"].get(datetime), simdjson::SUCCESS);
    ASSERT_EQ(e["timestamp_desc"].get(desc), simdjson::SUCCESS);
    ASSERT_EQ(e["record_id"].get(id), simdjson::SUCCESS);
    ASSERT_EQ(e["source_sha256"].get(sha), simdjson::SUCCESS);
    EXPECT_FALSE(message.empty());
    EXPECT_EQ(desc, "Event Recorded");
    EXPECT_EQ(sha.size(), 64u);
    EXPECT_EQ(datetime.back(), 'Z');
    EXPECT_LE(previous, std::string(datetime).substr(0, 19));
    previous = std::string(datetime).substr(0, 19);
    EXPECT_TRUE(ids.insert(std::string(id)).second) << "duplicate " << id;
  }
}

// --- search at the CLI

class SearchCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir();
    RunResult r = RunCase(*tmp_ / "case", {"demo"}, GeoArgs());
    ASSERT_LE(r.exit_code, 1) << r.err;
  }
  static void TearDownTestSuite() { delete tmp_; }
  static std::string Case() { return *tmp_ / "case"; }
  static RunResult Search(std::vector<std::string> args) {
    args.insert(args.begin(), {"search", "--case", Case()});
    return RunTern(args);
  }
  static TempDir* tmp_;
};
TempDir* SearchCliTest::tmp_ = nullptr;

TEST_F(SearchCliTest, AnswersFromTheMostSelectiveIndex) {
  RunResult r =
      Search({"--ip", "89.160.20.115", "--operation", "MailItemsAccessed", "--format", "jsonl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("(index ip)"));
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_FALSE(lines.empty());
  for (const std::string& line : lines) {
    EXPECT_THAT(line, AllOf(HasSubstr("\"client_ip\":\"89.160.20.115\""),
                            HasSubstr("\"operation\":\"MailItemsAccessed\"")));
  }
  EXPECT_THAT(r.err, StartsWith(std::to_string(lines.size()) + " events"));
}

TEST_F(SearchCliTest, CombinesFiltersAndTimeWindow) {
  RunResult all = Search({"--mailbox", "ALICE@contoso.com", "--format", "csv"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  RunResult window = Search({"--mailbox", "alice@contoso.com", "--from", "2024-03-06T02:00:00Z",
                             "--to", "2024-03-06T04:00:00+00:00", "--format", "csv"});
  ASSERT_EQ(window.exit_code, 0) << window.err;
  const std::vector<std::string> rows = Lines(window.out);
  ASSERT_GE(rows.size(), 2u);
  EXPECT_THAT(rows[0], StartsWith("datetime,operation,"));
  EXPECT_LT(rows.size(), Lines(all.out).size());
  for (size_t i = 1; i < rows.size(); ++i) {
    EXPECT_GE(rows[i].substr(0, 20), "2024-03-06T02:00:00Z");
    EXPECT_LT(rows[i].substr(0, 20), "2024-03-06T04:00:00Z");
  }
  RunResult limited = Search({"--mailbox", "alice@contoso.com", "--limit", "3"});
  ASSERT_EQ(limited.exit_code, 0);
  EXPECT_EQ(Lines(limited.out).size(), 4u);  // header + 3
  RunResult scan = Search({"--from", "2024-03-06", "--to", "2024-03-07", "--format", "jsonl"});
  EXPECT_THAT(scan.err, HasSubstr("time-window scan"));
  EXPECT_FALSE(Lines(scan.out).empty());
}

TEST_F(SearchCliTest, ReportsUsageAndCaseErrors) {
  EXPECT_EQ(Search({"--from", "last tuesday"}).exit_code, 2);
  EXPECT_EQ(Search({"--format", "xml"}).exit_code, 2);
  EXPECT_EQ(Search({"--limit", "many"}).exit_code, 2);
  TempDir empty;
  RunResult missing = RunTern({"search", "--case", empty / "nothing-here"});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_THAT(missing.err, HasSubstr("tern: "));
}

}  // namespace
}  // namespace tern::testing
