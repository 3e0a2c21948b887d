#include "core/store/case_store.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/store/case_store_test_util.h"
#include "core/store/raw_db_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"

extern char** environ;

namespace tern {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing_util::ExpectError;
using testing_util::IndexIds;
using testing_util::MakeEvent;
using testing_util::OpenOrDie;
using testing_util::RawDb;
using testing_util::ScanIds;
using testing_util::TempDir;

// Edits the store's meta family behind CaseStore's back, as a newer or
// damaged tern would have left it. `value` nullopt deletes the key.
void TamperMeta(const std::string& dir, const std::string& key,
                const std::optional<std::string>& value, bool add_family = false) {
  const RawDb raw(dir);
  ASSERT_TRUE(raw.ok());
  if (value.has_value()) {
    raw.Put("meta", key, *value);
  } else {
    EXPECT_TRUE(raw.db()->Delete(rocksdb::WriteOptions(), raw.Family("meta"), key).ok());
  }
  if (add_family) {
    rocksdb::ColumnFamilyHandle* h = nullptr;
    EXPECT_TRUE(
        raw.db()->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "future_family", &h).ok());
    EXPECT_TRUE(raw.db()->DestroyColumnFamilyHandle(h).ok());
  }
}

std::set<std::string> FileNames(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename());
  return names;
}

TEST(CaseStoreTest, CreatesDirectoryAndPersistsAcrossReopen) {
  TempDir tmp;
  const std::string dir = (tmp / "case/store");
  {
    auto store = OpenOrDie(dir, StoreMode::kReadWrite);
    ASSERT_NE(store, nullptr);
    EXPECT_TRUE(fs::exists(dir + "/CURRENT"));
    for (int i = 0; i < 3; ++i) {
      auto added = store->AddEvent(MakeEvent("id" + std::to_string(i), 1000 + i, 1, i + 1), "raw");
      ASSERT_TRUE(added.ok()) << added.status();
      EXPECT_EQ(*added, CaseStore::AddOutcome::kStored);
    }
    ASSERT_TRUE(store->PutMeta("case_id", "C-42").ok());
    auto first = store->AllocateEvidenceOrdinal();
    auto second = store->AllocateEvidenceOrdinal();
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_EQ(*first, 1u);
    EXPECT_EQ(*second, 2u);
    EvidenceRecord rec;
    rec.ordinal = 2;
    rec.sha256 = "ab";
    rec.status = "ingested";
    ASSERT_TRUE(store->PutEvidence(rec).ok());
    // No Commit(): the destructor commits.
  }
  auto store = OpenOrDie(dir, StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*store->CountEvents(), 3u);
  EXPECT_THAT(ScanIds(*store, INT64_MIN, INT64_MAX), ElementsAre("id0", "id1", "id2"));
  auto meta = store->GetMeta("case_id");
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->value_or(""), "C-42");
  auto missing = store->GetMeta("nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  auto third = store->AllocateEvidenceOrdinal();
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(*third, 3u);
  auto evidence = store->ListEvidence();
  ASSERT_TRUE(evidence.ok());
  ASSERT_EQ(evidence->size(), 1u);
  EXPECT_EQ((*evidence)[0].ordinal, 2u);
  EXPECT_EQ((*evidence)[0].sha256, "ab");
}

TEST(CaseStoreTest, SchemaVersionIsWrittenOnCreation) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  auto v = store->GetMeta("schema_version");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->value_or(""), std::to_string(kStoreSchemaVersion));
}

TEST(CaseStoreTest, ReadOnlyOpenOfMissingStoreIsNotFoundAndCreatesNothing) {
  TempDir tmp;
  const std::string dir = (tmp / "nothing-here");
  auto store = CaseStore::Open(dir, StoreMode::kReadOnly);
  ExpectError(store.status(), absl::StatusCode::kNotFound, dir);
  EXPECT_FALSE(fs::exists(dir));
}

