// CaseStore event writes: de-duplication, copies, counts and rollback.
#include <malloc.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/store/case_store.h"
#include "core/store/case_store_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing_util::ExpectError;
using testing_util::IndexIds;
using testing_util::MakeEvent;
using testing_util::OpenOrDie;
using testing_util::ScanIds;
using testing_util::TempDir;
using Outcome = CaseStore::AddOutcome;

Outcome Add(CaseStore& store, const Event& e, std::string_view raw) {
  absl::StatusOr<Outcome> got = store.AddEvent(e, raw);
  EXPECT_TRUE(got.ok()) << got.status();
  return got.ok() ? *got : Outcome::kStored;
}

uint64_t Events(CaseStore& store) { return *store.CountEvents(); }
uint64_t Copies(CaseStore& store) { return *store.CountCopies(); }

// "ordinal:line:record_index:raw" for each copy, in the store's order.
std::vector<std::string> CopyList(CaseStore& store, std::string_view id) {
  std::vector<std::string> out;
  absl::StatusOr<std::vector<CaseStore::Copy>> copies = store.GetCopies(id);
  EXPECT_TRUE(copies.ok()) << copies.status();
  if (!copies.ok()) return out;
  for (const CaseStore::Copy& c : *copies) {
    out.push_back(std::to_string(c.provenance.evidence) + ":" + std::to_string(c.provenance.line) +
                  ":" + std::to_string(c.provenance.record_index) + ":" + c.raw);
  }
  return out;
}

std::string RawOf(CaseStore& store, std::string_view id) {
  absl::StatusOr<std::string> raw = store.GetRaw(id);
  EXPECT_TRUE(raw.ok()) << raw.status();
  return raw.ok() ? *raw : "<" + raw.status().ToString() + ">";
}

Event Stored(CaseStore& store, std::string_view id) {
  absl::StatusOr<std::optional<Event>> e = store.GetEvent(id);
  EXPECT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE(e.ok() && e->has_value()) << id << " not stored";
  return e.ok() && e->has_value() ? **e : Event();
}

TEST(CaseStoreEventsTest, SameIdDifferentContentIsKeptAsASecondEvent) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  Event first = MakeEvent("a", 10000, 1, 2);
  first.operation = "MailItemsAccessed";
  first.client_ip = "192.0.2.1";
  Event other = first;
  other.provenance = {2, 7, 1};
  other.client_ip = "198.51.100.9";  // same Id, another action
  EXPECT_EQ(Add(*store, first, "first bytes"), Outcome::kStored);
  CaseStore::IdConflict conflict;
  absl::StatusOr<Outcome> got = store->AddEvent(other, "other bytes", &conflict);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, Outcome::kConflict);
  EXPECT_EQ(conflict.stored_as, "a~" + ContentTag(other));
  EXPECT_EQ(conflict.first, first.provenance);
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(Events(*store), 2u);
  EXPECT_EQ(Copies(*store), 0u);
  // Both resolve to their own exact bytes and provenance.
  EXPECT_EQ(RawOf(*store, "a"), "first bytes");
  EXPECT_EQ(RawOf(*store, conflict.stored_as), "other bytes");
  EXPECT_EQ(Stored(*store, conflict.stored_as).provenance, other.provenance);
  EXPECT_EQ(Stored(*store, conflict.stored_as).client_ip, "198.51.100.9");

  // The second record seen again (other bytes, same content) is a duplicate
  // of it, and the first one's content in another shape a duplicate of "a".
  Event again = other;
  again.provenance = {3, 1, 1};
  EXPECT_EQ(Add(*store, again, "other bytes, pretty-printed"), Outcome::kDuplicate);
  Event first_again = first;
  first_again.provenance = {3, 2, 2};
  first_again.parameters.clear();  // a shape without the field does not conflict
  EXPECT_EQ(Add(*store, first_again, "first bytes as CSV"), Outcome::kDuplicate);
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(Events(*store), 2u);
  EXPECT_EQ(Copies(*store), 2u);
  EXPECT_THAT(CopyList(*store, conflict.stored_as),
              ElementsAre("3:1:1:other bytes, pretty-printed"));
  EXPECT_THAT(CopyList(*store, "a"), ElementsAre("3:2:2:first bytes as CSV"));
}

