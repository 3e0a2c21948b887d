// The case store's on-disk layout: the compression and block settings each
// column family is written with (chosen by measurement, docs/BENCHMARKS.md
// "Change 5"), and records that come back byte for byte, raw and normalized,
// once they went through flushes and compactions.
#include <sys/resource.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/codec.h"
#include "core/model/codec.h"
#include "core/store/case_store.h"
#include "core/store/case_store_test_util.h"
#include "core/store/raw_db_test_util.h"
#include "gtest/gtest.h"
#include "rocksdb/convenience.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/table_properties.h"
#include "rocksdb/utilities/options_util.h"

namespace tern {
namespace {

using testing_util::MakeEvent;
using testing_util::OpenOrDie;
using testing_util::RawDb;
using testing_util::TempDir;

bool ZstdSupported() {
  for (rocksdb::CompressionType t : rocksdb::GetSupportedCompressions()) {
    if (t == rocksdb::kZSTD) return true;
  }
  return false;
}

// A normalized event with every kind of field set, as the parsers make them.
Event FullEvent(int n) {
  Event e = MakeEvent(absl::StrCat("7e5f0c1a-0000-4000-8000-", 100000000000 + n),
                      1733300000000 + n * 1000, 1 + n % 3, 10 + n);
  e.workload = "Exchange";
  e.result_status = "Succeeded";
  e.organization_id = "4f1a2b3c-0000-0000-0000-00000000000f";
  e.actor_display = "Alice Example";
  e.user_type = 0;
  e.logon_type = kLogonDelegate;
  e.client_ip_raw = "[203.0.113.5]:443";
  e.client_info = "Client=OWA;Mozilla/5.0 (Windows NT 10.0; Win64; x64)";
  e.session_id = absl::StrCat("sess-", n % 7);
  e.external_access = 0;
  e.object_id = "Bob@Contoso.example\\Inbox";
  e.parameters = {{"Identity", "Bob", true}, {"RuleName", "", false}};
  e.operation_properties = {{"MailAccessType", "Bind", true}};
  e.items = {{"Quarterly numbers", "\\Inbox", "<m1@contoso.example>", "AAMk1", 1234}};
  e.folders = {"\\Inbox", "\\Archive"};
  e.extra = {{"OperationCount", absl::StrCat(n), true},
             {"Item.ParentFolder.Path", "\\Inbox", true}};
  e.flags = n % 2 == 0 ? 0 : kFlagTimeFromWrapper;
  return e;
}

std::string RawOf(const Event& e) {
  return absl::StrCat(R"({"CreationTime":"2024-12-04T08:13:20","Id":")", e.record_id,
                      R"(","Operation":"MailItemsAccessed","OperationCount":)", e.extra[0].value,
                      R"(,"ClientIPAddress":"203.0.113.5"})");
}

// Every (key, value) of column family `family` in the store at `dir`, read
// behind CaseStore's back.
std::vector<std::pair<std::string, std::string>> ReadFamily(const std::string& dir,
                                                            const std::string& family) {
  return RawDb(dir, RawDb::kReadOnly).Entries(family);
}

// Rewrites meta schema_version of the (closed) store at `dir`, as an older
// tern would have left it.
void SetSchemaVersion(const std::string& dir, const std::string& version) {
  RawDb(dir).Put("meta", "schema_version", version);
}