TEST(CaseStoreTest, ReadOnlyOpenReadsRefusesWritesAndLeavesFilesAlone) {
  TempDir tmp;
  {
    auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->AddEvent(MakeEvent("a", 5, 1, 1), "raw-a").ok());
    ASSERT_TRUE(store->Commit().ok());
  }
  const std::set<std::string> before = FileNames(tmp.path());
  {
    auto store = OpenOrDie(tmp.path(), StoreMode::kReadOnly);
    ASSERT_NE(store, nullptr);
    auto e = store->GetEvent("a");
    ASSERT_TRUE(e.ok()) << e.status();
    ASSERT_TRUE(e->has_value());
    EXPECT_EQ((*e)->time_ms, 5);
    EXPECT_EQ(*store->GetRaw("a"), "raw-a");
    EXPECT_EQ(*store->CountEvents(), 1u);
    ExpectError(store->AddEvent(MakeEvent("b", 6, 1, 2), "x").status(),
                absl::StatusCode::kFailedPrecondition, "read-only");
    ExpectError(store->PutMeta("k", "v"), absl::StatusCode::kFailedPrecondition, "read-only");
    ExpectError(store->AllocateEvidenceOrdinal().status(), absl::StatusCode::kFailedPrecondition,
                "read-only");
    ExpectError(store->ReplaceDerived("sessions", {}), absl::StatusCode::kFailedPrecondition,
                "read-only");
    ExpectError(store->RollbackEvidence(1), absl::StatusCode::kFailedPrecondition, "read-only");
    ExpectError(store->Commit(), absl::StatusCode::kFailedPrecondition, "read-only");
    // Two readers at once are fine.
    auto other = OpenOrDie(tmp.path(), StoreMode::kReadOnly);
    EXPECT_NE(other, nullptr);
  }
  EXPECT_EQ(FileNames(tmp.path()), before);
}

TEST(CaseStoreTest, NewerSchemaIsRefusedNamingBothVersions) {
  TempDir tmp;
  { ASSERT_NE(OpenOrDie(tmp.path(), StoreMode::kReadWrite), nullptr); }
  // A newer tern would also have added families this one does not know.
  TamperMeta(tmp.path(), "schema_version", "7", /*add_family=*/true);
  for (StoreMode mode : {StoreMode::kReadWrite, StoreMode::kReadOnly}) {
    auto store = CaseStore::Open(tmp.path(), mode);
    ExpectError(store.status(), absl::StatusCode::kFailedPrecondition,
                "was written by schema 7; this tern reads schema <= " +
                    std::to_string(kStoreSchemaVersion));
    ExpectError(store.status(), absl::StatusCode::kFailedPrecondition, tmp.path());
  }
}

TEST(CaseStoreTest, GarbledSchemaIsDataLoss) {
  TempDir tmp;
  { ASSERT_NE(OpenOrDie(tmp.path(), StoreMode::kReadWrite), nullptr); }
  TamperMeta(tmp.path(), "schema_version", "1x");
  ExpectError(CaseStore::Open(tmp.path(), StoreMode::kReadWrite).status(),
              absl::StatusCode::kDataLoss, "unreadable schema_version '1x'");
  TamperMeta(tmp.path(), "schema_version", "0");
  ExpectError(CaseStore::Open(tmp.path(), StoreMode::kReadOnly).status(),
              absl::StatusCode::kDataLoss, "schema_version");
}

TEST(CaseStoreTest, MissingSchemaOnNonEmptyStoreIsDataLoss) {
  TempDir tmp;
  {
    auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->AddEvent(MakeEvent("a", 1, 1, 1), "raw").ok());
  }
  TamperMeta(tmp.path(), "schema_version", std::nullopt);
  ExpectError(CaseStore::Open(tmp.path(), StoreMode::kReadWrite).status(),
              absl::StatusCode::kDataLoss, "no schema_version");
}

TEST(CaseStoreTest, ReservedMetaKeysAreRefused) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  for (const char* key : {"schema_version", "event_count", "copy_count", "next_evidence_ordinal"}) {
    ExpectError(store->PutMeta(key, "99"), absl::StatusCode::kInvalidArgument, "reserved");
  }
  EXPECT_EQ(store->GetMeta("schema_version")->value_or(""), std::to_string(kStoreSchemaVersion));
}

