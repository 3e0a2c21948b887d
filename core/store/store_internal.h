// Internals of the RocksDB case store shared by its .cc files: column family
// ids, key and value layouts, the rocksdb::Status adapter and CaseStore::Impl.
// Never included outside core/store. Thread-compatible, like CaseStore.
#ifndef TERN_CORE_STORE_STORE_INTERNAL_H_
#define TERN_CORE_STORE_STORE_INTERNAL_H_

#ifndef TERN_STORE_INTERNALS
#error "core/store/store_internal.h is internal to tern_store: include core/store/case_store.h"
#endif

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "core/model/event.h"
#include "core/store/case_store.h"
#include "core/store/id_filter.h"
#include "rocksdb/cache.h"
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
  kFingerprints,
  kNumCfs,
};
inline constexpr const char* kCfNames[kNumCfs] = {
    "default", "events",    "raw",           "ids",      "copies",  "by_evid", "idx_mailbox",
    "idx_ip",  "idx_actor", "idx_operation", "evidence", "derived", "meta",    "fingerprints"};
Cf IndexCf(StoreIndex index);

// Compression (chosen by measurement, docs/BENCHMARKS.md "Change 5"):
// every family that grows with the evidence is ZSTD at this level with a
// dictionary of kZstdDictBytes sampled from the first kZstdDictBufferBytes
// of each file; meta and evidence (a few KiB) stay on LZ4. Raw records,
// events and copies are read in blocks of kRecordBlockBytes.
inline constexpr int kZstdLevel = 1;
inline constexpr uint32_t kZstdDictBytes = 16 << 10;
inline constexpr uint64_t kZstdDictBufferBytes = 8 << 20;
inline constexpr size_t kRecordBlockBytes = 16 << 10;
inline bool IsCompressedFamily(Cf c) { return c != kDefault && c != kMeta && c != kEvidence; }
// Families written on every event but never read during an ingest (the
// secondary indexes; by_evid only by a rollback): their memtables are
// unsorted vectors, sorted once by the flush (case_store.cc CfOptions).
inline bool OnVectorMemtable(Cf c) {
  return c == kIdxMailbox || c == kIdxIp || c == kIdxActor || c == kIdxOperation || c == kByEvid;
}

// Families whose keys spread over the whole key space (record ids, index
// values): every compaction into the bottom level rewrites all of it, so
// they compact only once L0FilesToCompact flushed files have piled up
// (docs/BENCHMARKS.md "Change 15"): 32 for those an ingest reads on every
// event (ids, copies, fingerprints), where each flushed file is one more
// place a lookup must check; kIndexL0FilesToCompact for those it never
// reads (Change 20). The events family's time-ordered keys and the small
// families keep RocksDB's default of 4 (L0FilesToCompact gives 0).
inline constexpr int kL0FilesToCompact = 32;
inline constexpr int kIndexL0FilesToCompact = 128;
inline int L0FilesToCompact(Cf c) {
  if (OnVectorMemtable(c)) return kIndexL0FilesToCompact;
  if (c == kIds || c == kCopies || c == kFingerprints) return kL0FilesToCompact;
  return 0;
}

// The derived family (what an analysis writes: sessions, pivot spills,
// findings) compacts only when asked, once at the end of each analysis
// (CaseStore::CompactDerived). Its flushes mix kinds whose keys spread over
// the family (spilled pivots by IP, sessions by start), so at RocksDB's
// trigger every compaction rewrote all of it: 68 times, 28.5 GB and 890
// CPU-seconds in one 10M-record analysis (docs/BENCHMARKS.md "Change 19").
inline bool CompactsOnRequest(Cf c) { return c == kDerived; }
// Its own block cache: what an analysis flushes there must not take the
// cache the ingest's lookups and the reports use, nor grow without bound.
inline constexpr size_t kDerivedBlockCacheBytes = size_t{8} << 20;

// One Put or Delete of a batch, as slices into it (SortedWrite).
struct BatchOp {
  uint32_t cf;
  bool is_delete;
  rocksdb::Slice key;
  rocksdb::Slice value;
};

// Reserved meta keys; PutMeta refuses them so callers cannot corrupt them.
inline constexpr char kMetaSchemaVersion[] = "schema_version";
inline constexpr char kMetaEventCount[] = "event_count";
inline constexpr char kMetaCopyCount[] = "copy_count";
inline constexpr char kMetaNextOrdinal[] = "next_evidence_ordinal";
// "1" once any event without its own record id has a fingerprint entry; until
// then a new UAL record has nothing to absorb and skips the fingerprint scan.
inline constexpr char kMetaSyntheticSeen[] = "synthetic_seen";
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

