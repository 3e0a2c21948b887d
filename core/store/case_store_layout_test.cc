// The case store's on-disk layout: the compression and block settings each
// column family is written with (chosen by measurement, docs/BENCHMARKS.md
// "Change 5"), and records that come back byte for byte, raw and normalized,
// once they went through flushes and compactions.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/model/codec.h"
#include "core/store/case_store.h"
#include "core/store/case_store_test_util.h"
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
    EXPECT_EQ(o.compression_opts.max_dict_bytes, 16u << 10);
    EXPECT_EQ(o.compression_opts.max_dict_buffer_bytes, uint64_t{8} << 20);
    // No separate bottommost setting: every level, flushes included, is ZSTD.
    EXPECT_EQ(o.bottommost_compression, rocksdb::kDisableCompressionOption);
    const auto* table = o.table_factory->GetOptions<rocksdb::BlockBasedTableOptions>();
    ASSERT_NE(table, nullptr);
    const std::string n(name);
    EXPECT_EQ(table->block_size, n == "events" || n == "raw" || n == "copies" ? 16u << 10 : 4096u);
  }
  for (const char* name : {"meta", "evidence"}) {
    SCOPED_TRACE(name);
    EXPECT_NE(by_name[name].compression, rocksdb::kZSTD);
  }

  // And the files written by the flush really are ZSTD.
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::OpenForReadOnly(db_options, dir, families, &handles, &db).ok());
  for (size_t i = 0; i < families.size(); ++i) {
    if (families[i].name != "events" && families[i].name != "raw" && families[i].name != "idx_ip" &&
        families[i].name != "copies") {
      continue;
    }
    SCOPED_TRACE(families[i].name);
    rocksdb::TablePropertiesCollection tables;
    ASSERT_TRUE(db->GetPropertiesOfAllTables(handles[i], &tables).ok());
    ASSERT_FALSE(tables.empty());
    for (const auto& [file, props] : tables) EXPECT_EQ(props->compression_name, "ZSTD") << file;
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

}  // namespace
}  // namespace tern