TEST(CaseStoreTest, SecondWriterInSameProcessGetsClearError) {
  TempDir tmp;
  auto first = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(first, nullptr);
  auto second = CaseStore::Open(tmp.path(), StoreMode::kReadWrite);
  ExpectError(second.status(), absl::StatusCode::kFailedPrecondition,
              "case is in use by another tern process");
  first.reset();
  // Released on close.
  EXPECT_NE(OpenOrDie(tmp.path(), StoreMode::kReadWrite), nullptr);
}

// Run only as the child of SecondWriterProcessGetsClearError: holds the
// store open until told to let go.
TEST(CaseStoreLockHelper, DISABLED_HoldStore) {
  const char* dir = std::getenv("TERN_TEST_HOLD_DIR");
  ASSERT_NE(dir, nullptr);
  auto store = OpenOrDie(std::string(dir) + "/store", StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  std::ofstream(std::string(dir) + "/ready").put('1');
  for (int i = 0; i < 600 && !fs::exists(std::string(dir) + "/release"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

TEST(CaseStoreTest, SecondWriterProcessGetsClearError) {
  TempDir tmp;
  const std::string env = "TERN_TEST_HOLD_DIR=" + tmp.path();
  std::string filter = "--gtest_filter=CaseStoreLockHelper.DISABLED_HoldStore";
  std::string disabled = "--gtest_also_run_disabled_tests";
  std::string self = fs::read_symlink("/proc/self/exe");
  char* argv[] = {self.data(), filter.data(), disabled.data(), nullptr};
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
  envp.push_back(const_cast<char*>(env.c_str()));
  envp.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv, envp.data()), 0);
  for (int i = 0; i < 600 && !fs::exists((tmp / "ready")); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(fs::exists((tmp / "ready"))) << "helper process did not open the store";
  auto second = CaseStore::Open((tmp / "store"), StoreMode::kReadWrite);
  ExpectError(second.status(), absl::StatusCode::kFailedPrecondition,
              "case is in use by another tern process");
  std::ofstream((tmp / "release")).put('1');
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
  EXPECT_NE(OpenOrDie((tmp / "store"), StoreMode::kReadWrite), nullptr);
}

// Copying the directory of a live store captures what a crash at that moment
// would leave on disk: with the WAL off, only flushed data.
TEST(CaseStoreTest, CommittedDataSurvivesACrashAndUncommittedDataVanishesWhole) {
  TempDir tmp;
  const std::string dir = (tmp / "live");
  auto store = OpenOrDie(dir, StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(store->AddEvent(MakeEvent("c" + std::to_string(i), i, 1, i + 1), "r").ok());
  }
  ASSERT_TRUE(store->AddEvent(MakeEvent("c0", 0, 1, 999), "other bytes").ok());
  ASSERT_TRUE(store->Commit().ok());
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(store->AddEvent(MakeEvent("u" + std::to_string(i), i, 2, i + 1), "r").ok());
  }
  fs::copy(dir, (tmp / "crashed"), fs::copy_options::recursive);
  store.reset();

  auto crashed = OpenOrDie((tmp / "crashed"), StoreMode::kReadOnly);
  ASSERT_NE(crashed, nullptr);
  EXPECT_EQ(*crashed->CountEvents(), 100u);
  EXPECT_EQ(*crashed->CountCopies(), 1u);
  EXPECT_EQ(ScanIds(*crashed, INT64_MIN, INT64_MAX).size(), 100u);
  EXPECT_FALSE(crashed->GetEvent("u0")->has_value());
  auto copies = crashed->GetCopies("c0");
  ASSERT_TRUE(copies.ok());
  ASSERT_EQ(copies->size(), 1u);
  EXPECT_EQ((*copies)[0].raw, "other bytes");
}

TEST(CaseStoreTest, ScanEventsOrdersByTimeThenIdWithNegativeTimesAndBounds) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  const std::vector<std::pair<std::string, TimeMs>> events = {{"b", 0},
                                                              {"a", 0},
                                                              {"z", -5},
                                                              {"m", 1700000000000},
                                                              {"c", -86400000000},
                                                              {"d", -1},
                                                              {"e", INT64_MIN + 1},
                                                              {"f", INT64_MAX - 1},
                                                              {"aa", 0}};
  uint64_t line = 0;
  for (const auto& [id, t] : events) {
    ASSERT_TRUE(store->AddEvent(MakeEvent(id, t, 1, ++line), "raw").ok());
  }
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_THAT(ScanIds(*store, INT64_MIN, INT64_MAX),
              ElementsAre("e", "c", "z", "d", "a", "aa", "b", "m", "f"));
  // from is inclusive, to exclusive.
  EXPECT_THAT(ScanIds(*store, -5, 0), ElementsAre("z", "d"));
  EXPECT_THAT(ScanIds(*store, 0, 1), ElementsAre("a", "aa", "b"));
  EXPECT_THAT(ScanIds(*store, 1, 1), IsEmpty());
  EXPECT_THAT(ScanIds(*store, 10, -10), IsEmpty());

  std::vector<std::string> first_two;
  ASSERT_TRUE(store
                  ->ScanEvents(INT64_MIN, INT64_MAX,
                               [&first_two](const Event& e) {
                                 first_two.push_back(e.record_id);
                                 return first_two.size() < 2;
                               })
                  .ok());
  EXPECT_THAT(first_two, ElementsAre("e", "c"));
}

TEST(CaseStoreTest, ScanIndexCoversEachIndexIgnoringCaseWithinTimeBounds) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  Event e1 = MakeEvent("e1", 100, 1, 1);
  Event e2 = MakeEvent("e2", -100, 1, 2);
  e2.mailbox_guid = "OTHER-GUID";
  e2.mailbox_upn = "carol@contoso.example";
  e2.client_ip = "2001:DB8::1";
  e2.actor_upn = "";
  e2.actor_sid = "S-1-5-21-77";
  e2.operation = "Send";
  Event e3 = MakeEvent("e3", 200, 1, 3);
  e3.mailbox_upn = "";
  e3.operation = "";
  for (const Event& e : {e1, e2, e3}) ASSERT_TRUE(store->AddEvent(e, "raw").ok());
  ASSERT_TRUE(store->Commit().ok());

  // Mailbox: both the GUID and the UPN, any case.
  EXPECT_THAT(IndexIds(*store, StoreIndex::kMailbox, "0B1C2D3E-0000-0000-0000-000000000001"),
              ElementsAre("e1", "e3"));
  EXPECT_THAT(IndexIds(*store, StoreIndex::kMailbox, "bob@contoso.EXAMPLE"), ElementsAre("e1"));
  EXPECT_THAT(IndexIds(*store, StoreIndex::kMailbox, "other-guid"), ElementsAre("e2"));
  EXPECT_THAT(IndexIds(*store, StoreIndex::kMailbox, "Carol@Contoso.example"), ElementsAre("e2"));
  EXPECT_THAT(IndexIds(*store, StoreIndex::kIp, "2001:db8::1"), ElementsAre("e2"));
  EXPECT_THAT(IndexIds(*store, StoreIndex::kIp, "203.0.113.5"), ElementsAre("e1", "e3"));
  // Actor: UPN and SID.
  EXPECT_THAT(IndexIds(*store, StoreIndex::kActor, "alice@contoso.example"),
              ElementsAre("e1", "e3"));
  EXPECT_THAT(IndexIds(*store, StoreIndex::kActor, "s-1-5-21-77"), ElementsAre("e2"));
  EXPECT_THAT(IndexIds(*store, StoreIndex::kActor, "S-1-5-21-9"), ElementsAre("e1", "e3"));
  EXPECT_THAT(IndexIds(*store, StoreIndex::kOperation, "mailitemsaccessed"), ElementsAre("e1"));
  EXPECT_THAT(IndexIds(*store, StoreIndex::kOperation, "SEND"), ElementsAre("e2"));
  // Empty values are not indexed; a value is not a prefix match.
  EXPECT_THAT(IndexIds(*store, StoreIndex::kOperation, ""), IsEmpty());
  EXPECT_THAT(IndexIds(*store, StoreIndex::kIp, "203.0.113"), IsEmpty());
  // The wrong index finds nothing.
  EXPECT_THAT(IndexIds(*store, StoreIndex::kIp, "send"), IsEmpty());
  // Time bounds: [from, to), and the time is reported.
  EXPECT_THAT(IndexIds(*store, StoreIndex::kIp, "203.0.113.5", 100, 200), ElementsAre("e1"));
  EXPECT_THAT(IndexIds(*store, StoreIndex::kIp, "203.0.113.5", 101, 201), ElementsAre("e3"));
  std::vector<TimeMs> times;
  ASSERT_TRUE(store
                  ->ScanIndex(StoreIndex::kActor, "S-1-5-21-77", INT64_MIN, INT64_MAX,
                              [&times](std::string_view, TimeMs t) {
                                times.push_back(t);
                                return true;
                              })
                  .ok());
  EXPECT_THAT(times, ElementsAre(-100));
}

