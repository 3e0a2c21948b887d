// CaseStore event writes: AddEvent (store or record a duplicate copy) and
// RollbackEvidence (remove an item's events and copies, promoting a copy of
// another item where one exists).
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/codec.h"
#include "core/base/status_macros.h"
#include "core/model/codec.h"
#include "core/store/case_store.h"
#include "core/store/store_internal.h"

namespace tern {

using store_internal::Av;
using store_internal::CopyEntry;
using store_internal::CopyValue;
using store_internal::Sl;
using store_internal::Sv;

namespace {

// A batch goes to RocksDB once it holds this much: large enough to amortize
// the write path, small enough to keep the in-memory batch and the pending
// id set modest (~8 MB of raw records is a few thousand events).
constexpr size_t kBatchBytes = size_t{8} << 20;
constexpr size_t kBatchRecords = 20000;

// The (index family, value) pairs under which an event is findable.
std::vector<std::pair<store_internal::Cf, std::string_view>> IndexValues(const Event& e) {
  std::vector<std::pair<store_internal::Cf, std::string_view>> out;
  auto add = [&out](store_internal::Cf c, const std::string& v) {
    if (!v.empty()) out.emplace_back(c, v);
  };
  add(store_internal::kIdxMailbox, e.mailbox_guid);
  add(store_internal::kIdxMailbox, e.mailbox_upn);
  add(store_internal::kIdxIp, e.client_ip);
  add(store_internal::kIdxActor, e.actor_upn);
  add(store_internal::kIdxActor, e.actor_sid);
  add(store_internal::kIdxOperation, e.operation);
  return out;
}

}  // namespace

absl::Status CaseStore::Impl::PutStored(const Event& e, std::string_view raw,
                                        rocksdb::WriteBatch* b) {
  const std::string& id = e.record_id;
  rocksdb::Status s = b->Put(H(store_internal::kEvents), store_internal::EventKey(e.time_ms, id),
                             EventValue(e, raw));
  if (s.ok() && !RawInEvents()) s = b->Put(H(store_internal::kRaw), id, Sl(raw));
  if (s.ok()) s = b->Put(H(store_internal::kIds), id, store_internal::TimeKey(e.time_ms));
  if (id_filter_complete) id_filter.Add(id);
  if (s.ok()) {
    s = b->Put(H(store_internal::kByEvid), store_internal::ByEvidKey(e.provenance.evidence, id),
               rocksdb::Slice());
  }
  for (const auto& [c, value] : IndexValues(e)) {
    if (s.ok()) s = b->Put(H(c), store_internal::IndexKey(value, e.time_ms, id), rocksdb::Slice());
  }
  TERN_RETURN_IF_ERROR(Err(s, "batching an event"));
  return PutFingerprints(e, "", b);
}

absl::Status CaseStore::Impl::DeleteStored(const Event& e, rocksdb::WriteBatch* b) {
  const std::string& id = e.record_id;
  rocksdb::Status s =
      b->Delete(H(store_internal::kEvents), store_internal::EventKey(e.time_ms, id));
  if (s.ok() && !RawInEvents()) s = b->Delete(H(store_internal::kRaw), id);
  if (s.ok()) s = b->Delete(H(store_internal::kIds), id);
  for (const auto& [c, value] : IndexValues(e)) {
    if (s.ok()) s = b->Delete(H(c), store_internal::IndexKey(value, e.time_ms, id));
  }
  TERN_RETURN_IF_ERROR(Err(s, "batching a deletion"));
  return DeleteFingerprints(e, b);
}

absl::Status CaseStore::Impl::MaybeWritePending() {
  if (pending.GetDataSize() < kBatchBytes && pending_records < kBatchRecords) {
    return absl::OkStatus();
  }
  return WritePending();
}

absl::StatusOr<CaseStore::AddOutcome> CaseStore::Impl::AddEvent(const Event& e,
                                                                std::string_view raw,
                                                                IdConflict* conflict) {
  TERN_RETURN_IF_ERROR(RequireWritable());
  const std::string& id = e.record_id;
  if (id.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("event without a record_id (evidence ",
                                                   e.provenance.evidence, " line ",
                                                   e.provenance.line, ")"));
  }
  // The duplicate checks below read the database only; an id touched by the
  // unwritten batch sends the batch first (rare: duplicates close together).
  if (pending_ids.contains(Av(id))) TERN_RETURN_IF_ERROR(WritePending());

