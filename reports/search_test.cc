// tern search over a real case store: index selection, filters in any
// combination, the time window, the limit, and the outputs of SearchCase.
#include "reports/search.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/builtin_outputs.h"
#include "reports/timeline.h"
#include "tests/testing/temp_dir.h"

namespace tern {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr TimeMs kT0 = 1709690400000;  // 2024-03-06T02:00:00Z
constexpr TimeMs kMinute = 60000;

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = CaseStore::Open(dir_ + "/store", StoreMode::kReadWrite);
    ASSERT_TRUE(store.ok()) << store.status();
    EvidenceRecord file;
    file.ordinal = 1;
    file.given_path = "export.jsonl";
    file.sha256 = std::string(64, 'a');
    file.status = "ingested";
    ASSERT_TRUE((*store)->PutEvidence(file).ok());
    // 40 reads by alice from the office, 2 from an attacker IP, one rule.
    for (int i = 0; i < 40; ++i)
      Add(**store, "r" + std::to_string(100 + i), i, "MailItemsAccessed", "10.0.0.1");
    Add(**store, "x1", 50, "MailItemsAccessed", "175.16.199.23");
    Add(**store, "x2", 51, "New-InboxRule", "175.16.199.23");
    Add(**store, "x3", 52, "MailItemsAccessed", "175.16.199.23", "bob@contoso.example");
    ASSERT_TRUE((*store)->Commit().ok());
    store_ = std::move(*store);
  }
  void TearDown() override { store_.reset(); }

  static void Add(CaseStore& store, const std::string& id, int minute, const std::string& op,
                  const std::string& ip, const std::string& mailbox = "alice@contoso.example") {
    Event e;
    e.record_id = id;
    e.time_ms = kT0 + minute * kMinute;
    e.operation = op;
    e.client_ip = ip;
    e.mailbox_upn = mailbox;
    e.mailbox_guid = mailbox[0] == 'a' ? "aaaa-guid" : "bbbb-guid";
    e.actor_upn = mailbox;
    e.actor_sid = "S-1-5-21-" + std::to_string(mailbox[0]);
    e.provenance = {1, static_cast<uint64_t>(minute + 2), 1};
    auto added = store.AddEvent(e, "{}");
    ASSERT_TRUE(added.ok()) << added.status();
  }

  std::vector<std::string> Ids(const SearchQuery& q, SearchPlan* plan = nullptr) {
    std::vector<std::string> ids;
    auto result = RunSearch(*store_, q, [&](const Event& e) {
      ids.push_back(e.record_id);
      return true;
    });
    EXPECT_TRUE(result.ok()) << result.status();
    if (result.ok() && plan != nullptr) *plan = result->plan;
    return ids;
  }

  testing::TempDir tmp_;
  std::string dir_ = tmp_.path();
  std::unique_ptr<CaseStore> store_;
};

TEST_F(SearchTest, PicksTheMostSelectiveIndex) {
  SearchQuery q;
  q.mailbox = "ALICE@contoso.example";  // 42 events
  q.ip = "175.16.199.23";               // 3 events
  q.operation = "mailitemsaccessed";    // 42 events
  SearchPlan plan;
  EXPECT_THAT(Ids(q, &plan), ElementsAre("x1"));
  ASSERT_TRUE(plan.index.has_value());
  EXPECT_EQ(*plan.index, StoreIndex::kIp);
  EXPECT_EQ(plan.candidates, 3u);

  SearchQuery by_op;
  by_op.operation = "New-InboxRule";
  EXPECT_THAT(Ids(by_op, &plan), ElementsAre("x2"));
  EXPECT_EQ(*plan.index, StoreIndex::kOperation);
}

TEST_F(SearchTest, FiltersCombineWithTheTimeWindow) {
  SearchQuery q;
  q.actor = "S-1-5-21-" + std::to_string('b');  // by SID
  EXPECT_THAT(Ids(q), ElementsAre("x3"));
  SearchQuery window;
  window.from = kT0 + 50 * kMinute;
  window.to = kT0 + 52 * kMinute;  // exclusive
  SearchPlan plan;
  EXPECT_THAT(Ids(window, &plan), ElementsAre("x1", "x2"));
  EXPECT_FALSE(plan.index.has_value());
  SearchQuery mailbox_window = window;
  mailbox_window.mailbox = "aaaa-guid";
  mailbox_window.operation = "New-InboxRule";
  EXPECT_THAT(Ids(mailbox_window), ElementsAre("x2"));
  SearchQuery none;
  none.ip = "198.51.100.1";
  EXPECT_THAT(Ids(none), IsEmpty());
}

