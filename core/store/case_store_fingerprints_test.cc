// CaseStore cross-format de-duplication: Search-MailboxAuditLog rows (content
// ids) matched to UAL records by mailbox, operation, second and client IP,
// with the same outcome whatever the order of adds and rollbacks.
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/store/case_store.h"
#include "core/store/case_store_test_util.h"
#include "core/store/raw_db_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing_util::IndexIds;
using testing_util::OpenOrDie;
using testing_util::RawDb;
using testing_util::ScanIds;
using testing_util::TempDir;
using Outcome = CaseStore::AddOutcome;

constexpr TimeMs kT = 1714557600000;  // 2024-05-01T10:00:00Z

// A UAL record (its own Id) of Bob's mailbox.
Event Ual(std::string id, TimeMs time, uint32_t evidence, uint64_t line) {
  Event e = testing_util::MakeEvent(std::move(id), time, evidence, line);
  e.operation = "HardDelete";
  e.client_ip = "203.0.113.5";
  return e;
}

// A Search-MailboxAuditLog row of the same action: content id, the UPN in
// another case, no actor UPN.
Event Mal(std::string id, TimeMs time, uint32_t evidence, uint64_t line) {
  Event e = Ual(std::move(id), time, evidence, line);
  e.flags |= kFlagSyntheticId;
  e.record_type = -1;
  e.operation = "harddelete";
  e.mailbox_upn = "bob@contoso.EXAMPLE";
  e.actor_upn.clear();
  return e;
}

Outcome Add(CaseStore& store, const Event& e, const std::string& raw) {
  absl::StatusOr<Outcome> got = store.AddEvent(e, raw);
  EXPECT_TRUE(got.ok()) << got.status();
  return got.ok() ? *got : Outcome::kStored;
}

// Everything observable about the case: stored events with provenance,
// copies (with bytes) of every id in `ids`, index entries and counters.
std::string Dump(CaseStore& store, const std::vector<std::string>& ids) {
  EXPECT_TRUE(store.Commit().ok());
  std::string out = "events:";
  EXPECT_TRUE(store
                  .ScanEvents(INT64_MIN, INT64_MAX,
                              [&out](const Event& e) {
                                out += " " + e.record_id + "@" +
                                       std::to_string(e.provenance.evidence) + ":" +
                                       std::to_string(e.provenance.line);
                                return true;
                              })
                  .ok());
  for (const std::string& id : ids) {
    absl::StatusOr<std::vector<CaseStore::Copy>> copies = store.GetCopies(id);
    EXPECT_TRUE(copies.ok()) << copies.status();
    if (!copies.ok() || copies->empty()) continue;
    out += "\ncopies of " + id + ":";
    for (const CaseStore::Copy& c : *copies) {
      out += " " + std::to_string(c.provenance.evidence) + ":" + std::to_string(c.provenance.line) +
             "=" + c.raw;
    }
  }
  out += "\nmailbox:";
  for (const std::string& id : IndexIds(store, StoreIndex::kMailbox, "bob@contoso.example")) {
    out += " " + id;
  }
  out += "\noperation:";
  for (const std::string& id : IndexIds(store, StoreIndex::kOperation, "harddelete")) {
    out += " " + id;
  }
  out += "\ncounts: " + std::to_string(*store.CountEvents()) + " events, " +
         std::to_string(*store.CountCopies()) + " copies";
  return out;
}

TEST(FingerprintTest, RowAfterItsUalRecordIsACopyOfIt) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Add(*store, Ual("u1", kT + 123, 1, 2), "ual"), Outcome::kStored);
  // Same second (a fraction later), same mailbox by GUID, operation in
  // another case: the same action.
  EXPECT_EQ(Add(*store, Mal("c:1", kT + 999, 2, 5), "mal"), Outcome::kDuplicate);
  EXPECT_EQ(Dump(*store, {"u1", "c:1"}),
            "events: u1@1:2\ncopies of u1: 2:5=mal\nmailbox: u1\noperation: u1\n"
            "counts: 1 events, 1 copies");
  EXPECT_THAT(store->TakeStoredCountChanges(), IsEmpty());
  EXPECT_EQ(*store->GetEvent("c:1"), std::nullopt);
}

