// CaseStore: the embedded RocksDB case store. The only RocksDB user; no
// RocksDB type appears in this header.
//
// Column families (keys are binary; "be" = big-endian):
//   events     be(time) + record_id            -> length-prefixed EncodeEvent +
//              verbatim record bytes (schema 1: EncodeEvent alone)
//   raw        schema 1 only: record_id        -> verbatim record bytes
//   ids        record_id                       -> be(time)   (dedup, lookups)
//   copies     record_id + be32(ord) + be64(line) -> record_index + (raw bytes and
//              EncodeEvent of the copy if its bytes differ, else "" and "")
//   by_evid    be32(ord) + record_id           -> ""   (rollback of an item: the
//              item stored the record, or holds copies of it, or both; an
//              entry may outlive its copies after a cross-format move)
//   idx_mailbox / idx_ip / idx_actor / idx_operation
//              lower(value) + '\0' + be(time) + record_id -> ""
//              (NUL and \x01 in a value are escaped as \x01\x01 and \x01\x02)
//   evidence   be32(ordinal)                   -> EncodeEvidence
//   derived    kind + '\0' + key               -> opaque (sessions, findings)
//   meta       text key                        -> text value (schema version,
//              event and copy counters, next evidence ordinal, ...)
//   fingerprints  'g'|'u' + lower(mailbox GUID|UPN) + '\0' + lower(operation)
//              + '\0' + be(second) + lower(client IP) + '\0' + record_id
//              -> flags + owner   (cross-format de-duplication, below);
//              rows without an id also 's' + that key -> be32(prefix size)
//
// Cross-format de-duplication. Search-MailboxAuditLog rows carry no UAL Id;
// the ingester gives them a content id and kFlagSyntheticId. Such a row is
// the same action as a UAL record of the same mailbox (GUID when both carry
// one, else owner UPN, compared lower-case), operation, second and client
// IP. AddEvent records it as a copy of the smallest such record id; a UAL
// record added later takes over the rows it matches (their event is removed
// from the events and indexes and becomes copies of it), and a rollback hands
// them on or stores them as their own event again. The owner is always the
// smallest matching id, so the case holds the same events and copies in
// whatever order exports are added or rolled back. Limitation: two rows of
// one item that start on the same line (a one-line XML file) and join the
// same record share one copy entry (the copy key is item + line).
//
// Bulk ingest writes batches without a WAL and makes them durable in Commit()
// (flush), so a finished ingest survives a crash without paying an fsync per
// record. Flushes are atomic across column families, and small writes (meta,
// evidence, derived) made while bulk data is unflushed join the WAL-less
// stream, so after a crash the store always holds a prefix of what was
// written. Thread-safety: Add*/Commit from one thread at a time; reads are
// safe from any thread once writes are committed. Reads see what has reached
// RocksDB: everything up to the last Commit(), and possibly later batches.
//
// Only one read-write CaseStore may hold a directory (RocksDB's LOCK file; a
// second gets FailedPrecondition "case is in use by another tern process").
// kReadOnly opens take no lock and write nothing into the directory; they
// must not be used while a writer holds the store (RocksDB leaves that
// undefined for the reader), which `tern` ensures by running one command
// per case at a time.
#ifndef TERN_CORE_STORE_CASE_STORE_H_
#define TERN_CORE_STORE_CASE_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/time.h"
#include "core/model/event.h"
#include "core/model/evidence_record.h"

namespace tern {

// Bumped whenever the layout or an encoding changes incompatibly. Every
// earlier schema stays readable and writable in its own layout. 2: an event's
// raw bytes live in its events value, not in the raw family.
inline constexpr int kStoreSchemaVersion = 2;

enum class StoreMode { kReadWrite, kReadOnly };

enum class StoreIndex { kMailbox, kIp, kActor, kOperation };

class CaseStore {
 public:
  // Opens (kReadWrite creates if missing) the store in `dir`. Returns
  // FailedPrecondition naming both versions if the store was written by a
  // newer schema, NotFound for a missing store in kReadOnly mode, and
  // DataLoss if RocksDB reports corruption.
  static absl::StatusOr<std::unique_ptr<CaseStore>> Open(const std::string& dir, StoreMode mode);
  // Whether `dir` holds a store (what Open in kReadOnly mode requires).
  static bool Exists(const std::string& dir);
  ~CaseStore();
  CaseStore(const CaseStore&) = delete;
  CaseStore& operator=(const CaseStore&) = delete;

  // --- metadata
  absl::Status PutMeta(std::string_view key, std::string_view value);
  absl::StatusOr<std::optional<std::string>> GetMeta(std::string_view key);