TEST(SameRecordContentTest, FieldsOnlyOneSideCarriesDoNotConflict) {
  Event a = MakeEvent("a", 10500, 1, 1);
  a.operation = "Send";
  a.mailbox_upn = "Erin@Fabrikam.example";
  Event b = a;
  b.time_ms = 10900;  // same second
  b.mailbox_upn = "erin@fabrikam.example";
  b.parameters.push_back({"Identity", "x", true});
  EXPECT_TRUE(SameRecordContent(a, b));
  b.operation = "SendAs";
  EXPECT_FALSE(SameRecordContent(a, b));
  b = a;
  b.time_ms = 12000;
  EXPECT_FALSE(SameRecordContent(a, b));
  a.parameters.push_back({"Identity", "y", true});
  b = a;
  b.parameters[0].value = "z";
  EXPECT_FALSE(SameRecordContent(a, b));
  EXPECT_NE(ContentTag(a), ContentTag(b));
  EXPECT_EQ(ContentTag(a).size(), 16u);
}

TEST(CaseStoreEventsTest, EmptyRecordIdIsInvalidArgument) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  ExpectError(store->AddEvent(MakeEvent("", 1, 3, 14), "raw").status(),
              absl::StatusCode::kInvalidArgument, "line 14");
  EXPECT_EQ(Events(*store), 0u);
}

TEST(CaseStoreEventsTest, DuplicateWithinOneBatchIsDetected) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Add(*store, MakeEvent("a", 10, 1, 1), "same"), Outcome::kStored);
  EXPECT_EQ(Add(*store, MakeEvent("b", 11, 1, 2), "b"), Outcome::kStored);
  EXPECT_EQ(Add(*store, MakeEvent("a", 10, 1, 3), "same"), Outcome::kDuplicate);
  EXPECT_EQ(Add(*store, MakeEvent("a", 10, 1, 4), "different"), Outcome::kDuplicate);
  EXPECT_EQ(Events(*store), 2u);
  EXPECT_EQ(Copies(*store), 2u);
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_THAT(CopyList(*store, "a"), ElementsAre("1:3:3:", "1:4:4:different"));
  EXPECT_EQ(RawOf(*store, "a"), "same");
  EXPECT_EQ(Stored(*store, "a").provenance.line, 1u);
  EXPECT_THAT(ScanIds(*store, INT64_MIN, INT64_MAX), ElementsAre("a", "b"));
}

TEST(CaseStoreEventsTest, DuplicatesAcrossCommitAndReopenAreDetected) {
  TempDir tmp;
  {
    auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(Add(*store, MakeEvent("a", 10, 1, 1), "raw-a"), Outcome::kStored);
    ASSERT_TRUE(store->Commit().ok());
    EXPECT_EQ(Add(*store, MakeEvent("a", 99, 2, 7), "raw-a"), Outcome::kDuplicate);
  }
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Events(*store), 1u);
  EXPECT_EQ(Copies(*store), 1u);
  EXPECT_EQ(Add(*store, MakeEvent("a", 10, 3, 2), "raw-a"), Outcome::kDuplicate);
  EXPECT_EQ(Add(*store, MakeEvent("new", 10, 3, 3), "raw-n"), Outcome::kStored);
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(Events(*store), 2u);
  EXPECT_EQ(Copies(*store), 2u);
  // The first sighting stays the stored one, whatever the later time says.
  EXPECT_EQ(Stored(*store, "a").time_ms, 10);
  EXPECT_THAT(CopyList(*store, "a"), ElementsAre("2:7:7:", "3:2:2:"));
}

TEST(CaseStoreEventsTest, TheSameCopySeenTwiceCountsOnce) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  Add(*store, MakeEvent("a", 1, 1, 1), "x");
  EXPECT_EQ(Add(*store, MakeEvent("a", 1, 2, 5), "x"), Outcome::kDuplicate);
  EXPECT_EQ(Add(*store, MakeEvent("a", 1, 2, 5), "x"), Outcome::kDuplicate);
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(Add(*store, MakeEvent("a", 1, 2, 5), "x"), Outcome::kDuplicate);
  EXPECT_EQ(Copies(*store), 1u);
  EXPECT_THAT(CopyList(*store, "a"), ElementsAre("2:5:5:"));
}