TEST(FingerprintTest, UalRecordArrivingLaterTakesTheRowOver) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Add(*store, Mal("c:1", kT + 999, 2, 5), "mal"), Outcome::kStored);
  EXPECT_EQ(Dump(*store, {"u1", "c:1"}),
            "events: c:1@2:5\nmailbox: c:1\noperation: c:1\ncounts: 1 events, 0 copies");
  EXPECT_EQ(Add(*store, Ual("u1", kT + 123, 1, 2), "ual"), Outcome::kStored);
  // Exactly the state of the other order.
  EXPECT_EQ(Dump(*store, {"u1", "c:1"}),
            "events: u1@1:2\ncopies of u1: 2:5=mal\nmailbox: u1\noperation: u1\n"
            "counts: 1 events, 1 copies");
  EXPECT_THAT(store->TakeStoredCountChanges(), ElementsAre(std::make_pair(2u, int64_t{-1})));
}

TEST(FingerprintTest, DifferentActionsStayApart) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  Add(*store, Ual("u1", kT, 1, 1), "ual");
  Event next_second = Mal("c:1", kT + 1000, 2, 1);
  Event other_ip = Mal("c:2", kT, 2, 2);
  other_ip.client_ip = "203.0.113.6";
  Event other_op = Mal("c:3", kT, 2, 3);
  other_op.operation = "SoftDelete";
  Event other_guid = Mal("c:4", kT, 2, 4);  // same UPN, another mailbox GUID
  other_guid.mailbox_guid = "0b1c2d3e-0000-0000-0000-000000000002";
  Event no_time = Mal("c:5", kT, 2, 5);
  no_time.flags |= kFlagNoTime;
  for (const Event& e : {next_second, other_ip, other_op, other_guid, no_time}) {
    EXPECT_EQ(Add(*store, e, "mal"), Outcome::kStored) << e.record_id;
  }
  EXPECT_EQ(*store->CountEvents(), 6u);
  EXPECT_EQ(*store->CountCopies(), 0u);
}

TEST(FingerprintTest, UpnDecidesWhenOneSideHasNoGuid) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  Event ual = Ual("u1", kT, 1, 1);
  ual.mailbox_guid.clear();
  Add(*store, ual, "ual");
  EXPECT_EQ(Add(*store, Mal("c:1", kT, 2, 1), "mal"), Outcome::kDuplicate);
  Event other_upn = Mal("c:2", kT, 2, 2);
  other_upn.mailbox_upn = "carol@contoso.example";
  EXPECT_EQ(Add(*store, other_upn, "mal"), Outcome::kStored);
  Event no_mailbox = Mal("c:3", kT, 2, 3);
  no_mailbox.mailbox_guid.clear();
  no_mailbox.mailbox_upn.clear();
  EXPECT_EQ(Add(*store, no_mailbox, "mal"), Outcome::kStored);
}