  // --- evidence (chain of custody)
  // Allocates the next evidence ordinal (1, 2, ...), persisted with the
  // next Commit() (or with any record written after it).
  absl::StatusOr<uint32_t> AllocateEvidenceOrdinal();
  // Inserts or replaces the record with record.ordinal.
  absl::Status PutEvidence(const EvidenceRecord& record);
  // Inserts or replaces each of `records`, in one write (one fsync).
  absl::Status PutEvidence(const std::vector<EvidenceRecord>& records);
  // Like PutEvidence, but without the WAL or an fsync: the record persists
  // with the next Commit(), or with any earlier flush that persists a write
  // made after it (the store on disk is a prefix of what was written). For
  // "in-progress" records, which matter after a crash only if the events
  // written after them survived; an archive of a million empty members
  // must not cost a million fsyncs.
  absl::Status PutEvidenceUntilCommit(const EvidenceRecord& record);
  // All records, by ordinal.
  absl::StatusOr<std::vector<EvidenceRecord>> ListEvidence();
  // The ordinal of a leaf item with status "ingested" and this SHA-256, or 0.
  absl::StatusOr<uint32_t> FindIngestedBySha256(std::string_view sha256);

  // --- events
  enum class AddOutcome { kStored, kDuplicate, kConflict };
  // A record that reuses the Id of a different record already in the case.
  struct IdConflict {
    std::string stored_as;  // its record key: "<id>~<ContentTag>"
    Provenance first;       // where the record holding the plain Id came from
  };
  // Stores `event` and its verbatim `raw` bytes unless an event with the same
  // record_id is already in the case (committed or pending); a duplicate is
  // recorded as a copy (its provenance; its raw bytes only if they differ).
  // A record with the same Id but different content (SameRecordContent) is
  // no duplicate: it is stored as its own event under "<id>~<ContentTag>"
  // and the outcome is kConflict, described in `conflict` if not null (a
  // later copy of that same content is a duplicate of it). Which of two
  // conflicting records keeps the plain Id depends on ingest order.
  // REQUIRES: event.record_id is not empty.
  absl::StatusOr<AddOutcome> AddEvent(const Event& event, std::string_view raw,
                                      IdConflict* conflict = nullptr);
  // Deletes every event stored from evidence `ordinal` and every copy
  // recorded from it (an item found to be already ingested, or interrupted).
  // A deleted event that other items hold copies of is replaced by the copy
  // with the lowest (ordinal, line), with that copy's bytes and normalized
  // fields. Durable at the next Commit().
  absl::Status RollbackEvidence(uint32_t ordinal);
  // Writes pending batches and flushes, so everything so far survives a crash.
  absl::Status Commit();
  // Side effects on other items' records since the last call: a stored row
  // absorbed by a later UAL record (-1 for its item), or restored, or a copy
  // promoted by a rollback (+1). Per evidence ordinal, the net change of the
  // item's stored count (its duplicate count changes by the opposite); an
  // item whose changes cancel out is listed with 0.
  std::map<uint32_t, int64_t> TakeStoredCountChanges();
  // How many records of evidence `ordinal` the case holds as stored events
  // and as duplicate copies, counted from the store itself (so it is right
  // after a crash too). Reads committed and pending data; O(records of the
  // item).
  struct ItemCounts {
    uint64_t stored = 0;
    uint64_t duplicate = 0;
  };
  absl::StatusOr<ItemCounts> CountItemRecords(uint32_t ordinal);