TEST(CaseStoreEventsTest, RecordIdsSharingAPrefixKeepTheirCopiesApart) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  Add(*store, MakeEvent("ab", 1, 1, 1), "x");
  Add(*store, MakeEvent("a", 1, 1, 2), "y");
  Add(*store, MakeEvent("ab", 1, 2, 1), "x");
  Add(*store, MakeEvent("a", 1, 2, 2), "y");
  // An id extending "a" with bytes that look like a copy suffix.
  const std::string tricky("a\0\0\0\x02", 5);
  Add(*store, MakeEvent(tricky, 1, 1, 3), "z");
  Add(*store, MakeEvent(tricky, 1, 2, 3), "z");
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_THAT(CopyList(*store, "a"), ElementsAre("2:2:2:"));
  EXPECT_THAT(CopyList(*store, "ab"), ElementsAre("2:1:1:"));
  EXPECT_THAT(CopyList(*store, tricky), ElementsAre("2:3:3:"));
}

TEST(CaseStoreEventsTest, ManyCopyLookupsGiveWhatOneGivesAndSeeLaterWrites) {
  // Past kCopyLookupsBeforeFilter lookups GetCopies answers "no copies" from
  // a filter over the copies family; it must agree with the family, and a
  // later write must not be hidden by it.
  constexpr int kIds = 200;
  static_assert(kIds > CaseStore::kCopyLookupsBeforeFilter);
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  auto id = [](int i) { return "e" + std::to_string(i); };
  for (int i = 0; i < kIds; ++i) {
    Add(*store, MakeEvent(id(i), 1000 + i, 1, i + 1), "r" + std::to_string(i));
    if (i % 2 == 0) Add(*store, MakeEvent(id(i), 1000 + i, 2, i + 1), "r" + std::to_string(i));
  }
  ASSERT_TRUE(store->Commit().ok());
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < kIds; ++i) {
      const std::vector<std::string> copies = CopyList(*store, id(i));
      if (i % 2 == 0) {
        EXPECT_THAT(copies, ElementsAre(absl::StrCat("2:", i + 1, ":", i + 1, ":"))) << id(i);
      } else {
        EXPECT_THAT(copies, IsEmpty()) << id(i);
      }
    }
  }
  EXPECT_EQ(Add(*store, MakeEvent(id(1), 1001, 3, 9), "r1"), Outcome::kDuplicate);
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_THAT(CopyList(*store, id(1)), ElementsAre("3:9:9:"));
  store.reset();

  auto reader = OpenOrDie(tmp.path(), StoreMode::kReadOnly);
  ASSERT_NE(reader, nullptr);
  size_t with_copies = 0;
  for (int i = 0; i < kIds; ++i) with_copies += CopyList(*reader, id(i)).empty() ? 0 : 1;
  EXPECT_EQ(with_copies, kIds / 2 + 1);
  EXPECT_THAT(CopyList(*reader, id(1)), ElementsAre("3:9:9:"));
}

TEST(CaseStoreEventsTest, RollbackRemovesAnItemsEventsCopiesAndIndexEntries) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  Add(*store, MakeEvent("a", 1, 1, 1), "ra");
  Add(*store, MakeEvent("b", 2, 1, 2), "rb");
  Event c = MakeEvent("c", 3, 2, 1);
  c.client_ip = "198.51.100.7";
  Add(*store, c, "rc");
  EXPECT_EQ(Add(*store, MakeEvent("a", 1, 2, 2), "ra"), Outcome::kDuplicate);
  EXPECT_EQ(Add(*store, MakeEvent("b", 2, 3, 1), "rb"), Outcome::kDuplicate);
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(Events(*store), 3u);
  EXPECT_EQ(Copies(*store), 2u);

  ASSERT_TRUE(store->RollbackEvidence(2).ok());
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(Events(*store), 2u);
  EXPECT_EQ(Copies(*store), 1u);
  EXPECT_FALSE(store->GetEvent("c")->has_value());
  ExpectError(store->GetRaw("c").status(), absl::StatusCode::kNotFound, "c");
  EXPECT_THAT(IndexIds(*store, StoreIndex::kIp, "198.51.100.7"), IsEmpty());
  EXPECT_THAT(IndexIds(*store, StoreIndex::kIp, "203.0.113.5"), ElementsAre("a", "b"));
  EXPECT_THAT(CopyList(*store, "a"), IsEmpty());
  EXPECT_THAT(CopyList(*store, "b"), ElementsAre("3:1:1:"));
  EXPECT_THAT(ScanIds(*store, INT64_MIN, INT64_MAX), ElementsAre("a", "b"));
  // c can be ingested again afterwards.
  EXPECT_EQ(Add(*store, c, "rc"), Outcome::kStored);

  // Rolling back an item twice, or one that stored nothing, is harmless.
  ASSERT_TRUE(store->RollbackEvidence(2).ok());
  ASSERT_TRUE(store->RollbackEvidence(2).ok());
  ASSERT_TRUE(store->RollbackEvidence(77).ok());
  EXPECT_EQ(Events(*store), 2u);
}

