// CaseStore: opening, schema, metadata, evidence and commits. Event writes
// and rollback live in case_store_events.cc, reads and derived data in
// case_store_reads.cc, key layouts in store_keys.cc.
#include "core/store/case_store.h"

#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <cstdarg>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/codec.h"
#include "core/base/status_macros.h"
#include "core/model/codec.h"
#include "core/store/store_internal.h"
#include "rocksdb/cache.h"
#include "rocksdb/convenience.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/memtablerep.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"

namespace tern {

using store_internal::Av;
using store_internal::Cf;
using store_internal::kCfNames;
using store_internal::kNumCfs;
using store_internal::Sl;
using store_internal::Sv;

namespace {

// Read-only opens must not write into the case directory (RocksDB would
// otherwise rotate the writer's LOG file), so they log nowhere.
class NullLogger : public rocksdb::Logger {
 public:
  NullLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::FATAL_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* /*format*/, va_list /*ap*/) override {}
};

bool Supported(rocksdb::CompressionType type) {
  for (rocksdb::CompressionType t : rocksdb::GetSupportedCompressions()) {
    if (t == type) return true;
  }
  return false;
}

// LZ4 (cheap on 2 cores), or whatever this librocksdb was built with.
rocksdb::CompressionType FastCompression() {
  if (Supported(rocksdb::kLZ4Compression)) return rocksdb::kLZ4Compression;
  if (Supported(rocksdb::kSnappyCompression)) return rocksdb::kSnappyCompression;
  return rocksdb::kNoCompression;
}

rocksdb::ColumnFamilyOptions CfOptions(Cf c, const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions o;
  // Memtables of 32 MiB (at most 128 MiB for all families together, Open):
  // 64 MiB ones held 215 MB of the heap at the peak, and peak RSS at 500k
  // records fell from 540 to 491 MiB with these caps (docs/BENCHMARKS.md).
  o.write_buffer_size = 32 << 20;
  // Derived data (sessions, spilled pivots) is what an analysis writes, a
  // batch at a time, next to all its in-memory state: small memtables keep
  // its peak RSS down (2M records: see docs/BENCHMARKS.md "Change 8"; 8 to
  // 4 MiB took 11.5 MB off the 2M analysis' peak heap in "Change 22").
  if (c == store_internal::kDerived) o.write_buffer_size = 4 << 20;
  o.level_compaction_dynamic_level_bytes = true;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = cache;
  // Index and filter blocks are partitioned (4 KiB pieces under a small
  // top-level index, pinned) and charged to the block cache, high priority,
  // by readers and writers alike. Held whole beside the cache for every open
  // table they grow with the store: 170 MiB of a 10M-record case, most of
  // it events, derived and fingerprints, which an analysis only scans. Whole
  // blocks charged to the cache (tried in Change 13) made a 10M ingest's
  // dedup lookups evict and re-read megabyte blocks; a lookup now reads the
  // one partition it needs (docs/BENCHMARKS.md "Change 14").
  t.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  t.cache_index_and_filter_blocks = true;
  t.cache_index_and_filter_blocks_with_high_priority = true;
  t.pin_top_level_index_and_filter = true;
  t.pin_l0_filter_and_index_blocks_in_cache = true;
  // ZSTD level 1 at every level, flushes included, for every family that
  // grows with the evidence (docs/BENCHMARKS.md "Change 5"): at 100k records
  // the store fell from 0.76x to 0.48x the evidence. ZSTD only at the bottom
  // level left each case's last flushes on LZ4 (0.58x); level 3 was no
  // smaller than level 1 and cost more CPU. A 16 KiB dictionary sampled
  // from the first 8 MiB of each file (no training) primes each block with
  // the field names and values that repeat across records; the buffer cap
  // keeps a flush or compaction from holding a whole file in memory.
  // Raw records and normalized events (and copies, which hold both) use
  // 16 KiB blocks: 4 KiB ones hold two or three records each.
  if (store_internal::IsCompressedFamily(c) && Supported(rocksdb::kZSTD)) {
    o.compression = rocksdb::kZSTD;
    o.compression_opts.level = store_internal::kZstdLevel;
    o.compression_opts.max_dict_bytes = store_internal::kZstdDictBytes;
    o.compression_opts.max_dict_buffer_bytes = store_internal::kZstdDictBufferBytes;
    o.compression_opts.enabled = true;
    if (store_internal::CompactsOnRequest(c)) {
      // Derived data is flushed 8 MiB at a time beside the analysis' state
      // and then merged once to the bottom level: a dictionary at the flush
      // held a second copy of each memtable (8 MiB of a 2M analysis' peak
      // heap); at the bottom, where the data stays, it is kept.
      o.bottommost_compression = rocksdb::kZSTD;
      o.bottommost_compression_opts = o.compression_opts;
      o.compression_opts.max_dict_bytes = 0;
      o.compression_opts.max_dict_buffer_bytes = 0;
    }
  } else {
    o.compression = FastCompression();
  }
  if (c == store_internal::kRaw || c == store_internal::kEvents || c == store_internal::kCopies) {
    t.block_size = store_internal::kRecordBlockBytes;
  }
  // Point lookups (dedup on every AddEvent, copy existence, raw/meta reads)
  // mostly miss or hit one key; a bloom filter avoids reading blocks.
  if (c == store_internal::kIds || c == store_internal::kCopies || c == store_internal::kRaw ||
      c == store_internal::kMeta) {
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    t.partition_filters = true;
  }
  if (c == store_internal::kIds) {
    // Every AddEvent looks its id up, and a new id (the common case) would
    // otherwise walk the memtable's skip list to find nothing.
    o.memtable_prefix_bloom_size_ratio = 0.05;
    o.memtable_whole_key_filtering = true;
  }
  if (store_internal::OnVectorMemtable(c)) {
    // Written on every event, read only after a Commit() (search, reports)
    // or once per rollback (by_evid): an unsorted vector takes inserts in
    // O(1) and is sorted once, by the flush thread, instead of a skip list
    // insert per entry on the writer's thread. A point read of an unflushed
    // vector sorts a copy of it, so nothing may Get() from these families
    // during an ingest.
    o.memtable_factory = std::make_shared<rocksdb::VectorRepFactory>();
  }
  if (const int trigger = store_internal::L0FilesToCompact(c); trigger > 0) {
    // At the default trigger of 4, a 500k-record ingest rewrote these
    // families 2-3 times over and left a compaction behind that took the
    // second core from the analysis; at 32, about once (Change 15). The
    // indexes, never read by an ingest, wait for 128 files: a 10M-record
    // ingest spent 466 CPU-seconds rewriting them at 32, 219 at 128
    // (Change 20). Writes slow down and stop at RocksDB's default ratios
    // to the trigger.
    o.level0_file_num_compaction_trigger = trigger;
    o.level0_slowdown_writes_trigger = 5 * trigger;
    o.level0_stop_writes_trigger = 9 * trigger;
  }
  if (store_internal::CompactsOnRequest(c)) {
    // An analysis flushes hundreds of these files to L0 and reads none of
    // them until CompactDerived: RocksDB loads a flushed file's index
    // partitions as it opens it, and pinned them, 37.7 MB of a 10M
    // analysis' peak heap (docs/BENCHMARKS.md "Change 23"). Unpinned, in
    // the family's own small cache (Open), they are evicted instead.
    t.pin_l0_filter_and_index_blocks_in_cache = false;
    // No write stalls either: nothing but CompactDerived takes files away.
    o.disable_auto_compactions = true;
    o.level0_slowdown_writes_trigger = 1 << 29;
    o.level0_stop_writes_trigger = 1 << 30;
  }
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

absl::StatusOr<uint64_t> ParseCount(const std::optional<std::string>& text, std::string_view key,
                                    const std::string& dir) {
  if (!text.has_value()) return 0;
  uint64_t v = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, v);
  if (ec != std::errc() || ptr != end || text->empty()) {
    return absl::DataLossError(
        absl::StrCat("case store at ", dir, " has an unreadable meta ", Av(key), " '", *text, "'"));
  }
  return v;
}

// How many table files the store keeps open. RocksDB's default keeps every
// file open, and a 10M-record case has 1,066: past the soft limit of 1,024
// open files many systems give a process, opening it failed with "Too many
// open files". Half the limit leaves the rest to evidence, archives, outputs
// and RocksDB's own logs; at least 20, RocksDB's minimum; every file (-1)
// once no case reaches the limit. Past the budget, files go through
// RocksDB's table cache: the 10M report took 2:22 with 512 against 2:21
// with every file open.
int TableFileBudget() {
  constexpr rlim_t kAllOpenFrom = rlim_t{1} << 16;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY ||
      limit.rlim_cur >= kAllOpenFrom) {
    return -1;
  }
  return static_cast<int>(std::max<rlim_t>(limit.rlim_cur / 2, 20));
}

}  // namespace