TEST(CaseStoreLayoutTest, FamiliesAreWrittenWithTheMeasuredCompressionAndBlockSizes) {
  if (!ZstdSupported()) GTEST_SKIP() << "this librocksdb has no ZSTD; the store uses LZ4";
  TempDir tmp;
  const std::string dir = tmp / "store";
  {
    auto store = OpenOrDie(dir, StoreMode::kReadWrite);
    ASSERT_NE(store, nullptr);
    for (int n = 0; n < 200; ++n) {
      const Event e = FullEvent(n);
      ASSERT_TRUE(store->AddEvent(e, RawOf(e)).ok());
    }
    const Event dup = FullEvent(3);
    Event copy = dup;
    copy.provenance = {9, 1, 1};
    ASSERT_TRUE(store->AddEvent(copy, RawOf(dup) + " ").ok());  // a copy with other bytes
    ASSERT_TRUE(store->ReplaceDerived("sessions", {{"k", std::string(500, 's')}}).ok());
    ASSERT_TRUE(store->Commit().ok());
  }

  // The options RocksDB persisted for each family.
  rocksdb::ConfigOptions config;
  rocksdb::DBOptions db_options;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  ASSERT_TRUE(rocksdb::LoadLatestOptions(config, dir, &db_options, &families).ok());
  std::map<std::string, rocksdb::ColumnFamilyOptions> by_name;
  for (const auto& f : families) by_name[f.name] = f.options;
  for (const char* name : {"events", "raw", "ids", "copies", "by_evid", "idx_mailbox", "idx_ip",
                           "idx_actor", "idx_operation", "derived", "fingerprints"}) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(by_name.count(name));
    const rocksdb::ColumnFamilyOptions& o = by_name[name];
    EXPECT_EQ(o.compression, rocksdb::kZSTD);
    EXPECT_EQ(o.compression_opts.level, 1);
    if (std::string_view(name) == "derived") {
      // Flushed without a dictionary (it buffered a copy of each memtable
      // beside the analysis' state); merged once to the bottom level with one.
      EXPECT_EQ(o.compression_opts.max_dict_bytes, 0u);
      EXPECT_EQ(o.compression_opts.max_dict_buffer_bytes, 0u);
      EXPECT_EQ(o.bottommost_compression, rocksdb::kZSTD);
      EXPECT_TRUE(o.bottommost_compression_opts.enabled);
      EXPECT_EQ(o.bottommost_compression_opts.level, 1);
      EXPECT_EQ(o.bottommost_compression_opts.max_dict_bytes, 16u << 10);
      EXPECT_EQ(o.bottommost_compression_opts.max_dict_buffer_bytes, uint64_t{8} << 20);
      // Small memtables beside the analysis' state.
      EXPECT_EQ(o.write_buffer_size, size_t{4} << 20);
    } else {
      EXPECT_EQ(o.write_buffer_size, size_t{32} << 20);
      EXPECT_EQ(o.compression_opts.max_dict_bytes, 16u << 10);
      EXPECT_EQ(o.compression_opts.max_dict_buffer_bytes, uint64_t{8} << 20);
      // No separate bottommost setting: every level, flushes included, is ZSTD.
      EXPECT_EQ(o.bottommost_compression, rocksdb::kDisableCompressionOption);
    }
    const auto* table = o.table_factory->GetOptions<rocksdb::BlockBasedTableOptions>();
    ASSERT_NE(table, nullptr);
    const std::string n(name);
    EXPECT_EQ(table->block_size, n == "events" || n == "raw" || n == "copies" ? 16u << 10 : 4096u);
  }
  for (const char* name : {"meta", "evidence"}) {
    SCOPED_TRACE(name);
    EXPECT_NE(by_name[name].compression, rocksdb::kZSTD);
  }
  // Index and filter blocks are partitioned and charged to the block cache
  // (a writer's included), with only the small top level pinned: held whole
  // beside the cache they grew with the store (docs/BENCHMARKS.md "Change 14").
  for (const auto& [name, o] : by_name) {
    SCOPED_TRACE(name);
    const auto* table = o.table_factory->GetOptions<rocksdb::BlockBasedTableOptions>();
    ASSERT_NE(table, nullptr);
    EXPECT_TRUE(table->cache_index_and_filter_blocks);
    EXPECT_TRUE(table->cache_index_and_filter_blocks_with_high_priority);
    EXPECT_TRUE(table->pin_top_level_index_and_filter);
    // Derived data's flushed files are not pinned (an analysis flushes
    // hundreds and reads none of them until it compacts them).
    EXPECT_EQ(table->pin_l0_filter_and_index_blocks_in_cache, name != "derived");
    EXPECT_EQ(table->index_type, rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch);
    EXPECT_EQ(table->partition_filters, table->filter_policy != nullptr);
  }
  EXPECT_NE(
      by_name["ids"].table_factory->GetOptions<rocksdb::BlockBasedTableOptions>()->filter_policy,
      nullptr);
  // Families whose keys spread over the key space compact after 32 flushed
  // files, not 4 (docs/BENCHMARKS.md "Change 15"), and those an ingest never
  // reads after 128 (Change 20); the rest keep the default.
  for (const auto& [name, o] : by_name) {
    SCOPED_TRACE(name);
    const bool unread = name == "by_evid" || name.rfind("idx_", 0) == 0;
    const bool late = name == "ids" || name == "copies" || name == "fingerprints";
    EXPECT_EQ(o.level0_file_num_compaction_trigger, unread ? 128 : late ? 32 : 4);
    EXPECT_GT(o.level0_slowdown_writes_trigger, o.level0_file_num_compaction_trigger);
    EXPECT_GT(o.level0_stop_writes_trigger, o.level0_slowdown_writes_trigger);
    // Derived data compacts only when an analysis asks (Change 19).
    EXPECT_EQ(o.disable_auto_compactions, name == "derived");
  }

  // And the files written by the flush really are ZSTD.
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::OpenForReadOnly(db_options, dir, families, &handles, &db).ok());
  for (size_t i = 0; i < families.size(); ++i) {
    if (families[i].name != "events" && families[i].name != "idx_ip" &&
        families[i].name != "copies") {
      continue;
    }
    SCOPED_TRACE(families[i].name);
    rocksdb::TablePropertiesCollection tables;
    ASSERT_TRUE(db->GetPropertiesOfAllTables(handles[i], &tables).ok());
    ASSERT_FALSE(tables.empty());
    for (const auto& [file, props] : tables) {
      EXPECT_EQ(props->compression_name, "ZSTD") << file;
      EXPECT_GT(props->index_partitions, 0u) << file;  // a partitioned index
    }
  }
  for (rocksdb::ColumnFamilyHandle* h : handles) EXPECT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
  delete db;
}