TEST(CaseStoreEventsTest, RollbackPromotesTheLowestCopyWithItsOwnBytes) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  Event original = MakeEvent("r", 500, 3, 10);
  original.client_ip.clear();  // this export shape lacks the field
  ASSERT_EQ(Add(*store, original, "csv bytes"), Outcome::kStored);
  // The same record from a JSON export: other bytes, a finer time, a client
  // IP. Lowest (ordinal, line) of the surviving copies.
  Event json = MakeEvent("r", 499, 1, 3);
  json.client_ip = "192.0.2.44";
  json.provenance.record_index = 33;
  ASSERT_EQ(Add(*store, json, "json bytes"), Outcome::kDuplicate);
  auto csv = [&original](uint32_t ordinal, uint64_t line) {
    Event e = original;
    e.provenance = {ordinal, line, line};
    return e;
  };
  ASSERT_EQ(Add(*store, csv(1, 7), "csv bytes"), Outcome::kDuplicate);
  ASSERT_EQ(Add(*store, csv(2, 5), "csv bytes"), Outcome::kDuplicate);
  ASSERT_EQ(Add(*store, csv(3, 11), "csv bytes"), Outcome::kDuplicate);
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(Events(*store), 1u);
  EXPECT_EQ(Copies(*store), 4u);

  ASSERT_TRUE(store->RollbackEvidence(3).ok());
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(Events(*store), 1u);
  EXPECT_EQ(Copies(*store), 2u);
  Event now = Stored(*store, "r");
  EXPECT_EQ(now.provenance, (Provenance{1, 3, 33}));
  EXPECT_EQ(now.time_ms, 499);
  EXPECT_EQ(now.client_ip, "192.0.2.44");
  EXPECT_EQ(RawOf(*store, "r"), "json bytes");
  EXPECT_THAT(ScanIds(*store, INT64_MIN, INT64_MAX), ElementsAre("r"));
  EXPECT_THAT(IndexIds(*store, StoreIndex::kIp, "192.0.2.44"), ElementsAre("r"));
  EXPECT_THAT(IndexIds(*store, StoreIndex::kIp, "203.0.113.5"), IsEmpty());
  // The remaining copies had "same bytes as stored"; the stored bytes changed,
  // so they now carry their own.
  EXPECT_THAT(CopyList(*store, "r"), ElementsAre("1:7:7:csv bytes", "2:5:5:csv bytes"));

  // Rolling back item 1 promotes 2:5, whose fields are the CSV record's.
  ASSERT_TRUE(store->RollbackEvidence(1).ok());
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(Events(*store), 1u);
  EXPECT_EQ(Copies(*store), 0u);
  now = Stored(*store, "r");
  EXPECT_EQ(now.provenance, (Provenance{2, 5, 5}));
  EXPECT_EQ(now.time_ms, 500);
  EXPECT_EQ(now.client_ip, "");
  EXPECT_EQ(RawOf(*store, "r"), "csv bytes");
  EXPECT_THAT(IndexIds(*store, StoreIndex::kIp, "192.0.2.44"), IsEmpty());
  EXPECT_THAT(IndexIds(*store, StoreIndex::kMailbox, "bob@contoso.example"), ElementsAre("r"));

  ASSERT_TRUE(store->RollbackEvidence(2).ok());
  EXPECT_EQ(Events(*store), 0u);
  EXPECT_THAT(ScanIds(*store, INT64_MIN, INT64_MAX), IsEmpty());
  EXPECT_FALSE(store->GetEvent("r")->has_value());
}