TEST(CaseStoreTest, VisitEventsReadsTheGivenEventsOnceEachInScanOrder) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  // Negative, equal and later times, and many events so that the reads
  // cross blocks.
  std::vector<std::pair<TimeMs, std::string>> stored;
  for (int i = 0; i < 3000; ++i) {
    const TimeMs t = (i % 7 == 0 ? -1 : 1) * (i / 3) * 1000;
    Event e = MakeEvent("id-" + std::to_string(i), t, 1, i + 1);
    e.client_info = std::string(200, 'x');  // bulk for the blocks
    ASSERT_TRUE(store->AddEvent(e, "raw " + e.record_id).ok());
    stored.emplace_back(t, e.record_id);
  }
  ASSERT_TRUE(store->Commit().ok());
  const std::vector<std::string> scan = ScanIds(*store, INT64_MIN, INT64_MAX);

  // Every third event, backwards, some twice, and refs to nothing stored.
  std::vector<CaseStore::EventRef> refs;
  std::set<std::string> wanted;
  for (size_t i = stored.size(); i-- > 0;) {
    if (i % 3 != 0) continue;
    refs.push_back({stored[i].first, stored[i].second});
    if (i % 9 == 0) refs.push_back({stored[i].first, stored[i].second});
    wanted.insert(stored[i].second);
  }
  refs.push_back({12345, "id-0"});     // a stored id at another time
  refs.push_back({-5, "not-stored"});  // nothing
  std::vector<std::string> expected;
  for (const std::string& id : scan) {
    if (wanted.contains(id)) expected.push_back(id);
  }
  std::vector<std::string> visited;
  ASSERT_TRUE(store
                  ->VisitEvents(refs,
                                [&visited](const Event& e) {
                                  visited.push_back(e.record_id);
                                  return true;
                                })
                  .ok());
  EXPECT_EQ(visited, expected);
  EXPECT_EQ(visited.size(), 1000u);

  // fn returning false stops the visit.
  std::vector<std::string> first_two;
  ASSERT_TRUE(store
                  ->VisitEvents(refs,
                                [&first_two](const Event& e) {
                                  first_two.push_back(e.record_id);
                                  return first_two.size() < 2;
                                })
                  .ok());
  EXPECT_EQ(first_two, std::vector<std::string>(expected.begin(), expected.begin() + 2));
}