  // A row without an id of its own is first matched against UAL records.
  const std::vector<std::string> prefixes = store_internal::FingerprintPrefixes(e);
  const bool synthetic = (e.flags & kFlagSyntheticId) != 0;
  if (synthetic && !prefixes.empty()) {
    // pending_fps is kept only once the case has such rows (it costs every
    // UAL record a few allocations); the first row sends the whole batch.
    if (synthetic_seen) {
      TERN_RETURN_IF_ERROR(WritePendingIfFiled(prefixes));
    } else {
      TERN_RETURN_IF_ERROR(WritePending());
    }
    TERN_ASSIGN_OR_RETURN(std::string owner, FindOwner(e, prefixes));
    if (!owner.empty()) return AddAbsorbed(e, raw, owner, prefixes);
  }

  std::optional<std::string> time;
  if (!id_filter_complete || id_filter.MayContain(id)) {
    TERN_ASSIGN_OR_RETURN(time, Get(store_internal::kIds, id));
  }
  if (!time.has_value()) {
    // A new UAL record takes over the rows it matches. Until the case has
    // seen any such row there is nothing to look for.
    if (!synthetic && synthetic_seen && !prefixes.empty()) {
      TERN_ASSIGN_OR_RETURN(bool may_match, MayHoldRows(prefixes));
      if (may_match) {
        TERN_RETURN_IF_ERROR(WritePendingIfFiled(prefixes));
        TERN_ASSIGN_OR_RETURN(bool claimed, StoreAndClaim(e, raw, prefixes));
        if (claimed) return AddOutcome::kStored;
      }
    }
    TERN_RETURN_IF_ERROR(PutStored(e, raw, &pending));
    ++event_count;
    ++pending_records;
    pending_ids.insert(id);
    // (PutStored set synthetic_seen if this is the first row.)
    if (synthetic_seen) {
      for (const std::string& p : prefixes) pending_fps.insert(p);
    }
    TERN_RETURN_IF_ERROR(MaybeWritePending());
    return AddOutcome::kStored;
  }

  // A duplicate: remember where it was seen, and its bytes only if they
  // differ from what is stored (then also its normalized form, which a
  // rollback may need to promote it).
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> stored_raw, GetRaw(id));
  if (!stored_raw.has_value()) {
    return absl::DataLossError(absl::StrCat("case store at ", dir, ": record ", Av(id),
                                            " is indexed but its raw bytes are missing"));
  }
  if (raw != *stored_raw && !synthetic) {
    // Other bytes under the same Id: another export shape of the same
    // record, or a different record reusing the Id (anonymized test data,
    // broken exports), which must not be merged away.
    TERN_ASSIGN_OR_RETURN(std::optional<Event> first, GetEvent(id));
    if (!first.has_value()) {
      return absl::DataLossError(absl::StrCat("case store at ", dir, ": record ", Av(id),
                                              " is indexed but its event is missing"));
    }
    if (!SameRecordContent(*first, e)) return AddConflicting(e, raw, *first, conflict);
  }
  TERN_RETURN_IF_ERROR(BatchCopy(e, raw, id, /*with_content=*/raw != *stored_raw));
  TERN_RETURN_IF_ERROR(MaybeWritePending());
  return AddOutcome::kDuplicate;
}

absl::StatusOr<CaseStore::AddOutcome> CaseStore::Impl::AddConflicting(const Event& e,
                                                                      std::string_view raw,
                                                                      const Event& first,
                                                                      IdConflict* conflict) {
  // A third record with the same Id and tag but still other content (a
  // partial export shape agreeing with neither) takes the next free suffix.
  constexpr int kMaxVariants = 1000;
  const std::string base = absl::StrCat(e.record_id, "~", ContentTag(e));
  Event variant = e;
  for (int n = 1;; ++n) {
    variant.record_id = n == 1 ? base : absl::StrCat(base, "-", n);
    if (pending_ids.contains(Av(variant.record_id))) TERN_RETURN_IF_ERROR(WritePending());
    TERN_ASSIGN_OR_RETURN(std::optional<Event> there, GetEvent(variant.record_id));
    if (!there.has_value()) break;
    if (SameRecordContent(*there, e)) {
      TERN_ASSIGN_OR_RETURN(std::optional<std::string> there_raw, GetRaw(variant.record_id));
      TERN_RETURN_IF_ERROR(BatchCopy(variant, raw, variant.record_id,
                                     /*with_content=*/!there_raw.has_value() || raw != *there_raw));
      TERN_RETURN_IF_ERROR(MaybeWritePending());
      return AddOutcome::kDuplicate;
    }
    if (n == kMaxVariants) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "more than ", kMaxVariants, " different records share the Id ", Av(e.record_id)));
    }
  }
  TERN_RETURN_IF_ERROR(PutStored(variant, raw, &pending));
  ++event_count;
  ++pending_records;
  pending_ids.insert(variant.record_id);
  if (synthetic_seen) {
    for (const std::string& p : store_internal::FingerprintPrefixes(variant)) pending_fps.insert(p);
  }
  if (conflict != nullptr) {
    conflict->stored_as = variant.record_id;
    conflict->first = first.provenance;
  }
  TERN_RETURN_IF_ERROR(MaybeWritePending());
  return AddOutcome::kConflict;
}