// events values. Schema 1: EncodeEvent, the raw bytes in the raw family.
// Schema 2: varint(size of EncodeEvent) + EncodeEvent + the raw bytes, one
// value compressed as one (the normalized fields repeat much of the raw
// record), the raw family left empty.
std::string EncodeEventValue(std::string_view event, std::string_view raw);
// Splits a schema-2 value; false when it is malformed.
bool SplitEventValue(std::string_view value, std::string_view* event, std::string_view* raw);

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

// fingerprints: kind + Escape(lower(mailbox)) + '\0' + Escape(lower(operation))
// + '\0' + be64(time floored to the second) + Escape(lower(client_ip)) + '\0'
// + record_id -> EncodeFingerprint. Kind 'g' keys the mailbox GUID, 'u' the
// owner UPN; an event has an entry under each it carries. Only events with a
// time, an operation and a mailbox have fingerprints.
//
// Events without an id of their own also get 's' + prefix + record_id ->
// be32(prefix size): their prefixes, read into memory once per write session
// so that a UAL record no row can match skips the fingerprint scan.
//
// The prefixes (everything before record_id) under which `e` is filed: none,
// one or two, 'g' first.
std::vector<std::string> FingerprintPrefixes(const Event& e);
struct FingerprintValue {
  bool synthetic = false;  // the event has a content id (kFlagSyntheticId)
  bool has_guid = false;   // the event carries a mailbox GUID
  // Synthetic events only: the UAL record this group of rows is a copy of,
  // "" while the rows stand as their own event.
  std::string owner;
};
std::string EncodeFingerprint(const FingerprintValue& v);
absl::StatusOr<FingerprintValue> DecodeFingerprint(std::string_view bytes);
// Whether two events filed under the same prefix of `kind` describe the same
// action: a GUID match always does; a UPN match only when at least one side
// lacks a GUID (two different GUIDs are two mailboxes, whatever the UPN).
inline bool FingerprintsMatch(char kind, bool a_has_guid, bool b_has_guid) {
  return kind == 'g' || !(a_has_guid && b_has_guid);
}

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
  std::shared_ptr<rocksdb::Cache> cache;            // every family's block cache
  std::shared_ptr<rocksdb::Cache> derived_cache;    // but derived data's
  std::vector<rocksdb::ColumnFamilyHandle*> cf;     // indexed by Cf
  std::vector<rocksdb::ColumnFamilyHandle*> extra;  // families of a newer schema

  // Bulk writes not yet handed to RocksDB, and the record ids they touch:
  // a record id seen again while pending forces the batch out first, so
  // every duplicate check can read the database alone.
  rocksdb::WriteBatch pending;
  size_t pending_records = 0;
  absl::flat_hash_set<std::string> pending_ids;
  // Likewise the fingerprint prefixes the batch files entries under, so a
  // fingerprint scan can read the database alone (kept from the first event
  // without an id of its own on; before it nothing scans).
  absl::flat_hash_set<std::string> pending_fps;
  // Every record id given an ids entry since the store was opened; when the
  // ids family was empty at that point (a new case: id_filter_complete), an
  // id the filter has never seen is not in the store and AddEvent skips the
  // point read.
  store_internal::IdFilter id_filter;
  bool id_filter_complete = false;
  // The record ids that have duplicate copies, for GetCopies: built from
  // one scan of the copies family once CaseStore::kCopyLookupsBeforeFilter lookups
  // have asked, dropped by every write. A report or export looks up every
  // event or anchor it shows, most have no copy, and each lookup was a
  // seek through the family (docs/BENCHMARKS.md "Change 26").
  absl::Mutex copied_mu;
  std::unique_ptr<store_internal::IdFilter> copied_ids ABSL_GUARDED_BY(copied_mu);
  uint64_t copy_lookups ABSL_GUARDED_BY(copied_mu) = 0;
  // SortedWrite's buffers, kept between writes.
  std::vector<store_internal::BatchOp> sort_ops;
  rocksdb::WriteBatch sort_batch;
  // True when RocksDB holds WAL-less writes that no flush has persisted yet.
  bool unflushed = false;
  // kMetaSyntheticSeen; never reset (a conservative hint, not a count).
  bool synthetic_seen = false;
  // Every prefix rows without an id are (or were) filed under: the 's'
  // entries, loaded on first need, plus those written since. A superset (a
  // prefix stays after its rows went), so a miss proves no row can match.
  absl::flat_hash_set<std::string> synthetic_prefixes;
  bool synthetic_prefixes_loaded = false;
  // Net change of each evidence item's stored count caused by side effects
  // (see CaseStore::TakeStoredCountChanges).
  std::map<uint32_t, int64_t> stored_changes;

  // Store schema of this store's layout: 1 keeps raw bytes in the raw
  // family (stores written before schema 2 go on being written that way), 2
  // and later in the events value.
  int schema = kStoreSchemaVersion;
  bool RawInEvents() const { return schema >= 2; }

  // SetScanThreads(): 2 or more, event scans decode on a thread of their own.
  int scan_threads = 1;

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
  // The stored event `record_id` (committed data), nullopt when absent.
  absl::StatusOr<std::optional<Event>> GetEvent(std::string_view record_id);
  // The events value of `e` with its raw bytes, in this store's layout.
  std::string EventValue(const Event& e, std::string_view raw) const;
  // The event in an events value of `record_id` (DataLoss when malformed).
  absl::StatusOr<Event> DecodeEventValue(std::string_view value, std::string_view record_id) const;
  // The same into `*event`, reusing its strings' capacity.
  absl::Status DecodeEventValueInto(std::string_view value, std::string_view record_id,
                                    Event* event) const;
  // Calls visit(record_id, value) for each events entry with from <= time <
  // to, in key order, until it returns false (case_store_scan.cc).
  absl::Status VisitEventValues(
      TimeMs from, TimeMs to,
      absl::FunctionRef<bool(std::string_view, std::string_view)> visit) const;
  // CaseStore::ScanEvents with a reader thread decoding ahead, or with
  // `decode_apart` a reader and a decoder thread.
  absl::Status ScanAhead(TimeMs from, TimeMs to, const std::function<bool(const Event&)>& fn,
                         bool decode_apart) const;
  // The raw bytes of the stored event `record_id` whose events value is
  // `value`: in the value (schema 2) or the raw family (schema 1).
  absl::StatusOr<std::optional<std::string>> RawOf(std::string_view record_id,
                                                   std::string_view value);
  // The raw bytes of the stored event `record_id` (committed data), nullopt
  // when absent.
  absl::StatusOr<std::optional<std::string>> GetRaw(std::string_view record_id);

  // Hands `batch` to RocksDB without the WAL, together with the current
  // counters, so data and counts always persist together.
  absl::Status WriteBulk(rocksdb::WriteBatch* batch);
  // WriteBulk of `batch` with each family's operations in key order.
  absl::Status SortedWrite(rocksdb::WriteBatch* batch);
  // SortedWrite(pending) when it holds anything.
  absl::Status WritePending();
  absl::Status MaybeWritePending();
  // A small metadata write (meta, evidence, derived). Durable on return when
  // no bulk data is outstanding (WAL, synced); otherwise it joins the bulk
  // stream without a WAL and becomes durable with it at Commit(), so a crash
  // never keeps a later write while losing an earlier one. `until_commit`
  // joins the bulk stream even when nothing is outstanding: no WAL, no fsync.
  absl::Status WriteSmall(rocksdb::WriteBatch* batch, bool until_commit = false);
  // Writes pending batches, gives back the memory bulk writes keep between
  // batches and the block cache (see the definition), and flushes.
  absl::Status Commit();

  // Event writes (case_store_events.cc).
  // Adds (removes) an event's events/raw/ids/idx_* entries, and on Put its
  // by_evid entry, to `b`.
  absl::Status PutStored(const Event& e, std::string_view raw, rocksdb::WriteBatch* b);
  // Batches `e`, seen at its evidence and line, as a copy of the stored event
  // `owner` (with its raw bytes and normalized form when `with_content`: they
  // differ from the owner's), and counts it: the same (item, line) seen twice
  // is one copy.
  absl::Status BatchCopy(const Event& e, std::string_view raw, const std::string& owner,
                         bool with_content);
  absl::Status DeleteStored(const Event& e, rocksdb::WriteBatch* b);
  absl::StatusOr<AddOutcome> AddEvent(const Event& e, std::string_view raw, IdConflict* conflict);
  // `e` reuses the Id of `first`, a stored record with different content:
  // stores it as its own event under "<id>~<ContentTag>" (or records it as a
  // copy of the variant already stored there with the same content).
  absl::StatusOr<AddOutcome> AddConflicting(const Event& e, std::string_view raw,
                                            const Event& first, IdConflict* conflict);
  absl::StatusOr<std::vector<store_internal::CopyEntry>> ReadCopies(std::string_view record_id);
  // False when `record_id` certainly has no copies (copied_ids); true when
  // it may, or when the filter is not built yet.
  absl::StatusOr<bool> MayHaveCopies(std::string_view record_id);
  // Forgets copied_ids: a write may have added copies.
  void ForgetCopiedIds();
  absl::Status RollbackRecord(std::string_view record_id, uint32_t ordinal, rocksdb::WriteBatch* b);
  // Makes remaining.front() the stored event in place of `stored` (which
  // was just deleted); `remaining` holds copies of the same record.
  absl::Status Promote(std::string_view record_id, const Event& stored, const std::string& old_raw,
                       const std::vector<store_internal::CopyEntry>& remaining,
                       rocksdb::WriteBatch* b);
  absl::Status RollbackEvidence(uint32_t ordinal);
  absl::StatusOr<ItemCounts> CountItemRecords(uint32_t ordinal);

  // Cross-format de-duplication (case_store_fingerprints.cc). A Search-
  // MailboxAuditLog row has no record id of its own (kFlagSyntheticId); if a
  // UAL record with the same fingerprint is in the case, the row is a copy
  // of it ("absorbed"), else it is stored as its own event. The owner of a
  // group of rows is always the smallest matching UAL record id, so the
  // result does not depend on the order things were added.
  //
  // Adds (removes) the fingerprint entries of `e` (owner: see
  // FingerprintValue) to `b`.
  absl::Status PutFingerprints(const Event& e, std::string_view owner, rocksdb::WriteBatch* b);
  absl::Status DeleteFingerprints(const Event& e, rocksdb::WriteBatch* b);
  // Writes the pending batch if it files anything under one of `prefixes`.
  absl::Status WritePendingIfFiled(const std::vector<std::string>& prefixes);
  // False when no row without an id is filed under any of `prefixes`.
  absl::StatusOr<bool> MayHoldRows(const std::vector<std::string>& prefixes);
  // The smallest UAL record id whose fingerprint matches `e`, or "".
  absl::StatusOr<std::string> FindOwner(const Event& e, const std::vector<std::string>& prefixes);
  // Records the synthetic `e` as a copy of UAL record `owner`.
  absl::StatusOr<AddOutcome> AddAbsorbed(const Event& e, std::string_view raw,
                                         const std::string& owner,
                                         const std::vector<std::string>& prefixes);
  // Stores the UAL record `e` if synthetic rows match it that it should own;
  // returns false (and writes nothing) when there are none.
  absl::StatusOr<bool> StoreAndClaim(const Event& e, std::string_view raw,
                                     const std::vector<std::string>& prefixes);
  // Gives absorbed rows (copies of a record that left or changed) to their
  // new owner, or stores them as their own event again. Reads the database:
  // the caller writes its batch first.
  absl::Status Rehome(std::vector<store_internal::CopyEntry> rows);
  // Backfills the fingerprints of a store created before they existed.
  absl::Status BackfillFingerprints();

  // Helpers of the above.
  using FingerprintFn = std::function<void(char kind, std::string_view record_id,
                                           const store_internal::FingerprintValue& value)>;
  // Calls fn for each entry filed under `prefixes`.
  absl::Status ScanFingerprints(const std::vector<std::string>& prefixes, const FingerprintFn& fn);
  // Copy keys written to one batch, so that two rows landing on the same copy
  // key are counted once (see the CaseStore header).
  using KeySet = absl::flat_hash_set<std::string>;
  // Files absorbed row `row` as a copy of `owner` in `b`.
  absl::Status PutRow(const std::string& owner, const store_internal::CopyEntry& row,
                      rocksdb::WriteBatch* b, KeySet* keys);
  // Turns the stored group `sid` into copies of `owner`.
  absl::Status Absorb(const std::string& sid, const std::string& owner, rocksdb::WriteBatch* b,
                      KeySet* keys);
  // Moves the rows of groups `sids` from `old_owner` to `owner`. by_evid
  // entries of the old owner may outlive the move; rollback skips them.
  absl::Status MoveRows(const std::string& old_owner, const std::set<std::string>& sids,
                        const std::string& owner, rocksdb::WriteBatch* b, KeySet* keys);
};

}  // namespace tern

#endif  // TERN_CORE_STORE_STORE_INTERNAL_H_