TEST(CaseStoreTest, IndexValuesWithNulBytesDoNotCollide) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  Event a = MakeEvent("a", 1, 1, 1);
  a.operation = "x";
  Event b = MakeEvent("b", 1, 1, 2);
  b.operation = std::string("x\0\0\0\0\0\0\0\0\x01y", 11);
  ASSERT_TRUE(store->AddEvent(a, "raw").ok());
  ASSERT_TRUE(store->AddEvent(b, "raw").ok());
  ASSERT_TRUE(store->Commit().ok());
  EXPECT_THAT(IndexIds(*store, StoreIndex::kOperation, "x"), ElementsAre("a"));
  EXPECT_THAT(IndexIds(*store, StoreIndex::kOperation, b.operation), ElementsAre("b"));
}

TEST(CaseStoreTest, DerivedScanResumesFromAKey) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->ReplaceDerived("sessions", {{"a", "1"}, {"b", "2"}, {"c", "3"}}).ok());
  ASSERT_TRUE(store->ReplaceDerived("sessions2", {{"a", "other kind"}}).ok());
  auto from = [&](std::string_view key) {
    std::vector<std::string> out;
    EXPECT_TRUE(store
                    ->ScanDerivedFrom("sessions", key,
                                      [&out](std::string_view k, std::string_view) {
                                        out.emplace_back(k);
                                        return true;
                                      })
                    .ok());
    return out;
  };
  EXPECT_THAT(from(""), ElementsAre("a", "b", "c"));
  EXPECT_THAT(from("b"), ElementsAre("b", "c"));
  EXPECT_THAT(from(std::string("b\0", 2)), ElementsAre("c"));
  EXPECT_THAT(from("d"), IsEmpty());
}