// Other names of the same mailbox or person (what the analysis's directory
// links) find their events too, merged in time order, and only those.
TEST_F(SearchTest, AliasesFindTheSameMailboxAndActorUnderOtherNames) {
  SearchQuery q;
  q.mailbox = "carol@contoso.example";  // no event names her by UPN
  q.mailbox_aliases = {"bbbb-guid"};
  SearchPlan plan;
  EXPECT_THAT(Ids(q, &plan), ElementsAre("x3"));
  EXPECT_EQ(plan.candidates, 1u);
  SearchQuery actor;
  actor.actor = "f757cb79-dd91-4a5c-8d2f-3b1e6a9c0d42";
  actor.actor_aliases = {"bob@contoso.example", "alice@contoso.example"};
  actor.from = kT0 + 38 * kMinute;
  EXPECT_THAT(Ids(actor, &plan), ElementsAre("r138", "r139", "x1", "x2", "x3"));
  EXPECT_EQ(*plan.index, StoreIndex::kActor);
  actor.limit = 2;
  EXPECT_THAT(Ids(actor), ElementsAre("r138", "r139"));
  // An alias of another filter does not widen this one.
  SearchQuery both = actor;
  both.limit = 0;
  both.mailbox = "bob@contoso.example";
  EXPECT_THAT(Ids(both), ElementsAre("x3"));
}

TEST(SearchAliasesTest, TheDirectoryAddsGuidsSidsAndObjectIds) {
  correlate::MailboxDirectory directory;
  Event owner;
  owner.record_type = 2;
  owner.mailbox_guid = "2C7E4F1A-8B3D-4E5F-9A6B-1C2D3E4F5A61";
  owner.mailbox_upn = "john.doe@contoso.example";
  owner.actor_upn = owner.mailbox_upn;
  owner.actor_sid = "S-1-5-21-7";
  directory.Observe(owner);
  SearchQuery q;
  q.mailbox = "John.Doe@contoso.example";
  q.actor = "S-1-5-21-7";
  AddDirectoryAliases(directory, &q);
  EXPECT_THAT(q.mailbox_aliases, ElementsAre("2c7e4f1a-8b3d-4e5f-9a6b-1c2d3e4f5a61"));
  EXPECT_THAT(q.actor_aliases,
              ElementsAre("2c7e4f1a-8b3d-4e5f-9a6b-1c2d3e4f5a61", "john.doe@contoso.example"));
  SearchQuery unknown;
  unknown.mailbox = "nobody@contoso.example";
  unknown.actor = "nobody@contoso.example";
  AddDirectoryAliases(directory, &unknown);
  EXPECT_THAT(unknown.mailbox_aliases, IsEmpty());
  EXPECT_THAT(unknown.actor_aliases, IsEmpty());
}

TEST_F(SearchTest, HonoursTheLimitInTimeOrder) {
  SearchQuery q;
  q.mailbox = "alice@contoso.example";
  q.limit = 3;
  EXPECT_THAT(Ids(q), ElementsAre("r100", "r101", "r102"));
}

TEST_F(SearchTest, ParsesTimes) {
  EXPECT_EQ(*ParseSearchTime("from", "2024-03-06T02:00:00Z"), kT0);
  EXPECT_EQ(*ParseSearchTime("from", "2024-03-06T04:00:00+02:00"), kT0);
  EXPECT_EQ(*ParseSearchTime("from", "2024-03-06"), kT0 - 2 * 3600 * 1000);
  absl::StatusOr<TimeMs> bad = ParseSearchTime("to", "yesterday");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("--to"));
}

TEST_F(SearchTest, SearchCaseWritesFormatsAndValidates) {
  store_.reset();  // SearchCase opens the store itself, read-only
  char* data = nullptr;
  size_t size = 0;
  std::FILE* out = open_memstream(&data, &size);
  SearchRequest request;
  request.ip = "175.16.199.23";
  request.format = "jsonl";
  auto result = SearchCase(dir_, request, BuiltinOutputs(), out);
  std::fclose(out);
  const std::string text(data, size);
  free(data);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->matches, 3u);
  EXPECT_THAT(text, HasSubstr("\"source_sha256\":\"" + std::string(64, 'a') + "\""));
  EXPECT_THAT(text, HasSubstr("\"source_line\":53"));

  std::FILE* sink = std::fopen("/dev/null", "w");
  request.from = "2024-03-07";
  request.to = "2024-03-06";
  EXPECT_EQ(SearchCase(dir_, request, BuiltinOutputs(), sink).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.to = "";
  request.format = "xml";
  EXPECT_EQ(SearchCase(dir_, request, BuiltinOutputs(), sink).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.format = "csv";
  EXPECT_EQ(SearchCase(dir_ + "/missing", request, BuiltinOutputs(), sink).status().code(),
            absl::StatusCode::kNotFound);
  std::fclose(sink);
}

const OutputInfo& Csv() { return **BuiltinOutputs().Find("csv", kOutputTimeline, "timeline"); }

TEST_F(SearchTest, TimelineWritesEveryEventInOrder) {
  const std::string path = dir_ + "/timeline.csv";
  auto written = WriteTimeline(*store_, Csv(), path);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(*written, 43u);
  std::FILE* f = std::fopen(path.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  std::string text;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof(buf), f)) > 0;) text.append(buf, n);
  std::fclose(f);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 44);
  EXPECT_LT(text.find(",r139,"), text.find(",x1,"));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_EQ(WriteTimeline(*store_, Csv(), dir_ + "/no/such/dir/t.csv").status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace tern