TEST(CaseStoreLayoutTest, RawRecordAndNormalizedEventRoundTripThroughFlushesAndCompactions) {
  TempDir tmp;
  const std::string dir = tmp / "store";
  constexpr int kEvents = 3000;
  {
    auto store = OpenOrDie(dir, StoreMode::kReadWrite);
    ASSERT_NE(store, nullptr);
    // Several commits: several flushed files per family, compacted together.
    for (int n = 0; n < kEvents; ++n) {
      const Event e = FullEvent(n);
      ASSERT_TRUE(store->AddEvent(e, RawOf(e)).ok());
      if (n % 500 == 499) ASSERT_TRUE(store->Commit().ok());
    }
  }
  auto store = OpenOrDie(dir, StoreMode::kReadOnly);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*store->CountEvents(), uint64_t{kEvents});
  for (int n = 0; n < kEvents; n += 97) {
    const Event want = FullEvent(n);
    absl::StatusOr<std::string> raw = store->GetRaw(want.record_id);
    ASSERT_TRUE(raw.ok()) << raw.status();
    EXPECT_EQ(*raw, RawOf(want));
    absl::StatusOr<std::optional<Event>> got = store->GetEvent(want.record_id);
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ(EncodeEvent(**got), EncodeEvent(want));  // every field, extra included
  }
  int scanned = 0;
  ASSERT_TRUE(store
                  ->ScanEvents(INT64_MIN, INT64_MAX,
                               [&scanned](const Event& e) {
                                 const Event want = FullEvent(scanned++);
                                 EXPECT_EQ(EncodeEvent(e), EncodeEvent(want));
                                 return true;
                               })
                  .ok());
  EXPECT_EQ(scanned, kEvents);
}

// What an analysis writes piles up in flushed files, however many, and is
// merged into one sorted run only by CompactDerived (store_internal.h
// CompactsOnRequest): compacted at RocksDB's trigger of 4, the mixed kinds
// rewrote the whole family on every compaction.
TEST(CaseStoreLayoutTest, DerivedDataCompactsOnlyWhenAsked) {
  TempDir tmp;
  const std::string dir = tmp / "store";
  constexpr int kBatches = 64;
  constexpr int kPerBatch = 1000;
  auto key = [](int batch, int n) {
    // Each batch spans the kind, as spilled pivots do.
    return absl::StrCat(absl::Dec(n, absl::kZeroPad6), "-", absl::Dec(batch, absl::kZeroPad2));
  };
  auto value = [](int batch) { return absl::StrCat(std::string(1024, 'v'), batch); };
  {
    auto store = OpenOrDie(dir, StoreMode::kReadWrite);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->ReplaceDerived("scratch", {{"gone", "soon"}}).ok());
    // 64 MiB for the 8 MiB memtable: several flushes.
    for (int b = 0; b < kBatches; ++b) {
      std::vector<std::pair<std::string, std::string>> batch;
      for (int n = 0; n < kPerBatch; ++n) batch.emplace_back(key(b, n), value(b));
      ASSERT_TRUE(store->AppendDerived("sessions", batch).ok());
    }
  }
  {
    RawDb raw(dir, RawDb::kReadOnly);
    ASSERT_TRUE(raw.ok());
    EXPECT_GT(raw.FilesAtLevel("derived", 0), 4);  // past RocksDB's default trigger
    for (int level = 1; level < 7; ++level) EXPECT_EQ(raw.FilesAtLevel("derived", level), 0);
  }
  {
    auto store = OpenOrDie(dir, StoreMode::kReadWrite);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->ClearDerived("scratch").ok());
    ASSERT_TRUE(store->CompactDerived().ok());
  }
  RawDb raw(dir, RawDb::kReadOnly);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw.FilesAtLevel("derived", 0), 0);
  EXPECT_EQ(raw.FilesAtLevel("derived", 6), 1);  // one sorted run, at the bottom
  // Every entry survives, the cleared kind does not.
  const auto entries = raw.Entries("derived");
  ASSERT_EQ(entries.size(), size_t{kBatches} * kPerBatch);
  EXPECT_EQ(entries.front().first, std::string("sessions\0", 9) + key(0, 0));
  EXPECT_EQ(entries.back().second, value(kBatches - 1));
}