TEST(CaseStoreEventsTest, PromotionKeepsSameBytesCopiesEmpty) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  Add(*store, MakeEvent("r", 5, 1, 1), "A");
  Add(*store, MakeEvent("r", 5, 2, 1), "B");  // differs from stored
  Add(*store, MakeEvent("r", 5, 3, 1), "B");  // differs from stored, same as 2:1
  Add(*store, MakeEvent("r", 5, 4, 1), "A");  // same as stored
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_THAT(CopyList(*store, "r"), ElementsAre("2:1:1:B", "3:1:1:B", "4:1:1:"));
  ASSERT_TRUE(store->RollbackEvidence(1).ok());
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(RawOf(*store, "r"), "B");
  EXPECT_THAT(CopyList(*store, "r"), ElementsAre("3:1:1:", "4:1:1:A"));
  // 4:1 had "same as stored" against A; promoted later, it gets A back.
  ASSERT_TRUE(store->RollbackEvidence(2).ok());
  ASSERT_TRUE(store->RollbackEvidence(3).ok());
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(RawOf(*store, "r"), "A");
  EXPECT_EQ(Stored(*store, "r").provenance.evidence, 4u);
  EXPECT_EQ(Events(*store), 1u);
  EXPECT_EQ(Copies(*store), 0u);
}

TEST(CaseStoreEventsTest, RollbackOfAnItemWithDuplicatesOfItsOwn) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  Add(*store, MakeEvent("r", 5, 2, 1), "x");
  Add(*store, MakeEvent("r", 5, 2, 9), "x");  // the same file repeats the record
  Add(*store, MakeEvent("r", 5, 4, 3), "x");
  ASSERT_TRUE(store->RollbackEvidence(2).ok());
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(Stored(*store, "r").provenance, (Provenance{4, 3, 3}));
  EXPECT_THAT(CopyList(*store, "r"), IsEmpty());
  EXPECT_EQ(Events(*store), 1u);
  EXPECT_EQ(Copies(*store), 0u);
}

TEST(CaseStoreEventsTest, RollbackCoversUncommittedAddsAndPersists) {
  TempDir tmp;
  {
    auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
    ASSERT_NE(store, nullptr);
    Add(*store, MakeEvent("keep", 1, 1, 1), "k");
    ASSERT_TRUE(store->Commit().ok());
    for (int i = 0; i < 100; ++i) Add(*store, MakeEvent("g" + std::to_string(i), i, 5, i), "g");
    Add(*store, MakeEvent("keep", 1, 5, 200), "k");
    // Still pending in the batch: rollback must see them.
    ASSERT_TRUE(store->RollbackEvidence(5).ok());
    EXPECT_EQ(Events(*store), 1u);
    EXPECT_EQ(Copies(*store), 0u);
  }
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadOnly);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Events(*store), 1u);
  EXPECT_EQ(Copies(*store), 0u);
  EXPECT_THAT(ScanIds(*store, INT64_MIN, INT64_MAX), ElementsAre("keep"));
  EXPECT_THAT(CopyList(*store, "keep"), IsEmpty());
}

TEST(CaseStoreEventsTest, RollbackOfTheLastOrdinalStaysInsideIt) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  Add(*store, MakeEvent("last", 1, UINT32_MAX, 1), "x");
  Add(*store, MakeEvent("before", 1, UINT32_MAX - 1, 1), "y");
  ASSERT_TRUE(store->RollbackEvidence(UINT32_MAX).ok());
  EXPECT_THAT(ScanIds(*store, INT64_MIN, INT64_MAX), ElementsAre("before"));
}

// Sanity for bulk load: 200k events (10% duplicates) in well under a minute
// on a shared 2-core machine; counts and scans must agree exactly.
// Bytes malloc has handed out from the main arena and as mmapped chunks
// (glibc; tests do not link mimalloc). Sanitizers replace malloc, so the
// test below skips under them.
size_t HeapInUse() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