// Two UAL records match one row (the same second, mailbox, operation and
// IP): the row belongs to the smaller id, in every order of arrival.
TEST(FingerprintTest, TheSmallestMatchingRecordOwnsTheRowsInEveryOrder) {
  const std::vector<std::pair<Event, std::string>> adds = {
      {Ual("u-b", kT, 1, 1), "ual-b"},
      {Ual("u-a", kT + 500, 3, 1), "ual-a"},
      {Mal("c:1", kT, 2, 7), "mal"},
      {Mal("c:1", kT, 4, 9), "mal"},  // the same row in a second export
  };
  std::vector<int> order = {0, 1, 2, 3};
  std::string first;
  do {
    TempDir tmp;
    auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
    ASSERT_NE(store, nullptr);
    for (int i : order) Add(*store, adds[i].first, adds[i].second);
    const std::string dump = Dump(*store, {"u-a", "u-b", "c:1"});
    if (first.empty()) {
      first = dump;
      EXPECT_EQ(first,
                "events: u-b@1:1 u-a@3:1\ncopies of u-a: 2:7=mal 4:9=mal\n"
                "mailbox: u-b u-a\noperation: u-b u-a\ncounts: 2 events, 2 copies");
    } else {
      EXPECT_EQ(dump, first) << "order " << order[0] << order[1] << order[2] << order[3];
    }
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST(FingerprintTest, RollingBackTheOwnerHandsTheRowsOnThenFreesThem) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  Add(*store, Mal("c:1", kT, 2, 7), "mal-2");
  Add(*store, Mal("c:1", kT, 4, 9), "mal-4");
  Add(*store, Ual("u-a", kT, 1, 1), "ual-a");
  Add(*store, Ual("u-b", kT, 3, 1), "ual-b");
  store->TakeStoredCountChanges();
  ASSERT_TRUE(store->RollbackEvidence(1).ok());
  EXPECT_EQ(Dump(*store, {"u-a", "u-b", "c:1"}),
            "events: u-b@3:1\ncopies of u-b: 2:7=mal-2 4:9=mal-4\nmailbox: u-b\n"
            "operation: u-b\ncounts: 1 events, 2 copies");
  EXPECT_THAT(store->TakeStoredCountChanges(), IsEmpty());
  ASSERT_TRUE(store->RollbackEvidence(3).ok());
  // No UAL record left: the rows are their own event again, from the
  // earliest item, exactly as if only they had been added.
  EXPECT_EQ(Dump(*store, {"u-a", "u-b", "c:1"}),
            "events: c:1@2:7\ncopies of c:1: 4:9=mal-4\nmailbox: c:1\noperation: c:1\n"
            "counts: 1 events, 1 copies");
  EXPECT_THAT(store->TakeStoredCountChanges(), ElementsAre(std::make_pair(2u, int64_t{1})));
  // And a UAL record added again takes them back.
  Add(*store, Ual("u-c", kT, 5, 1), "ual-c");
  EXPECT_EQ(Dump(*store, {"u-c", "c:1"}),
            "events: u-c@5:1\ncopies of u-c: 2:7=mal-2 4:9=mal-4\nmailbox: u-c\n"
            "operation: u-c\ncounts: 1 events, 2 copies");
}

TEST(FingerprintTest, PromotedCopyOfTheOwnerKeepsTheRows) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  Add(*store, Ual("u1", kT, 1, 1), "ual");
  Add(*store, Mal("c:1", kT, 2, 3), "mal");
  Add(*store, Ual("u1", kT, 3, 4), "ual");  // the UAL record in a second export
  ASSERT_TRUE(store->RollbackEvidence(1).ok());
  EXPECT_EQ(Dump(*store, {"u1", "c:1"}),
            "events: u1@3:4\ncopies of u1: 2:3=mal\nmailbox: u1\noperation: u1\n"
            "counts: 1 events, 1 copies");
  EXPECT_THAT(store->TakeStoredCountChanges(), ElementsAre(std::make_pair(3u, int64_t{1})));
}

TEST(FingerprintTest, RollingBackTheRowsLeavesNoTrace) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  Add(*store, Ual("u1", kT, 1, 1), "ual");
  Add(*store, Mal("c:1", kT, 2, 3), "mal");
  ASSERT_TRUE(store->RollbackEvidence(2).ok());
  EXPECT_EQ(Dump(*store, {"u1", "c:1"}),
            "events: u1@1:1\nmailbox: u1\noperation: u1\ncounts: 1 events, 0 copies");
  // The row's fingerprint went too: removing the UAL record restores nothing.
  ASSERT_TRUE(store->RollbackEvidence(1).ok());
  EXPECT_EQ(Dump(*store, {"u1", "c:1"}),
            "events:\nmailbox:\noperation:\ncounts: 0 events, 0 copies");
}

TEST(FingerprintTest, MatchingSurvivesReopen) {
  TempDir tmp;
  {
    auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
    ASSERT_NE(store, nullptr);
    Add(*store, Mal("c:1", kT, 2, 3), "mal");
  }
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Add(*store, Ual("u1", kT, 1, 1), "ual"), Outcome::kStored);
  EXPECT_EQ(*store->CountEvents(), 1u);
  EXPECT_EQ(*store->CountCopies(), 1u);
}

TEST(FingerprintTest, OlderStoreWithoutFingerprintsIsBackfilledOnOpen) {
  TempDir tmp;
  {
    auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
    ASSERT_NE(store, nullptr);
    Add(*store, Mal("c:1", kT, 2, 3), "mal");
  }
  {
    // Make it look like a store written before the family existed.
    const RawDb raw(tmp.path());
    ASSERT_TRUE(raw.ok());
    ASSERT_TRUE(raw.db()->DropColumnFamily(raw.Family("fingerprints")).ok());
  }
  // Readers do not need the family.
  EXPECT_NE(OpenOrDie(tmp.path(), StoreMode::kReadOnly), nullptr);
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Add(*store, Ual("u1", kT, 1, 1), "ual"), Outcome::kStored);
  EXPECT_EQ(Dump(*store, {"u1", "c:1"}),
            "events: u1@1:1\ncopies of u1: 2:3=mal\nmailbox: u1\noperation: u1\n"
            "counts: 1 events, 1 copies");
}

}  // namespace
}  // namespace tern
