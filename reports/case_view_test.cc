// LoadCaseView, findings.json and sessions.jsonl over a real, analyzed case
// store: the view keeps only the sessions the HTML shows, findings.json only
// those findings and incidents name, sessions.jsonl streams every one of them from the
// store in order, and a case whose analysis did not finish is refused.
#include "reports/case_view.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/base/time.h"
#include "core/detect/analyzer.h"
#include "core/model/finding.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/findings_json.h"
#include "tests/testing/temp_dir.h"

namespace tern {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr TimeMs kT0 = 1709690400000;  // 2024-03-06T02:00:00Z
constexpr TimeMs kHour = 3600000;

class CaseViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = CaseStore::Open(dir_ + "/store", StoreMode::kReadWrite);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    EvidenceRecord file;
    file.ordinal = 1;
    file.given_path = "export.jsonl";
    file.sha256 = std::string(64, 'a');
    file.status = "ingested";
    ASSERT_TRUE(store_->PutEvidence(file).ok());
  }
  void TearDown() override { store_.reset(); }

  // `n` reads of alice's mailbox an hour apart: one session each.
  void AddSparseReads(int n) {
    for (int i = 0; i < n; ++i) {
      Event e;
      e.record_id = "r" + std::to_string(100000 + i);
      e.time_ms = kT0 + i * kHour;
      e.operation = "MailItemsAccessed";
      e.client_ip = "10.0.0." + std::to_string(1 + i % 200);
      e.mailbox_upn = "alice@contoso.example";
      e.mailbox_guid = "aaaa-guid";
      e.actor_upn = "alice@contoso.example";
      e.logon_type = kLogonOwner;
      e.provenance = {1, static_cast<uint64_t>(i + 1), static_cast<uint64_t>(i + 1)};
      ASSERT_TRUE(store_->AddEvent(e, "{}").ok());
    }
    ASSERT_TRUE(store_->Commit().ok());
    ASSERT_TRUE(Analyze(*store_, AnalyzeOptions{}).ok());
  }

  std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  testing::TempDir tmp_;
  std::string dir_ = tmp_.path();
  std::unique_ptr<CaseStore> store_;
};