TEST(CaseStoreTest, DerivedDataIsReplacedPerKind) {
  TempDir tmp;
  auto scan = [](CaseStore& store, std::string_view kind) {
    std::vector<std::string> out;
    EXPECT_TRUE(store
                    .ScanDerived(kind,
                                 [&out](std::string_view k, std::string_view v) {
                                   out.push_back(std::string(k) + "=" + std::string(v));
                                   return true;
                                 })
                    .ok());
    return out;
  };
  {
    auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(
        store->ReplaceDerived("sessions", {{"S-2", "two"}, {"S-1", "one"}, {"S-3", ""}}).ok());
    ASSERT_TRUE(store->ReplaceDerived("s", {{"k", "short kind"}}).ok());
    ASSERT_TRUE(store->ReplaceDerived("findings", {{"F-0001", "f"}}).ok());
    EXPECT_THAT(scan(*store, "sessions"), ElementsAre("S-1=one", "S-2=two", "S-3="));
    ASSERT_TRUE(store->ReplaceDerived("sessions", {{"S-9", "nine"}}).ok());
    EXPECT_THAT(scan(*store, "sessions"), ElementsAre("S-9=nine"));
    EXPECT_THAT(scan(*store, "s"), ElementsAre("k=short kind"));
    EXPECT_THAT(scan(*store, "findings"), ElementsAre("F-0001=f"));
    EXPECT_THAT(scan(*store, "nothing"), IsEmpty());
    ExpectError(store->ReplaceDerived("", {}), absl::StatusCode::kInvalidArgument, "kind");
    ExpectError(store->ReplaceDerived(std::string("a\0b", 3), {}),
                absl::StatusCode::kInvalidArgument, "kind");
  }
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadOnly);
  ASSERT_NE(store, nullptr);
  EXPECT_THAT(scan(*store, "sessions"), ElementsAre("S-9=nine"));
  store.reset();
  auto writer = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->ReplaceDerived("sessions", {}).ok());
  EXPECT_THAT(scan(*writer, "sessions"), IsEmpty());
  EXPECT_THAT(scan(*writer, "findings"), ElementsAre("F-0001=f"));
}

TEST(CaseStoreTest, FindIngestedBySha256SkipsContainersAndOtherStatuses) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  const std::string sha(64, 'a');
  EvidenceRecord container;
  container.ordinal = 1;
  container.is_container = true;
  container.sha256 = sha;
  container.status = "ingested";
  EvidenceRecord incomplete;
  incomplete.ordinal = 2;
  incomplete.sha256 = sha;
  incomplete.status = "incomplete";
  EvidenceRecord leaf = incomplete;
  leaf.ordinal = 3;
  leaf.status = "ingested";
  EvidenceRecord later = leaf;
  later.ordinal = 4;
  for (const auto& r : {later, container, leaf, incomplete})
    ASSERT_TRUE(store->PutEvidence(r).ok());
  EXPECT_EQ(*store->FindIngestedBySha256(std::string(64, 'A')), 3u);
  EXPECT_EQ(*store->FindIngestedBySha256(std::string(64, 'b')), 0u);
  auto all = store->ListEvidence();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].ordinal, 1u);
  EXPECT_EQ((*all)[3].ordinal, 4u);
  EvidenceRecord none;
  ExpectError(store->PutEvidence(none), absl::StatusCode::kInvalidArgument, "ordinal");
}