absl::Status CaseStore::Impl::BatchCopy(const Event& e, std::string_view raw,
                                        const std::string& owner, bool with_content) {
  const std::string key = store_internal::CopyKey(owner, e.provenance.evidence, e.provenance.line);
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> existing, Get(store_internal::kCopies, key));
  CopyValue v;
  v.record_index = e.provenance.record_index;
  if (with_content) {
    v.raw = std::string(raw);
    v.event = EncodeEvent(e);
  }
  rocksdb::Status s =
      pending.Put(H(store_internal::kCopies), key, store_internal::EncodeCopyValue(v));
  if (s.ok()) {
    s = pending.Put(H(store_internal::kByEvid),
                    store_internal::ByEvidKey(e.provenance.evidence, owner), rocksdb::Slice());
  }
  TERN_RETURN_IF_ERROR(Err(s, "batching a copy"));
  if (!existing.has_value()) ++copy_count;
  ++pending_records;
  pending_ids.insert(owner);
  return absl::OkStatus();
}

absl::StatusOr<bool> CaseStore::Impl::MayHaveCopies(std::string_view record_id) {
  absl::MutexLock lock(&copied_mu);
  if (copied_ids == nullptr) {
    // A few lookups (a search, one finding) cost less than the scan.
    if (++copy_lookups <= kCopyLookupsBeforeFilter) return true;
    auto filter = std::make_unique<store_internal::IdFilter>();
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, H(store_internal::kCopies)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string_view key = Sv(it->key());
      if (key.size() < store_internal::kCopySuffix) continue;
      filter->Add(key.substr(0, key.size() - store_internal::kCopySuffix));
    }
    TERN_RETURN_IF_ERROR(Err(it->status(), "reading copies"));
    copied_ids = std::move(filter);
  }
  return copied_ids->MayContain(record_id);
}

void CaseStore::Impl::ForgetCopiedIds() {
  absl::MutexLock lock(&copied_mu);
  copied_ids.reset();
  copy_lookups = 0;
}

absl::StatusOr<std::vector<CopyEntry>> CaseStore::Impl::ReadCopies(std::string_view record_id) {
  std::vector<CopyEntry> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions(), H(store_internal::kCopies)));
  for (it->Seek(Sl(record_id)); it->Valid(); it->Next()) {
    const std::string_view key = Sv(it->key());
    if (key.substr(0, record_id.size()) != record_id) break;
    // A longer record id sharing this prefix; not ours.
    if (key.size() != record_id.size() + store_internal::kCopySuffix) continue;
    CopyEntry entry;
    entry.key = std::string(key);
    entry.ordinal = DecodeBigEndian32(key.data() + record_id.size());
    entry.line = DecodeBigEndian64(key.data() + record_id.size() + 4);
    absl::StatusOr<CopyValue> v = store_internal::DecodeCopyValue(Sv(it->value()));
    if (!v.ok()) {
      return absl::DataLossError(absl::StrCat("case store at ", dir, ": copy of ", Av(record_id),
                                              ": ", v.status().message()));
    }
    entry.value = *std::move(v);
    out.push_back(std::move(entry));
  }
  TERN_RETURN_IF_ERROR(Err(it->status(), "reading copies"));
  return out;
}