CaseStore::Impl::~Impl() {
  if (db == nullptr) return;
  for (rocksdb::ColumnFamilyHandle* h : cf) {
    if (h != nullptr) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  }
  for (rocksdb::ColumnFamilyHandle* h : extra)
    db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  db->Close().PermitUncheckedError();
  delete db;
}

absl::Status CaseStore::Impl::RequireWritable() const {
  if (mode == StoreMode::kReadWrite) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("case store at ", dir, " is open read-only; writes are not allowed"));
}

absl::StatusOr<std::optional<std::string>> CaseStore::Impl::Get(Cf c, std::string_view key) {
  std::string value;
  const rocksdb::Status s = db->Get(rocksdb::ReadOptions(), H(c), Sl(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return Err(s, absl::StrCat("reading ", kCfNames[c]));
  return std::optional<std::string>(std::move(value));
}

absl::Status CaseStore::Impl::WriteBulk(rocksdb::WriteBatch* batch) {
  if (batch->Count() == 0) return absl::OkStatus();
  rocksdb::Status s = batch->Put(H(store_internal::kMeta), store_internal::kMetaEventCount,
                                 std::to_string(event_count.load()));
  if (s.ok()) {
    s = batch->Put(H(store_internal::kMeta), store_internal::kMetaCopyCount,
                   std::to_string(copy_count.load()));
  }
  if (s.ok() && synthetic_seen) {
    s = batch->Put(H(store_internal::kMeta), store_internal::kMetaSyntheticSeen, "1");
  }
  if (s.ok()) {
    rocksdb::WriteOptions wo;
    wo.disableWAL = true;  // made durable by the flush in Commit()
    s = db->Write(wo, batch);
    ForgetCopiedIds();  // after: a filter built during the write is stale too
  }
  if (!s.ok()) return Err(s, "writing events");
  unflushed = true;
  return absl::OkStatus();
}

namespace {

// Collects the operations of a batch, as slices into it, so they can be
// replayed in key order. Only Put and Delete are collected: both commute
// across keys, and a stable sort keeps the order of operations on one key.
// Anything else (a range delete spans keys) makes Iterate fail and the batch
// is written as it is.
class BatchOps : public rocksdb::WriteBatch::Handler {
 public:
  explicit BatchOps(std::vector<store_internal::BatchOp>* ops) : ops_(ops) {}
  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    ops_->push_back(store_internal::BatchOp{cf, false, key, value});
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t cf, const rocksdb::Slice& key) override {
    ops_->push_back(store_internal::BatchOp{cf, true, key, rocksdb::Slice()});
    return rocksdb::Status::OK();
  }

 private:
  std::vector<store_internal::BatchOp>* ops_;
};

}  // namespace

absl::Status CaseStore::Impl::SortedWrite(rocksdb::WriteBatch* batch) {
  // Memtable inserts dominate bulk ingest, and a skip list insert is cheap
  // only next to the previous one: record ids and index values arrive in
  // random order, so each family's entries go in sorted (several times fewer
  // cycles per insert on the 64 MB memtables). Families on vector memtables
  // (store_internal::OnVectorMemtable) are sorted once by the flush instead,
  // so their entries keep batch order. The operation list and the sorted
  // batch are kept between writes: fresh multi-MiB buffers cost a page fault
  // per 4 KiB on every write.
  sort_ops.clear();
  sort_ops.reserve(batch->Count());
  BatchOps collected(&sort_ops);
  if (!batch->Iterate(&collected).ok()) return WriteBulk(batch);
  // Whether each family (by RocksDB id) is sorted by key.
  std::vector<char> keyed;
  for (int c = 0; c < kNumCfs; ++c) {
    if (cf[c] == nullptr) continue;
    const uint32_t id = cf[c]->GetID();
    if (keyed.size() <= id) keyed.resize(id + 1, 1);
    keyed[id] = !store_internal::OnVectorMemtable(static_cast<Cf>(c));
  }
  std::stable_sort(sort_ops.begin(), sort_ops.end(),
                   [&keyed](const store_internal::BatchOp& a, const store_internal::BatchOp& b) {
                     if (a.cf != b.cf) return a.cf < b.cf;
                     if (a.cf < keyed.size() && !keyed[a.cf]) return false;
                     return a.key.compare(b.key) < 0;
                   });
  rocksdb::WriteBatch& sorted = sort_batch;
  sorted.Clear();
  rocksdb::ColumnFamilyHandle* handle = nullptr;
  for (const store_internal::BatchOp& op : sort_ops) {
    if (handle == nullptr || handle->GetID() != op.cf) {
      handle = nullptr;
      for (rocksdb::ColumnFamilyHandle* h : cf) {
        if (h != nullptr && h->GetID() == op.cf) handle = h;
      }
      for (rocksdb::ColumnFamilyHandle* h : extra) {
        if (h->GetID() == op.cf) handle = h;
      }
      if (handle == nullptr) return WriteBulk(batch);
    }
    const rocksdb::Status s =
        op.is_delete ? sorted.Delete(handle, op.key) : sorted.Put(handle, op.key, op.value);
    if (!s.ok()) return Err(s, "sorting a batch");
  }
  return WriteBulk(&sorted);
}

absl::Status CaseStore::Impl::WritePending() {
  absl::Status status = SortedWrite(&pending);
  pending.Clear();
  pending_records = 0;
  pending_ids.clear();
  pending_fps.clear();
  return status;
}

absl::Status CaseStore::Impl::WriteSmall(rocksdb::WriteBatch* batch, bool until_commit) {
  TERN_RETURN_IF_ERROR(RequireWritable());
  TERN_RETURN_IF_ERROR(WritePending());
  rocksdb::WriteOptions wo;
  if (until_commit) {
    wo.disableWAL = true;
    unflushed = true;
  } else if (unflushed) {
    // Keep write order intact across a crash: a WAL write replayed on
    // recovery must not outlive the unflushed bulk data written before it.
    wo.disableWAL = true;
  } else {
    wo.sync = true;
  }
  const rocksdb::Status s = db->Write(wo, batch);
  ForgetCopiedIds();  // after: a filter built during the write is stale too
  if (!s.ok()) return Err(s, "writing metadata");
  return absl::OkStatus();
}

absl::Status CaseStore::Impl::Commit() {
  TERN_RETURN_IF_ERROR(RequireWritable());
  TERN_RETURN_IF_ERROR(WritePending());
  // A commit ends a phase of writing (an ingest commits every 512 MiB of
  // evidence and at its end; `tern run` then analyzes and reports in the
  // same process): the batch buffers kept for the next bulk write and the
  // blocks cached by the ingest's point reads are given back, so the next
  // phase starts from what a fresh open would hold. At 2M records they were
  // some 55-70 MiB at the end of the ingest (docs/BENCHMARKS.md "Change
  // 10"); reallocating them costs far less than the flush below. The id
  // filter stays: it is what keeps the next batches' AddEvent cheap.
  std::vector<store_internal::BatchOp>().swap(sort_ops);
  sort_batch = rocksdb::WriteBatch();
  pending = rocksdb::WriteBatch();
  cache->EraseUnRefEntries();
  if (!unflushed) return absl::OkStatus();
  rocksdb::FlushOptions fo;
  fo.wait = true;
  fo.allow_write_stall = true;
  std::vector<rocksdb::ColumnFamilyHandle*> all(cf.begin(), cf.end());
  all.insert(all.end(), extra.begin(), extra.end());
  // atomic_flush is on: all families persist up to the same write, so the
  // store on disk is always a prefix of what was written.
  const rocksdb::Status s = db->Flush(fo, all);
  if (!s.ok()) return Err(s, "flushing");
  unflushed = false;
  return absl::OkStatus();
}

CaseStore::CaseStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

CaseStore::~CaseStore() {
  // Best effort: a caller that cares about errors calls Commit() itself.
  if (impl_ != nullptr && impl_->mode == StoreMode::kReadWrite) impl_->Commit().IgnoreError();
}

bool CaseStore::Exists(const std::string& dir) {
  std::error_code ec;
  return std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", ec);
}

absl::StatusOr<std::unique_ptr<CaseStore>> CaseStore::Open(const std::string& dir, StoreMode mode) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool existed = Exists(dir);
  if (mode == StoreMode::kReadOnly && !existed) {
    return absl::NotFoundError(absl::StrCat("no case store at ", dir));
  }
  if (mode == StoreMode::kReadWrite) {
    fs::create_directories(dir, ec);
    if (ec) {
      return absl::UnavailableError(
          absl::StrCat("cannot create case store directory ", dir, ": ", ec.message()));
    }
  }

  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  impl->mode = mode;

  rocksdb::DBOptions opts;
  opts.create_if_missing = (mode == StoreMode::kReadWrite);
  opts.create_missing_column_families = (mode == StoreMode::kReadWrite && !existed);
  opts.atomic_flush = true;
  // One writer thread; and the vector memtables above cannot take
  // concurrent inserts.
  opts.allow_concurrent_memtable_write = false;
  opts.max_background_jobs = 2;
  opts.db_write_buffer_size = size_t{128} << 20;  // cap on all memtables together
  opts.keep_log_file_num = 3;
  opts.max_open_files = TableFileBudget();
  if (mode == StoreMode::kReadOnly) {
    impl->logger = std::make_shared<NullLogger>();
    opts.info_log = impl->logger;
  }
  const std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(size_t{64} << 20);
  impl->cache = cache;
  impl->derived_cache = rocksdb::NewLRUCache(store_internal::kDerivedBlockCacheBytes);

  // An existing store is opened with exactly the families it has, so that a
  // store written by a newer tern (with more families) still opens far
  // enough for the schema check below to explain the refusal.
  std::vector<std::string> names;
  if (existed) {
    const rocksdb::Status s = rocksdb::DB::ListColumnFamilies(opts, dir, &names);
    if (!s.ok()) return store_internal::FromRocks(s, dir, "listing column families");
  } else {
    names.assign(std::begin(kCfNames), std::end(kCfNames));
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  std::vector<int> slot;  // Cf of each descriptor, or -1 for an unknown family
  for (const std::string& name : names) {
    int known = -1;
    for (int c = 0; c < kNumCfs; ++c) {
      if (name == kCfNames[c]) known = c;
    }
    if (known < 0) {
      descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    } else {
      const Cf c = static_cast<Cf>(known);
      descriptors.emplace_back(
          name, CfOptions(c, store_internal::CompactsOnRequest(c) ? impl->derived_cache : cache));
    }
    slot.push_back(known);
  }

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  const rocksdb::Status s =
      mode == StoreMode::kReadWrite
          ? rocksdb::DB::Open(opts, dir, descriptors, &handles, &impl->db)
          : rocksdb::DB::OpenForReadOnly(opts, dir, descriptors, &handles, &impl->db);
  if (!s.ok()) return store_internal::FromRocks(s, dir, "opening");
  impl->cf.assign(kNumCfs, nullptr);
  for (size_t i = 0; i < handles.size(); ++i) {
    if (slot[i] >= 0) {
      impl->cf[slot[i]] = handles[i];
    } else {
      impl->extra.push_back(handles[i]);
    }
  }

  // Schema: checked before anything else is read, so a newer store is
  // refused with a clear message rather than misread.
  if (impl->cf[store_internal::kMeta] == nullptr) {
    return absl::DataLossError(absl::StrCat("case store at ", dir, " has no meta column family"));
  }
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> version,
                        impl->Get(store_internal::kMeta, store_internal::kMetaSchemaVersion));
  if (!version.has_value()) {
    bool empty = true;
    for (rocksdb::ColumnFamilyHandle* h : handles) {
      std::unique_ptr<rocksdb::Iterator> it(impl->db->NewIterator(rocksdb::ReadOptions(), h));
      it->SeekToFirst();
      if (it->Valid()) empty = false;
      TERN_RETURN_IF_ERROR(impl->Err(it->status(), "checking for data"));
    }
    if (!empty) {
      return absl::DataLossError(absl::StrCat(
          "case store at ", dir, " has data but no schema_version: damaged or not a tern store"));
    }
    if (mode == StoreMode::kReadWrite) {
      rocksdb::WriteBatch b;
      TERN_RETURN_IF_ERROR(
          impl->Err(b.Put(impl->H(store_internal::kMeta), store_internal::kMetaSchemaVersion,
                          std::to_string(kStoreSchemaVersion)),
                    "writing schema_version"));
      TERN_RETURN_IF_ERROR(impl->WriteSmall(&b));
    }
  } else {
    int v = 0;
    const char* end = version->data() + version->size();
    auto [ptr, parse_ec] = std::from_chars(version->data(), end, v);
    if (parse_ec != std::errc() || ptr != end || v < 1) {
      return absl::DataLossError(absl::StrCat(
          "case store at ", dir, " has an unreadable schema_version '", *version, "'"));
    }
    if (v > kStoreSchemaVersion) {
      return absl::FailedPreconditionError(
          absl::StrCat("case store at ", dir, " was written by schema ", v,
                       "; this tern reads schema <= ", kStoreSchemaVersion));
    }
    // An older store keeps its layout: it is read, and written, as it was.
    impl->schema = v;
  }
  for (int c = 0; c < kNumCfs; ++c) {
    // Stores made before cross-format de-duplication lack fingerprints; a
    // writer adds them below, readers do not need them.
    if (c == store_internal::kFingerprints) continue;
    if (impl->cf[c] == nullptr) {
      return absl::DataLossError(
          absl::StrCat("case store at ", dir, " lacks column family ", kCfNames[c]));
    }
  }

  TERN_ASSIGN_OR_RETURN(std::optional<std::string> events,
                        impl->Get(store_internal::kMeta, store_internal::kMetaEventCount));
  TERN_ASSIGN_OR_RETURN(uint64_t event_count,
                        ParseCount(events, store_internal::kMetaEventCount, dir));
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> copies,
                        impl->Get(store_internal::kMeta, store_internal::kMetaCopyCount));
  TERN_ASSIGN_OR_RETURN(uint64_t copy_count,
                        ParseCount(copies, store_internal::kMetaCopyCount, dir));
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> next,
                        impl->Get(store_internal::kMeta, store_internal::kMetaNextOrdinal));
  TERN_ASSIGN_OR_RETURN(uint64_t next_ordinal,
                        ParseCount(next, store_internal::kMetaNextOrdinal, dir));
  if (next_ordinal > UINT32_MAX) {
    return absl::DataLossError(
        absl::StrCat("case store at ", dir, " has an impossible next evidence ordinal"));
  }
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> synthetic,
                        impl->Get(store_internal::kMeta, store_internal::kMetaSyntheticSeen));
  impl->event_count = event_count;
  impl->copy_count = copy_count;
  impl->next_ordinal = next_ordinal == 0 ? 1 : static_cast<uint32_t>(next_ordinal);
  impl->synthetic_seen = synthetic.has_value() && *synthetic == "1";
  if (impl->cf[store_internal::kFingerprints] == nullptr && mode == StoreMode::kReadWrite) {
    rocksdb::ColumnFamilyHandle* h = nullptr;
    TERN_RETURN_IF_ERROR(store_internal::FromRocks(
        impl->db->CreateColumnFamily(CfOptions(store_internal::kFingerprints, cache),
                                     kCfNames[store_internal::kFingerprints], &h),
        dir, "adding the fingerprints column family"));
    impl->cf[store_internal::kFingerprints] = h;
    TERN_RETURN_IF_ERROR(impl->BackfillFingerprints());
  }
  if (mode == StoreMode::kReadWrite) {
    std::unique_ptr<rocksdb::Iterator> it(
        impl->db->NewIterator(rocksdb::ReadOptions(), impl->H(store_internal::kIds)));
    it->SeekToFirst();
    TERN_RETURN_IF_ERROR(impl->Err(it->status(), "checking for record ids"));
    impl->id_filter_complete = !it->Valid();
  }
  return std::unique_ptr<CaseStore>(new CaseStore(std::move(impl)));
}