TEST(CaseStoreTest, MissingRecordsReadAsAbsent) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  auto e = store->GetEvent("nope");
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->has_value());
  ExpectError(store->GetRaw("nope").status(), absl::StatusCode::kNotFound, "nope");
  auto copies = store->GetCopies("nope");
  ASSERT_TRUE(copies.ok());
  EXPECT_THAT(*copies, IsEmpty());
}

TEST(CaseStoreTest, BlockCacheCapacityCanBeLoweredAndRestored) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  const std::string raw(2000, 'r');
  for (int i = 0; i < 20000; ++i) {
    ASSERT_TRUE(store->AddEvent(MakeEvent(absl::StrCat("id-", i), i, 1, i + 1), raw).ok());
  }
  ASSERT_TRUE(store->Commit().ok());
  // Point reads cache what they read: index partitions and data blocks.
  for (int i = 0; i < 20000; i += 7) {
    auto e = store->GetEvent(absl::StrCat("id-", i));
    ASSERT_TRUE(e.ok() && e->has_value());
  }
  const size_t filled = store->BlockCacheUsage();
  EXPECT_GT(filled, size_t{1} << 20);

  EXPECT_EQ(store->SetBlockCacheCapacity(size_t{256} << 10), size_t{64} << 20);
  EXPECT_LT(store->BlockCacheUsage(), filled / 2);
  // Reads still work, and stay within the lower capacity (plus what the
  // store pins, which is small here).
  for (int i = 0; i < 20000; i += 7) {
    auto e = store->GetEvent(absl::StrCat("id-", i));
    ASSERT_TRUE(e.ok() && e->has_value());
  }
  EXPECT_LT(store->BlockCacheUsage(), filled / 2);
  EXPECT_EQ(store->SetBlockCacheCapacity(size_t{64} << 20), size_t{256} << 10);
}

TEST(CaseStoreTest, VerifyChecksumsPassesThenCatchesAFlippedByte) {
  TempDir tmp;
  {
    auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
    ASSERT_NE(store, nullptr);
    for (int i = 0; i < 2000; ++i) {
      ASSERT_TRUE(store
                      ->AddEvent(MakeEvent("id" + std::to_string(i), i, 1, i + 1),
                                 "raw record bytes " + std::to_string(i * 7919))
                      .ok());
    }
    ASSERT_TRUE(store->Commit().ok());
    EXPECT_TRUE(store->VerifyChecksums().ok());
  }
  // Damage the largest table file in the middle of its data blocks.
  fs::path largest;
  uintmax_t size = 0;
  for (const auto& entry : fs::directory_iterator(tmp.path())) {
    if (entry.path().extension() == ".sst" && entry.file_size() > size) {
      size = entry.file_size();
      largest = entry.path();
    }
  }
  ASSERT_FALSE(largest.empty());
  {
    std::fstream f(largest, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 3));
    const char junk[16] = {'\x5a', '\x5a', '\x5a', '\x5a', '\x5a', '\x5a', '\x5a', '\x5a',
                           '\x5a', '\x5a', '\x5a', '\x5a', '\x5a', '\x5a', '\x5a', '\x5a'};
    f.write(junk, sizeof(junk));
  }
  auto store = CaseStore::Open(tmp.path(), StoreMode::kReadOnly);
  const absl::Status s = store.ok() ? (*store)->VerifyChecksums() : store.status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr(tmp.path()));
}

}  // namespace
}  // namespace tern