// DropDerived removes every kind at once: what sits in compacted files goes
// with the files, unread; what is newer, by a range delete.
TEST(CaseStoreLayoutTest, DropDerivedRemovesEveryKindAndTheirFiles) {
  TempDir tmp;
  const std::string dir = tmp / "store";
  auto count = [](CaseStore& store, std::string_view kind) {
    int n = 0;
    EXPECT_TRUE(store
                    .ScanDerived(kind,
                                 [&n](std::string_view, std::string_view) {
                                   ++n;
                                   return true;
                                 })
                    .ok());
    return n;
  };
  {
    auto store = OpenOrDie(dir, StoreMode::kReadWrite);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->ReplaceDerived("sessions", {{"s1", "a"}, {"s2", "b"}}).ok());
    ASSERT_TRUE(store->ReplaceDerived("findings", {{"f1", "c"}}).ok());
    ASSERT_TRUE(store->CompactDerived().ok());
    ASSERT_TRUE(store->ReplaceDerived("zzz", {{"z", "not yet compacted"}}).ok());
    ASSERT_TRUE(store->DropDerived().ok());
    for (const char* kind : {"sessions", "findings", "zzz"}) EXPECT_EQ(count(*store, kind), 0);
    ASSERT_TRUE(store->ReplaceDerived("sessions", {{"s3", "new"}}).ok());
    EXPECT_EQ(count(*store, "sessions"), 1);
    ASSERT_TRUE(store->DropDerived().ok());
    ASSERT_TRUE(store->DropDerived().ok());  // nothing left: a no-op
  }
  RawDb raw(dir, RawDb::kReadOnly);
  ASSERT_TRUE(raw.ok());
  for (int level = 0; level < 7; ++level) EXPECT_EQ(raw.FilesAtLevel("derived", level), 0);
  EXPECT_TRUE(raw.Entries("derived").empty());
}

// A case with more table files than the process may open still opens and
// reads whole, through RocksDB's table cache (half the limit: case_store.cc
// TableFileBudget): with every file kept open, a 10M-record case (1,066
// files) failed under the common limit of 1,024.
TEST(CaseStoreLayoutTest, OpensACaseWithMoreTableFilesThanTheProcessMayOpen) {
  TempDir tmp;
  const std::string dir = tmp / "store";
  constexpr int kCommits = 12;
  constexpr int kPerCommit = 20;
  {
    auto store = OpenOrDie(dir, StoreMode::kReadWrite);
    ASSERT_NE(store, nullptr);
    // Each commit flushes a file into each family an event writes to.
    for (int c = 0; c < kCommits; ++c) {
      for (int n = 0; n < kPerCommit; ++n) {
        const Event e = FullEvent(c * kPerCommit + n);
        ASSERT_TRUE(store->AddEvent(e, RawOf(e)).ok());
      }
      ASSERT_TRUE(store->Commit().ok());
    }
  }
  int tables = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    tables += entry.path().extension() == ".sst";
  }
  constexpr rlim_t kLimit = 48;
  ASSERT_GT(tables, static_cast<int>(kLimit));
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit low = saved;
  low.rlim_cur = kLimit;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  for (StoreMode mode : {StoreMode::kReadOnly, StoreMode::kReadWrite}) {
    absl::StatusOr<std::unique_ptr<CaseStore>> store = CaseStore::Open(dir, mode);
    ASSERT_TRUE(store.ok()) << store.status();
    int scanned = 0;
    EXPECT_TRUE((*store)
                    ->ScanEvents(INT64_MIN, INT64_MAX,
                                 [&scanned](const Event&) {
                                   ++scanned;
                                   return true;
                                 })
                    .ok());
    EXPECT_EQ(scanned, kCommits * kPerCommit);
    const Event last = FullEvent(kCommits * kPerCommit - 1);
    EXPECT_EQ(*(*store)->GetRaw(last.record_id), RawOf(last));
  }
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
}