absl::Status CaseStore::Impl::RollbackRecord(std::string_view record_id, uint32_t ordinal,
                                             rocksdb::WriteBatch* b) {
  rocksdb::ColumnFamilyHandle* copies_cf = H(store_internal::kCopies);
  TERN_ASSIGN_OR_RETURN(std::vector<CopyEntry> copies, ReadCopies(record_id));
  // Copies are the same record seen again, or rows of another format
  // absorbed into it (they carry their own content id; see
  // case_store_fingerprints.cc).
  std::vector<CopyEntry> remaining;  // same record, still in (ordinal, line) order
  std::vector<CopyEntry> absorbed;   // absorbed rows of other items
  std::set<std::string> absorbed_ids;
  std::map<std::string, Event> departed;  // absorbed groups that lost rows here
  for (CopyEntry& c : copies) {
    std::optional<Event> row;
    if (!c.value.event.empty()) {
      absl::StatusOr<Event> decoded = DecodeEvent(c.value.event);
      if (!decoded.ok()) {
        return absl::DataLossError(absl::StrCat("case store at ", dir, ": copy of ", Av(record_id),
                                                ": ", decoded.status().message()));
      }
      if (decoded->record_id != record_id) row = *std::move(decoded);
    }
    if (c.ordinal == ordinal) {
      TERN_RETURN_IF_ERROR(Err(b->Delete(copies_cf, c.key), "batching a deletion"));
      --copy_count;
      if (row.has_value()) departed.emplace(row->record_id, *std::move(row));
    } else if (row.has_value()) {
      absorbed_ids.insert(row->record_id);
      absorbed.push_back(std::move(c));
    } else {
      remaining.push_back(std::move(c));
    }
  }
  // A group whose last row went takes its fingerprint with it.
  for (const auto& [id, row] : departed) {
    if (absorbed_ids.count(id) == 0) TERN_RETURN_IF_ERROR(DeleteFingerprints(row, b));
  }

  TERN_ASSIGN_OR_RETURN(std::optional<std::string> time, Get(store_internal::kIds, record_id));
  if (!time.has_value()) return absl::OkStatus();
  std::string event_key = *time;
  event_key.append(record_id);
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> encoded,
                        Get(store_internal::kEvents, event_key));
  std::optional<std::string> old_raw;
  if (encoded.has_value()) {
    TERN_ASSIGN_OR_RETURN(old_raw, RawOf(record_id, *encoded));
  }
  if (!encoded.has_value() || !old_raw.has_value()) {
    return absl::DataLossError(absl::StrCat("case store at ", dir, ": record ", Av(record_id),
                                            " is indexed but its event or raw bytes are missing"));
  }
  absl::StatusOr<Event> stored = DecodeEventValue(*encoded, record_id);
  if (!stored.ok()) return stored.status();
  // Stored from another item: it stays; only this item's copies went.
  if (stored->provenance.evidence != ordinal) return absl::OkStatus();

  TERN_RETURN_IF_ERROR(DeleteStored(*stored, b));
  --event_count;
  if (!remaining.empty()) TERN_RETURN_IF_ERROR(Promote(record_id, *stored, *old_raw, remaining, b));
  if (absorbed.empty()) return absl::OkStatus();

  // The rows this record owned need a new owner, or stand alone again. That
  // choice reads the fingerprints as they are once this record has left (or
  // changed), so the batch goes first.
  for (const CopyEntry& c : absorbed) {
    TERN_RETURN_IF_ERROR(Err(b->Delete(copies_cf, c.key), "batching a deletion"));
    --copy_count;
  }
  TERN_RETURN_IF_ERROR(WriteBulk(b));
  b->Clear();
  return Rehome(std::move(absorbed));
}