absl::Status CaseStore::PutMeta(std::string_view key, std::string_view value) {
  if (store_internal::IsReservedMetaKey(key)) {
    return absl::InvalidArgumentError(
        absl::StrCat("meta key '", Av(key), "' is reserved for the case store itself"));
  }
  rocksdb::WriteBatch b;
  TERN_RETURN_IF_ERROR(
      impl_->Err(b.Put(impl_->H(store_internal::kMeta), Sl(key), Sl(value)), "writing meta"));
  return impl_->WriteSmall(&b);
}

absl::StatusOr<std::optional<std::string>> CaseStore::GetMeta(std::string_view key) {
  return impl_->Get(store_internal::kMeta, key);
}

absl::StatusOr<uint32_t> CaseStore::AllocateEvidenceOrdinal() {
  TERN_RETURN_IF_ERROR(impl_->RequireWritable());
  if (impl_->next_ordinal == UINT32_MAX) {
    return absl::ResourceExhaustedError("evidence ordinals exhausted");
  }
  const uint32_t ordinal = impl_->next_ordinal;
  rocksdb::WriteBatch b;
  TERN_RETURN_IF_ERROR(
      impl_->Err(b.Put(impl_->H(store_internal::kMeta), store_internal::kMetaNextOrdinal,
                       std::to_string(ordinal + 1)),
                 "allocating an evidence ordinal"));
  // Without an fsync: an ordinal matters only once a record carries it, and
  // that record cannot outlive this write (the store is a prefix).
  TERN_RETURN_IF_ERROR(impl_->WriteSmall(&b, /*until_commit=*/true));
  impl_->next_ordinal = ordinal + 1;
  return ordinal;
}

