// Internals of the RocksDB case store shared by its .cc files: column family
// ids, key and value layouts, the rocksdb::Status adapter and CaseStore::Impl.
// Never included outside core/store. Thread-compatible, like CaseStore.
#ifndef TERN_CORE_STORE_STORE_INTERNAL_H_
#define TERN_CORE_STORE_STORE_INTERNAL_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/model/event.h"
#include "core/store/case_store.h"
#include "rocksdb/db.h"
#include "rocksdb/status.h"
#include "rocksdb/write_batch.h"

namespace tern::store_internal {

// Column families, in the order of kCfNames. kDefault is RocksDB's mandatory
// family; tern leaves it empty.
enum Cf : int {
  kDefault,
  kEvents,
  kRaw,
  kIds,
  kCopies,
  kByEvid,
  kIdxMailbox,
  kIdxIp,
  kIdxActor,
  kIdxOperation,
  kEvidence,
  kDerived,
  kMeta,
  kNumCfs,
};
inline constexpr const char* kCfNames[kNumCfs] = {
    "default", "events",    "raw",           "ids",      "copies",  "by_evid", "idx_mailbox",
    "idx_ip",  "idx_actor", "idx_operation", "evidence", "derived", "meta"};
Cf IndexCf(StoreIndex index);

// Reserved meta keys; PutMeta refuses them so callers cannot corrupt them.
inline constexpr char kMetaSchemaVersion[] = "schema_version";
inline constexpr char kMetaEventCount[] = "event_count";
inline constexpr char kMetaCopyCount[] = "copy_count";
inline constexpr char kMetaNextOrdinal[] = "next_evidence_ordinal";
bool IsReservedMetaKey(std::string_view key);

// Debian's Abseil 20220623 has its own string_view type; this bridges
// std::string_view into absl::StrCat and friends without a copy.
inline absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline rocksdb::Slice Sl(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
inline std::string_view Sv(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

// ASCII lower-casing; index values are compared this way.
std::string AsciiLower(std::string_view s);

// events: be64(OrderPreservingTime(time)) + record_id.
std::string EventKey(TimeMs time, std::string_view record_id);
std::string TimeKey(TimeMs time);  // the 8-byte prefix alone; also the ids value
// by_evid: be32(ordinal) + record_id.
std::string ByEvidKey(uint32_t ordinal, std::string_view record_id);
// copies: record_id + be32(ordinal) + be64(line). A record_id that extends
// another shares its prefix, so readers must check the key length
// (record_id.size() + kCopySuffix) before trusting the suffix.
inline constexpr size_t kCopySuffix = 12;
std::string CopyKey(std::string_view record_id, uint32_t ordinal, uint64_t line);
// idx_*: Escape(lower(value)) + '\0' + be64(time) + record_id. Escaping NUL
// (and the escape byte) keeps a value from running into the time field.
std::string IndexPrefix(std::string_view value);
std::string IndexKey(std::string_view value, TimeMs time, std::string_view record_id);
// evidence: be32(ordinal).
std::string EvidenceKey(uint32_t ordinal);
// derived: kind + '\0' + key.
std::string DerivedPrefix(std::string_view kind);

// The value of a copies entry. raw and event are empty when the copy's bytes
// equal the stored record's; otherwise they hold the copy's own bytes and its
// normalized encoding, so that the copy can stand in for the stored event if
// that is rolled back.
struct CopyValue {
  uint64_t record_index = 0;
  std::string raw;
  std::string event;  // EncodeEvent of the copy, or ""
};
std::string EncodeCopyValue(const CopyValue& v);
absl::StatusOr<CopyValue> DecodeCopyValue(std::string_view bytes);

// One copies entry as read back.
struct CopyEntry {
  std::string key;
  uint32_t ordinal = 0;
  uint64_t line = 0;
  CopyValue value;
};

// Maps a RocksDB status to absl, naming the store directory and the
// operation. A held LOCK file becomes FailedPrecondition ("in use").
absl::Status FromRocks(const rocksdb::Status& s, std::string_view dir, std::string_view op);

}  // namespace tern::store_internal

namespace tern {

// The open store. All write-side state is touched by the single writer
// thread only; the counters are atomic so CountEvents/CountCopies may run on
// reader threads.
struct CaseStore::Impl {
  using Cf = store_internal::Cf;

  std::string dir;
  StoreMode mode = StoreMode::kReadOnly;
  std::shared_ptr<rocksdb::Logger> logger;          // read-only opens log nowhere
  rocksdb::DB* db = nullptr;                        // owned; closed by ~Impl
  std::vector<rocksdb::ColumnFamilyHandle*> cf;     // indexed by Cf
  std::vector<rocksdb::ColumnFamilyHandle*> extra;  // families of a newer schema

  // Bulk writes not yet handed to RocksDB, and the record ids they touch:
  // a record id seen again while pending forces the batch out first, so
  // every duplicate check can read the database alone.
  rocksdb::WriteBatch pending;
  size_t pending_records = 0;
  absl::flat_hash_set<std::string> pending_ids;
  // True when RocksDB holds WAL-less writes that no flush has persisted yet.
  bool unflushed = false;

  std::atomic<uint64_t> event_count{0};
  std::atomic<uint64_t> copy_count{0};
  uint32_t next_ordinal = 1;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl();

  rocksdb::ColumnFamilyHandle* H(Cf c) const { return cf[c]; }
  absl::Status Err(const rocksdb::Status& s, std::string_view op) const {
    return store_internal::FromRocks(s, dir, op);
  }
  absl::Status RequireWritable() const;

  // Point read; nullopt when absent.
  absl::StatusOr<std::optional<std::string>> Get(Cf c, std::string_view key);

  // Hands `batch` to RocksDB without the WAL, together with the current
  // counters, so data and counts always persist together.
  absl::Status WriteBulk(rocksdb::WriteBatch* batch);
  // WriteBulk(pending) when it holds anything.
  absl::Status WritePending();
  absl::Status MaybeWritePending();
  // A small metadata write (meta, evidence, derived). Durable on return when
  // no bulk data is outstanding (WAL, synced); otherwise it joins the bulk
  // stream without a WAL and becomes durable with it at Commit(), so a crash
  // never keeps a later write while losing an earlier one.
  absl::Status WriteSmall(rocksdb::WriteBatch* batch);
  absl::Status Commit();

  // Event writes (case_store_events.cc).
  // Adds (removes) an event's events/raw/ids/idx_* entries, and on Put its
  // by_evid entry, to `b`.
  absl::Status PutStored(const Event& e, std::string_view raw, rocksdb::WriteBatch* b);
  absl::Status DeleteStored(const Event& e, rocksdb::WriteBatch* b);
  absl::StatusOr<AddOutcome> AddEvent(const Event& e, std::string_view raw);
  absl::StatusOr<std::vector<store_internal::CopyEntry>> ReadCopies(std::string_view record_id);
  absl::Status RollbackRecord(std::string_view record_id, uint32_t ordinal, rocksdb::WriteBatch* b);
  absl::Status RollbackEvidence(uint32_t ordinal);
};

}  // namespace tern

#endif  // TERN_CORE_STORE_STORE_INTERNAL_H_