// Schema 2: one events value holds the normalized event and the raw bytes;
// the raw family stays empty.
TEST(CaseStoreLayoutTest, OneEventsValueHoldsTheNormalizedEventAndTheRawBytes) {
  TempDir tmp;
  const std::string dir = tmp / "store";
  const Event e = FullEvent(1);
  {
    auto store = OpenOrDie(dir, StoreMode::kReadWrite);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->AddEvent(e, RawOf(e)).ok());
    ASSERT_TRUE(store->Commit().ok());
    EXPECT_EQ(store->GetMeta("schema_version")->value_or(""), "2");
  }
  EXPECT_TRUE(ReadFamily(dir, "raw").empty());
  const auto events = ReadFamily(dir, "events");
  ASSERT_EQ(events.size(), 1u);
  std::string want;
  PutLengthPrefixed(EncodeEvent(e), &want);
  want += RawOf(e);
  EXPECT_EQ(events[0].second, want);
}

// A store written with schema 1 (raw bytes in the raw family) is read and
// written in its own layout: new events, duplicates with other bytes, a
// rollback that promotes a copy.
TEST(CaseStoreLayoutTest, ASchemaOneStoreKeepsItsLayout) {
  TempDir tmp;
  const std::string dir = tmp / "store";
  const Event a = FullEvent(1);
  {
    auto store = OpenOrDie(dir, StoreMode::kReadWrite);
    ASSERT_NE(store, nullptr);
  }
  SetSchemaVersion(dir, "1");
  Event b = FullEvent(2);
  {
    auto store = OpenOrDie(dir, StoreMode::kReadWrite);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->AddEvent(a, RawOf(a)).ok());
    b.provenance = {1, 50, 50};
    ASSERT_TRUE(store->AddEvent(b, RawOf(b)).ok());
    Event b2 = b;
    b2.provenance = {2, 60, 60};
    ASSERT_EQ(*store->AddEvent(b2, RawOf(b) + "\n"), CaseStore::AddOutcome::kDuplicate);
    ASSERT_TRUE(store->Commit().ok());
    EXPECT_EQ(store->GetMeta("schema_version")->value_or(""), "1");
  }
  const auto raw = ReadFamily(dir, "raw");
  ASSERT_EQ(raw.size(), 2u);
  for (const auto& [key, value] : ReadFamily(dir, "events")) {
    EXPECT_TRUE(DecodeEvent(value).ok()) << "schema-1 events values are EncodeEvent alone";
  }
  {
    auto store = OpenOrDie(dir, StoreMode::kReadWrite);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(*store->GetRaw(a.record_id), RawOf(a));
    EXPECT_EQ(EncodeEvent(**store->GetEvent(a.record_id)), EncodeEvent(a));
    // Evidence 1 goes: b's copy from evidence 2, with its own bytes, takes its place.
    ASSERT_TRUE(store->RollbackEvidence(1).ok());
    ASSERT_TRUE(store->Commit().ok());
    EXPECT_EQ(*store->GetRaw(b.record_id), RawOf(b) + "\n");
    EXPECT_EQ((*store->GetEvent(b.record_id))->provenance.evidence, 2u);
    EXPECT_EQ(*store->GetRaw(a.record_id), RawOf(a));  // from evidence 2: stays
  }
  std::vector<std::string> raw_after;
  for (const auto& [key, value] : ReadFamily(dir, "raw")) raw_after.push_back(value);
  EXPECT_EQ(raw_after.size(), 2u);
  EXPECT_NE(std::find(raw_after.begin(), raw_after.end(), RawOf(b) + "\n"), raw_after.end());
}

}  // namespace
}  // namespace tern