TEST_F(CaseViewTest, WrittenFindingsJsonEqualsTheRenderedDocument) {
  AddSparseReads(30);
  auto view = LoadCaseView(*store_, "test");
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(view->sessions.size(), 30u);
  EXPECT_EQ(view->SessionCount(), 30u);
  const std::string path = dir_ + "/findings.json";
  ASSERT_TRUE(WriteFindingsJson(*view, path).ok());
  EXPECT_EQ(Read(path), RenderFindingsJson(*view).value());
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

// A findings.json of several MB is written piece by piece: the same bytes.
TEST_F(CaseViewTest, ALargeFindingsJsonIsWrittenInPiecesWithTheSameBytes) {
  AddSparseReads(3);
  auto view = LoadCaseView(*store_, "test");
  ASSERT_TRUE(view.ok()) << view.status();
  Finding f;
  f.rule = "test-rule";
  f.severity = Severity::kMedium;
  f.title = std::string(500, 't');
  f.client_ips = {"10.0.0.1"};
  f.sessions = {view->sessions.front().id};
  for (int i = 0; i < 5000; ++i) {
    f.id = absl::StrCat("F-", 10000 + i);
    f.evidence = {EvidenceAnchor{absl::StrCat("r", i), 1, 1, kT0}};
    view->findings.push_back(f);
    view->anchors.push_back(
        {ResolvedAnchor{f.evidence[0].record_id, std::string(64, 'a'), "", 1, kT0, 1}});
  }
  const std::string path = dir_ + "/findings.json";
  ASSERT_TRUE(WriteFindingsJson(*view, path).ok());
  const std::string expected = RenderFindingsJson(*view).value();
  EXPECT_GT(expected.size(), 3u << 20);
  EXPECT_EQ(Read(path), expected);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST_F(CaseViewTest, ViewKeepsWhatTheReportShowsAndSessionsJsonlHasEverySession) {
  const int n = static_cast<int>(kSessionsKept) + 150;
  AddSparseReads(n);
  auto view = LoadCaseView(*store_, "test");
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(view->SessionCount(), static_cast<uint64_t>(n));
  EXPECT_EQ(view->sessions.size(), kSessionsKept);  // no finding names one
  EXPECT_EQ(view->sessions.front().start, kT0);     // the earliest, in order
  EXPECT_EQ(view->mailboxes, 1u);

  // findings.json counts every session but carries none: no finding names one.
  const std::string json = RenderFindingsJson(*view).value();
  EXPECT_THAT(json, HasSubstr(absl::StrCat("\"sessions\": ", n, ",")));
  EXPECT_THAT(json, HasSubstr("\"sessions\": []"));
  EXPECT_THAT(json, Not(HasSubstr("\"id\": \"S-")));

  const std::string path = dir_ + "/sessions.jsonl";
  absl::StatusOr<uint64_t> written = WriteSessionsJsonl(*store_, path);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(*written, static_cast<uint64_t>(n));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  std::istringstream lines(Read(path));
  std::string line;
  std::string previous_start;
  int count = 0;
  while (std::getline(lines, line)) {
    ASSERT_THAT(line, StartsWith("{\"id\":\"S-"));
    ASSERT_EQ(line.back(), '}');
    const size_t at = line.find("\"start\":\"");
    ASSERT_NE(at, std::string::npos) << line;
    const std::string start = line.substr(at + 9, 20);
    EXPECT_LT(previous_start, start);  // one session an hour: strictly increasing
    previous_start = start;
    if (count == 0) EXPECT_EQ(start, "2024-03-06T02:00:00Z");
    ++count;
  }
  EXPECT_EQ(count, n);
}

// A finding naming more sessions than the HTML shows: the view keeps the
// first kSessionsKept, findings.json reads every one from the store.
TEST_F(CaseViewTest, FindingsJsonCarriesNamedSessionsTheViewDoesNotHold) {
  const int n = static_cast<int>(kSessionsKept) + 150;
  AddSparseReads(n);
  Finding f;
  f.id = "F-0001";
  f.rule = "some-rule";
  f.title = "t";
  f.first_seen = f.last_seen = kT0;
  ASSERT_TRUE(store_
                  ->ScanDerived("sessions",
                                [&](std::string_view key, std::string_view) {
                                  f.sessions.emplace_back(SessionIdOfKey(key));
                                  return true;
                                })
                  .ok());
  ASSERT_EQ(f.sessions.size(), static_cast<size_t>(n));
  std::sort(f.sessions.begin(), f.sessions.end());
  ASSERT_TRUE(store_->ReplaceDerived("findings", {{"00000001", EncodeFinding(f)}}).ok());

  auto view = LoadCaseView(*store_, "test");
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(view->SessionCount(), static_cast<uint64_t>(n));
  EXPECT_EQ(view->sessions.size(), kSessionsKept);
  EXPECT_EQ(view->sessions.front().start, kT0);
  const std::string json = RenderFindingsJson(*view).value();
  size_t carried = 0;
  for (size_t at = json.find("\"id\": \"S-"); at != std::string::npos;
       at = json.find("\"id\": \"S-", at + 1)) {
    ++carried;
  }
  EXPECT_EQ(carried, static_cast<size_t>(n));
  // The last session, which the view does not hold, is in the document.
  const std::string last = absl::StrCat("\"start\": \"", FormatRfc3339(kT0 + (n - 1) * kHour));
  EXPECT_THAT(json, HasSubstr(last));

  const std::string path = dir_ + "/findings.json";
  ASSERT_TRUE(WriteFindingsJson(*view, path).ok());
  EXPECT_EQ(Read(path), json);
}

TEST(FindingsJsonTest, CarriesOnlyTheSessionsFindingsAndIncidentsName) {
  CaseView view;
  view.tool_version = "1";
  for (const char* id : {"S-000000000001", "S-000000000002", "S-000000000003"}) {
    Session s;
    s.id = id;
    s.start = s.end = kT0;
    s.events = 1;
    view.sessions.push_back(s);
  }
  Finding f;
  f.id = "F-0001";
  f.rule = "some-rule";
  f.title = "t";
  f.first_seen = f.last_seen = kT0;
  f.sessions = {"S-000000000002"};
  view.findings.push_back(f);
  view.anchors.emplace_back();
  EXPECT_EQ(NamedSessions(view), std::set<std::string>{"S-000000000002"});
  IncidentView incident;
  incident.incident.id = "I-001";
  incident.sessions = {"S-000000000003"};
  view.incidents.push_back(incident);
  EXPECT_EQ(NamedSessions(view), (std::set<std::string>{"S-000000000002", "S-000000000003"}));
  view.incidents.clear();
  const std::string json = RenderFindingsJson(view).value();
  EXPECT_THAT(json, HasSubstr("\"schema\": \"tern.findings/2\""));
  EXPECT_THAT(json, HasSubstr("\"sessions\": 3,"));  // the summary counts all of them
  EXPECT_THAT(json, HasSubstr("\"id\": \"S-000000000002\""));
  EXPECT_THAT(json, Not(HasSubstr("\"id\": \"S-000000000001\"")));
  EXPECT_THAT(json, Not(HasSubstr("\"id\": \"S-000000000003\"")));
}

TEST_F(CaseViewTest, UnfinishedAnalysisIsRefused) {
  AddSparseReads(3);
  ASSERT_TRUE(store_->PutMeta(kAnalysisStateKey, kAnalysisRunning).ok());
  auto view = LoadCaseView(*store_, "test");
  ASSERT_FALSE(view.ok());
  EXPECT_EQ(view.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(view.status().message()), HasSubstr("did not finish"));
}

}  // namespace
}  // namespace tern