  // --- reads (see the committed state)
  // How much fn of a scan does per event. With SetScanThreads(2+), events
  // are read and decoded ahead on a thread of their own; a light fn (a few
  // counters, as the report's) leaves a core for decoding on a third. On
  // two cores that made the report 17% faster and the analysis, even its
  // lighter passes, 5-10% slower (docs/BENCHMARKS.md "Change 15").
  enum class ScanWork { kHeavy, kLight };
  // Calls fn for each event with from <= time < to, in (time, record_id)
  // order, on the calling thread; stops early when fn returns false. The
  // event is valid for the call only.
  absl::Status ScanEvents(TimeMs from, TimeMs to, const std::function<bool(const Event&)>& fn,
                          ScanWork work = ScanWork::kHeavy);
  // With 2 or more `threads` (0: one per core), ScanEvents reads and decodes
  // up to 256 events ahead of fn (ScanWork). Same calls in the same order
  // either way. Default: 1. Not while a scan runs.
  void SetScanThreads(int threads);
  // An event by its place in the events family (ScanIndex gives both).
  struct EventRef {
    TimeMs time = 0;
    std::string record_id;
  };
  // Calls fn for each stored event among `refs`, once each, in ScanEvents'
  // (time, record_id) order, on the calling thread; refs to no stored event
  // are skipped; stops early when fn returns false. One forward pass: each
  // block is read once, however many of the events it holds.
  absl::Status VisitEvents(std::vector<EventRef> refs, const std::function<bool(const Event&)>& fn);
  absl::StatusOr<std::optional<Event>> GetEvent(std::string_view record_id);
  absl::StatusOr<std::string> GetRaw(std::string_view record_id);
  struct Copy {
    Provenance provenance;
    std::string raw;  // empty: same bytes as the stored record
  };
  // Duplicate copies of `record_id`, in (ordinal, line) order. After
  // kCopyLookupsBeforeFilter calls, one scan of the copies builds a filter
  // of the ids that have any (kept until the next write), so that a report
  // asking for every event pays a seek only for those.
  static constexpr uint64_t kCopyLookupsBeforeFilter = 64;
  absl::StatusOr<std::vector<Copy>> GetCopies(std::string_view record_id);
  // Calls fn(record_id, time) for events whose indexed value equals `value`
  // (compared lower-case) with from <= time < to, in time order. Mailbox
  // indexes both the GUID and the owner UPN; actor both the UPN and the SID.
  absl::Status ScanIndex(StoreIndex index, std::string_view value, TimeMs from, TimeMs to,
                         const std::function<bool(std::string_view record_id, TimeMs)>& fn);
  // Number of distinct events and of duplicate copies in the case. Exact and
  // O(1) (counters kept in meta); they include adds not yet committed.
  absl::StatusOr<uint64_t> CountEvents();
  absl::StatusOr<uint64_t> CountCopies();
  // The schema this store was written in (kStoreSchemaVersion for a new
  // store; an older case keeps its own): what manifests and reports record.
  int schema_version() const;

  // --- derived data written by `tern analyze` (sessions, findings, ...)
  // Replaces every entry of `kind` with `entries` (key, value), atomically.
  absl::Status ReplaceDerived(std::string_view kind,
                              const std::vector<std::pair<std::string, std::string>>& entries);
  // The same in steps, for kinds too large to hold in memory at once:
  // ClearDerived removes every entry of `kind`, each AppendDerived adds
  // entries in one batch. Not atomic across calls: the caller records when
  // the whole has been written (the analyzer's kAnalysisStateKey). Appends
  // join the WAL-less stream and are durable at the next Commit(); a crash
  // keeps a prefix of what was written, as for bulk data.
  absl::Status ClearDerived(std::string_view kind);
  absl::Status AppendDerived(std::string_view kind,
                             const std::vector<std::pair<std::string, std::string>>& entries);
  // Entries of `kind` in key order.
  absl::Status ScanDerived(
      std::string_view kind,
      const std::function<bool(std::string_view key, std::string_view value)>& fn);
  // The same from the first key >= `from_key` on, so a long scan can be
  // read a chunk at a time alongside another scan (the exports read
  // sessions this way while streaming the events).
  absl::Status ScanDerivedFrom(
      std::string_view kind, std::string_view from_key,
      const std::function<bool(std::string_view key, std::string_view value)>& fn);

  // Removes every kind at once, and the files that held them: an analysis
  // rewrites all of its data, and merging the last one's files into the new
  // run doubled what CompactDerived rewrote.
  absl::Status DropDerived();
  // Merges everything written to derived data into one sorted run, dropping
  // what ClearDerived removed. That family compacts only on this call (an
  // analysis makes it once, at its end): see store_internal.h.
  absl::Status CompactDerived();

  // Runs RocksDB's checksum verification over every file of the store.
  absl::Status VerifyChecksums();

  // The shared block cache (every family but derived data; 64 MiB from
  // Open): sets its capacity, evicting down to it, and returns the old one.
  // A phase that only scans events can keep it small: the scans fill no
  // data blocks, but every table they open loads its index partitions and
  // compression dictionary into the cache, which held 55 MB at 10M records
  // (docs/BENCHMARKS.md "Change 25").
  size_t SetBlockCacheCapacity(size_t bytes);
  size_t BlockCacheCapacity() const;
  // Bytes the shared block cache holds, pinned entries included.
  size_t BlockCacheUsage() const;

 private:
  struct Impl;
  explicit CaseStore(std::unique_ptr<Impl> impl);
  // One batch: every entry of `kind` removed first if `clear`, then `entries`;
  // `until_commit` as for Impl::WriteSmall.
  absl::Status WriteDerived(std::string_view kind,
                            const std::vector<std::pair<std::string, std::string>>& entries,
                            bool clear, bool until_commit);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tern

#endif  // TERN_CORE_STORE_CASE_STORE_H_
