#include "core/case/case_run.h"

#include <fstream>
#include <sstream>

#include "core/ingest/custody.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace tern {
namespace {

using ::testing::HasSubstr;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Records every warning the steps pass on.
class CollectingObserver : public IngestObserver {
 public:
  void OnItemStart(const std::string&) override {}
  void OnProgress(uint64_t, uint64_t) override {}
  void OnWarning(const Warning& w) override { warnings.push_back(w); }
  std::vector<Warning> warnings;
};

CaseRunOptions Options(std::string command_line) {
  CaseRunOptions options;
  options.case_id = "C-1";
  options.examiner = "E. Xaminer";
  options.command_line = std::move(command_line);
  return options;
}

TEST(CaseRunTest, OpenCreatesTheCaseAndStartsARunRecord) {
  testing::TempDir tmp;
  const CaseDir dir(tmp / "new/case");
  absl::StatusOr<WritableCase> c = OpenForWriting(dir, Options("tern ingest x"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->run.number, 1u);
  EXPECT_EQ(c->run.outcome, "running");
  EXPECT_TRUE(CaseDir::IsDirectory(dir.store()));
  absl::StatusOr<std::vector<RunRecord>> runs = ListRuns(*c->store);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].command_line, "tern ingest x");
  EXPECT_EQ((*runs)[0].examiner, "E. Xaminer");
  EXPECT_THAT(ReadAll(dir.log()), HasSubstr("run 1: tern ingest x\n"));
}

TEST(CaseRunTest, FinishRecordsTheOutcomeAndWritesCustody) {
  testing::TempDir tmp;
  const CaseDir dir(tmp.path());
  {
    absl::StatusOr<WritableCase> c = OpenForWriting(dir, Options("first"));
    ASSERT_TRUE(c.ok()) << c.status();
    ASSERT_TRUE(FinishRun(*c, RunOutcome::kWarnings).ok());
  }
  const std::string custody = ReadAll(dir.custody());
  EXPECT_THAT(custody, HasSubstr("\"warnings\""));
  EXPECT_THAT(ReadAll(dir.log()), HasSubstr("run 1 finished: warnings"));
}

TEST(CaseRunTest, AKilledRunIsMarkedInterruptedByTheNext) {
  testing::TempDir tmp;
  const CaseDir dir(tmp.path());
  {
    absl::StatusOr<WritableCase> killed = OpenForWriting(dir, Options("killed"));
    ASSERT_TRUE(killed.ok()) << killed.status();
    ASSERT_TRUE(killed->store->Commit().ok());
    // No FinishRun: the process "died" here.
  }
  absl::StatusOr<WritableCase> next = OpenForWriting(dir, Options("next"));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->run.number, 2u);
  absl::StatusOr<std::vector<RunRecord>> runs = ListRuns(*next->store);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].outcome, "interrupted");
  EXPECT_EQ((*runs)[1].outcome, "running");
}

TEST(CaseRunTest, OpenFailsWhenTheCaseIsAFile) {
  testing::TempDir tmp;
  const std::string file = tmp.Write("case", "x");
  absl::StatusOr<WritableCase> c = OpenForWriting(CaseDir(file), Options("x"));
  EXPECT_EQ(c.status().code(), absl::StatusCode::kUnavailable);
}

TEST(CaseRunTest, IngestAndAnalyzeLogTheirTotals) {
  testing::TempDir tmp;
  const CaseDir dir(tmp / "case");
  const std::string input = tmp.Write("evidence/unknown.txt", "no format knows this\n");
  absl::StatusOr<WritableCase> c = OpenForWriting(dir, Options("run"));
  ASSERT_TRUE(c.ok()) << c.status();
  ParserRegistry no_formats;
  CollectingObserver observer;
  absl::StatusOr<IngestSummary> ingest =
      IngestInputs(*c, no_formats, IngestOptions{}, {input}, &observer);
  ASSERT_TRUE(ingest.ok()) << ingest.status();
  EXPECT_EQ(ingest->items, 1u);
  EXPECT_EQ(ingest->records_stored, 0u);
  EXPECT_FALSE(observer.warnings.empty());  // the unknown format, named
  absl::StatusOr<AnalysisSummary> analysis = AnalyzeCase(*c, AnalyzeOptions{}, &observer);
  ASSERT_TRUE(analysis.ok()) << analysis.status();
  EXPECT_EQ(analysis->events, 0u);
  ASSERT_TRUE(FinishRun(*c, RunOutcome::kOk).ok());
  const std::string log = ReadAll(dir.log());
  EXPECT_THAT(log, HasSubstr("ingest: 1 files"));
  EXPECT_THAT(log, HasSubstr("analyze: 0 events, 0 sessions, 0 findings"));
  EXPECT_THAT(IngestSummaryText(*ingest), HasSubstr("ingested  1 files (0 archives opened"));
  EXPECT_EQ(AnalysisSummaryText(*analysis),
            "analysis  0 events, 0 mailboxes, 0 sessions, 0 findings\n");
}

TEST(CaseRunTest, AnalysisSummaryListsSeveritiesMostSevereFirst) {
  AnalysisSummary s;
  s.events = 10;
  s.findings = 3;
  s.findings_by_severity[Severity::kLow] = 1;
  s.findings_by_severity[Severity::kHigh] = 2;
  EXPECT_EQ(AnalysisSummaryText(s),
            "analysis  10 events, 0 mailboxes, 0 sessions, 3 findings (2 high, 1 low)\n");
}

}  // namespace
}  // namespace tern