absl::Status CaseStore::PutEvidence(const EvidenceRecord& record) {
  return PutEvidence(std::vector<EvidenceRecord>{record});
}

absl::Status CaseStore::PutEvidence(const std::vector<EvidenceRecord>& records) {
  rocksdb::WriteBatch b;
  for (const EvidenceRecord& record : records) {
    if (record.ordinal == 0) {
      return absl::InvalidArgumentError("evidence record without an ordinal");
    }
    TERN_RETURN_IF_ERROR(
        impl_->Err(b.Put(impl_->H(store_internal::kEvidence),
                         store_internal::EvidenceKey(record.ordinal), EncodeEvidence(record)),
                   "writing evidence"));
  }
  return impl_->WriteSmall(&b);
}

absl::Status CaseStore::PutEvidenceUntilCommit(const EvidenceRecord& record) {
  if (record.ordinal == 0) {
    return absl::InvalidArgumentError("evidence record without an ordinal");
  }
  rocksdb::WriteBatch b;
  TERN_RETURN_IF_ERROR(
      impl_->Err(b.Put(impl_->H(store_internal::kEvidence),
                       store_internal::EvidenceKey(record.ordinal), EncodeEvidence(record)),
                 "writing evidence"));
  return impl_->WriteSmall(&b, /*until_commit=*/true);
}