TEST(CaseStoreEventsTest, CommitGivesBackTheBulkBatchBuffers) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "malloc statistics are the sanitizer's";
#endif
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Commit().ok());
  const size_t before = HeapInUse();
  // About 12 MiB of records: one full 8 MiB batch sorted and written, the
  // rest pending until the commit; then every id again, as duplicates.
  const std::string padding(2000, 'p');
  for (int i = 0; i < 6000; ++i) {
    const std::string id = "rec-" + std::to_string(i);
    EXPECT_EQ(Add(*store, MakeEvent(id, 1000 + i, 1, i + 1), id + padding), Outcome::kStored);
  }
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(Stored(*store, "rec-7").time_ms, 1007);
  ASSERT_TRUE(store->Commit().ok());
  // Without giving back the batch buffers (two of 8 MiB or more) the heap
  // would stay that much above `before` for good. The flushed memtables are
  // freed by RocksDB's flush thread after Flush() has returned, so the heap
  // may take a moment to come down (seen: 28 MB on a loaded CI machine).
  const size_t limit = before + (6u << 20);
  size_t after = HeapInUse();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (after >= limit && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    after = HeapInUse();
  }
  EXPECT_LT(after, limit) << "before " << before << " after " << after;
  for (int i = 0; i < 6000; i += 7) {
    const std::string id = "rec-" + std::to_string(i);
    EXPECT_EQ(Add(*store, MakeEvent(id, 1000 + i, 2, i + 1), id + padding), Outcome::kDuplicate);
  }
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(Events(*store), 6000u);
  EXPECT_EQ(Copies(*store), 858u);
}

TEST(CaseStoreEventsTest, BulkInsertOf200kEvents) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  const auto start = std::chrono::steady_clock::now();
  constexpr int kEvents = 200000;
  const std::string padding(150, 'p');
  uint64_t stored = 0, duplicates = 0;
  for (int i = 0; i < kEvents; ++i) {
    // Every tenth record repeats an earlier one (as overlapping exports do).
    const int n = (i % 10 == 9) ? i - 5 : i;
    Event e = MakeEvent("rec-" + std::to_string(n), 1600000000000 + n * 1000, 1 + i / 50000, i + 1);
    e.client_ip = "10.0." + std::to_string(n % 200) + ".1";
    const Outcome o = Add(*store, e, "{\"Id\":\"rec-" + std::to_string(n) + "\"," + padding + "}");
    (o == Outcome::kStored ? stored : duplicates)++;
  }
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_EQ(stored, 180000u);
  EXPECT_EQ(duplicates, 20000u);
  EXPECT_EQ(Events(*store), stored);
  EXPECT_EQ(Copies(*store), duplicates);
  uint64_t scanned = 0;
  TimeMs last = INT64_MIN;
  ASSERT_TRUE(store
                  ->ScanEvents(INT64_MIN, INT64_MAX,
                               [&](const Event& e) {
                                 EXPECT_LE(last, e.time_ms);
                                 last = e.time_ms;
                                 ++scanned;
                                 return true;
                               })
                  .ok());
  EXPECT_EQ(scanned, stored);
  EXPECT_EQ(IndexIds(*store, StoreIndex::kIp, "10.0.7.1").size(), 1000u);
  EXPECT_TRUE(store->VerifyChecksums().ok());
  // Rolling back the second item: its 45k stored events and the 5k copies
  // recorded from it go (its duplicates all repeat its own records).
  ASSERT_TRUE(store->RollbackEvidence(2).ok());
  ASSERT_TRUE(store->Commit().ok());
  uint64_t after = 0;
  ASSERT_TRUE(store
                  ->ScanEvents(INT64_MIN, INT64_MAX,
                               [&after](const Event&) {
                                 ++after;
                                 return true;
                               })
                  .ok());
  EXPECT_EQ(after, 135000u);
  EXPECT_EQ(Events(*store), after);
  EXPECT_EQ(Copies(*store), 15000u);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("200k events inserted, scanned and partly rolled back in %.2f s\n", seconds);
}

}  // namespace
}  // namespace tern