absl::Status CaseStore::Impl::Promote(std::string_view record_id, const Event& stored,
                                      const std::string& old_raw,
                                      const std::vector<CopyEntry>& remaining,
                                      rocksdb::WriteBatch* b) {
  rocksdb::ColumnFamilyHandle* copies_cf = H(store_internal::kCopies);
  // The earliest surviving copy (lowest ordinal, then line) becomes the
  // stored event: its own normalized form and bytes when it had different
  // bytes, else the departing event's with the copy's provenance.
  const CopyEntry& top = remaining.front();
  Event promoted;
  if (top.value.event.empty()) {
    promoted = stored;
  } else {
    absl::StatusOr<Event> decoded = DecodeEvent(top.value.event);
    if (!decoded.ok()) {
      return absl::DataLossError(absl::StrCat("case store at ", dir, ": copy of ", Av(record_id),
                                              ": ", decoded.status().message()));
    }
    promoted = *std::move(decoded);
    promoted.record_id = std::string(record_id);
  }
  promoted.provenance = {top.ordinal, top.line, top.value.record_index};
  const std::string& new_raw = top.value.raw.empty() ? old_raw : top.value.raw;
  TERN_RETURN_IF_ERROR(PutStored(promoted, new_raw, b));
  TERN_RETURN_IF_ERROR(Err(b->Delete(copies_cf, top.key), "batching a deletion"));
  ++event_count;
  --copy_count;
  ++stored_changes[top.ordinal];

  // Other copies described themselves relative to the departing bytes; keep
  // "empty means same as stored" true against the new stored bytes.
  for (size_t i = 1; i < remaining.size(); ++i) {
    const CopyEntry& c = remaining[i];
    const std::string& bytes = c.value.raw.empty() ? old_raw : c.value.raw;
    CopyValue v;
    v.record_index = c.value.record_index;
    if (bytes != new_raw) {
      v.raw = bytes;
      if (c.value.event.empty()) {
        Event e = stored;
        e.provenance = {c.ordinal, c.line, c.value.record_index};
        v.event = EncodeEvent(e);
      } else {
        v.event = c.value.event;
      }
    }
    if (v.raw != c.value.raw || v.event != c.value.event) {
      TERN_RETURN_IF_ERROR(
          Err(b->Put(copies_cf, c.key, store_internal::EncodeCopyValue(v)), "batching a copy"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<CaseStore::ItemCounts> CaseStore::Impl::CountItemRecords(uint32_t ordinal) {
  // Reads below see the database only.
  TERN_RETURN_IF_ERROR(WritePending());
  const std::string prefix = store_internal::EvidenceKey(ordinal);
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions(), H(store_internal::kByEvid)));
  ItemCounts counts;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const std::string_view key = Sv(it->key());
    if (key.substr(0, prefix.size()) != prefix) break;
    const std::string_view id = key.substr(prefix.size());
    TERN_ASSIGN_OR_RETURN(std::optional<std::string> time, Get(store_internal::kIds, id));
    if (time.has_value()) {
      TERN_ASSIGN_OR_RETURN(std::optional<std::string> encoded,
                            Get(store_internal::kEvents, *time + std::string(id)));
      if (!encoded.has_value()) {
        return absl::DataLossError(absl::StrCat("case store at ", dir, ": record ", Av(id),
                                                " is indexed but its event is missing"));
      }
      TERN_ASSIGN_OR_RETURN(Event e, DecodeEventValue(*encoded, id));
      if (e.provenance.evidence == ordinal) ++counts.stored;
    }
    // An entry may be stale (its copies moved to another record); only the
    // copies themselves count.
    TERN_ASSIGN_OR_RETURN(std::vector<CopyEntry> copies, ReadCopies(id));
    for (const CopyEntry& c : copies) {
      if (c.ordinal == ordinal) ++counts.duplicate;
    }
  }
  TERN_RETURN_IF_ERROR(Err(it->status(), "scanning evidence entries"));
  return counts;
}

absl::Status CaseStore::Impl::RollbackEvidence(uint32_t ordinal) {
  TERN_RETURN_IF_ERROR(RequireWritable());
  // Reads below see the database only, so pending adds go first.
  TERN_RETURN_IF_ERROR(WritePending());
  const std::string prefix = store_internal::EvidenceKey(ordinal);
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions(), H(store_internal::kByEvid)));
  rocksdb::WriteBatch b;
  // The iterator reads a snapshot taken at its creation; each record's reads
  // are independent of the others, so batches may be written as we go.
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const std::string_view key = Sv(it->key());
    if (key.substr(0, prefix.size()) != prefix) break;
    TERN_RETURN_IF_ERROR(Err(b.Delete(H(store_internal::kByEvid), Sl(key)), "batching a deletion"));
    TERN_RETURN_IF_ERROR(RollbackRecord(key.substr(prefix.size()), ordinal, &b));
    if (b.GetDataSize() >= kBatchBytes) {
      TERN_RETURN_IF_ERROR(WriteBulk(&b));
      b.Clear();
    }
  }
  TERN_RETURN_IF_ERROR(Err(it->status(), "scanning evidence entries"));
  return WriteBulk(&b);
}

}  // namespace tern