absl::StatusOr<std::vector<EvidenceRecord>> CaseStore::ListEvidence() {
  std::vector<EvidenceRecord> out;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->H(store_internal::kEvidence)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    absl::StatusOr<EvidenceRecord> rec = DecodeEvidence(Sv(it->value()));
    if (!rec.ok()) {
      return absl::DataLossError(absl::StrCat("case store at ", impl_->dir,
                                              ": evidence record: ", rec.status().message()));
    }
    out.push_back(*std::move(rec));
  }
  TERN_RETURN_IF_ERROR(impl_->Err(it->status(), "listing evidence"));
  return out;
}

absl::StatusOr<uint32_t> CaseStore::FindIngestedBySha256(std::string_view sha256) {
  const std::string want = store_internal::AsciiLower(sha256);
  TERN_ASSIGN_OR_RETURN(std::vector<EvidenceRecord> all, ListEvidence());
  for (const EvidenceRecord& rec : all) {
    if (!rec.is_container && rec.status == "ingested" && rec.sha256 == want) return rec.ordinal;
  }
  return 0;
}

absl::StatusOr<CaseStore::AddOutcome> CaseStore::AddEvent(const Event& event, std::string_view raw,
                                                          IdConflict* conflict) {
  return impl_->AddEvent(event, raw, conflict);
}

absl::Status CaseStore::RollbackEvidence(uint32_t ordinal) {
  return impl_->RollbackEvidence(ordinal);
}

absl::Status CaseStore::Commit() { return impl_->Commit(); }

absl::StatusOr<CaseStore::ItemCounts> CaseStore::CountItemRecords(uint32_t ordinal) {
  return impl_->CountItemRecords(ordinal);
}

std::map<uint32_t, int64_t> CaseStore::TakeStoredCountChanges() {
  std::map<uint32_t, int64_t> changes;
  changes.swap(impl_->stored_changes);
  return changes;
}

int CaseStore::schema_version() const { return impl_->schema; }

}  // namespace tern
