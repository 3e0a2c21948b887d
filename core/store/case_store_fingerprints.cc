// CaseStore cross-format de-duplication: Search-MailboxAuditLog rows (no
// record id of their own; the ingester gives them a content id and
// kFlagSyntheticId) are matched to the UAL record of the same mailbox,
// operation, second and client IP through the `fingerprints` family.
//
// The rows with one content id form a group. A group is either stored as its
// own event (owner "") or "absorbed": every row is a copy of its owner, the
// smallest matching UAL record id in the case. Keeping the owner the
// smallest id (rather than the first one seen) is what makes the outcome
// independent of the order in which exports are added or rolled back:
//   - a row arriving after a matching UAL record is a copy of it at once;
//   - a UAL record arriving after rows it matches takes them over (from
//     their own event, or from a larger-id owner);
//   - a UAL record rolled back hands its rows to the next matching record,
//     or stores them as their own event again (Rehome).
// Absorbed copies always carry their own bytes and normalized event (with
// their own content id), which is how rollback tells them from copies of the
// same record.
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
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
using store_internal::FingerprintValue;
using store_internal::Sl;
using store_internal::Sv;

namespace {

absl::StatusOr<Event> DecodeRow(const std::string& dir, const CopyEntry& row) {
  absl::StatusOr<Event> e = DecodeEvent(row.value.event);
  if (!e.ok()) {
    return absl::DataLossError(
        absl::StrCat("case store at ", dir, ": copy entry: ", e.status().message()));
  }
  return e;
}

}  // namespace

absl::Status CaseStore::Impl::ScanFingerprints(const std::vector<std::string>& prefixes,
                                               const FingerprintFn& fn) {
  for (const std::string& prefix : prefixes) {
    std::unique_ptr<rocksdb::Iterator> it(
        db->NewIterator(rocksdb::ReadOptions(), H(store_internal::kFingerprints)));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      const std::string_view key = Sv(it->key());
      if (key.substr(0, prefix.size()) != prefix) break;
      absl::StatusOr<FingerprintValue> v = store_internal::DecodeFingerprint(Sv(it->value()));
      if (!v.ok()) {
        return absl::DataLossError(absl::StrCat("case store at ", dir, ": ", v.status().message()));
      }
      fn(prefix[0], key.substr(prefix.size()), *v);
    }
    TERN_RETURN_IF_ERROR(Err(it->status(), "scanning fingerprints"));
  }
  return absl::OkStatus();
}

absl::Status CaseStore::Impl::PutRow(const std::string& owner, const CopyEntry& row,
                                     rocksdb::WriteBatch* b, KeySet* keys) {
  const std::string key = store_internal::CopyKey(owner, row.ordinal, row.line);
  bool exists = !keys->insert(key).second;
  if (!exists) {
    TERN_ASSIGN_OR_RETURN(std::optional<std::string> there, Get(store_internal::kCopies, key));
    exists = there.has_value();
  }
  if (!exists) ++copy_count;
  rocksdb::Status s =
      b->Put(H(store_internal::kCopies), key, store_internal::EncodeCopyValue(row.value));
  if (s.ok()) {
    s = b->Put(H(store_internal::kByEvid), store_internal::ByEvidKey(row.ordinal, owner),
               rocksdb::Slice());
  }
  return Err(s, "batching an absorbed row");
}

absl::Status CaseStore::Impl::Absorb(const std::string& sid, const std::string& owner,
                                     rocksdb::WriteBatch* b, KeySet* keys) {
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> time, Get(store_internal::kIds, sid));
  std::optional<std::string> encoded, raw;
  if (time.has_value()) {
    TERN_ASSIGN_OR_RETURN(encoded, Get(store_internal::kEvents, *time + sid));
    if (encoded.has_value()) {
      TERN_ASSIGN_OR_RETURN(raw, RawOf(sid, *encoded));
    }
  }
  if (!encoded.has_value() || !raw.has_value()) {
    return absl::DataLossError(absl::StrCat("case store at ", dir, ": record ", Av(sid),
                                            " has a fingerprint but no stored event"));
  }
  absl::StatusOr<Event> stored = DecodeEventValue(*encoded, sid);
  if (!stored.ok()) return stored.status();
  TERN_RETURN_IF_ERROR(DeleteStored(*stored, b));
  TERN_RETURN_IF_ERROR(PutFingerprints(*stored, owner, b));
  --event_count;
  --stored_changes[stored->provenance.evidence];

  std::vector<CopyEntry> rows(1);
  rows[0].ordinal = stored->provenance.evidence;
  rows[0].line = stored->provenance.line;
  rows[0].value = {stored->provenance.record_index, *raw, EncodeEvent(*stored)};
  TERN_ASSIGN_OR_RETURN(std::vector<CopyEntry> copies, ReadCopies(sid));
  for (CopyEntry& c : copies) {
    TERN_RETURN_IF_ERROR(Err(b->Delete(H(store_internal::kCopies), c.key), "batching a deletion"));
    --copy_count;
    // Same bytes as the stored row: an absorbed copy must carry its own.
    if (c.value.raw.empty()) c.value.raw = *raw;
    if (c.value.event.empty()) {
      Event e = *stored;
      e.provenance = {c.ordinal, c.line, c.value.record_index};
      c.value.event = EncodeEvent(e);
    }
    rows.push_back(std::move(c));
  }
  for (const CopyEntry& row : rows) {
    TERN_RETURN_IF_ERROR(
        Err(b->Delete(H(store_internal::kByEvid), store_internal::ByEvidKey(row.ordinal, sid)),
            "batching a deletion"));
  }
  for (const CopyEntry& row : rows) TERN_RETURN_IF_ERROR(PutRow(owner, row, b, keys));
  return absl::OkStatus();
}

absl::Status CaseStore::Impl::MoveRows(const std::string& old_owner,
                                       const std::set<std::string>& sids, const std::string& owner,
                                       rocksdb::WriteBatch* b, KeySet* keys) {
  TERN_ASSIGN_OR_RETURN(std::vector<CopyEntry> copies, ReadCopies(old_owner));
  for (const CopyEntry& c : copies) {
    if (c.value.event.empty()) continue;
    TERN_ASSIGN_OR_RETURN(Event row, DecodeRow(dir, c));
    if (sids.count(row.record_id) == 0) continue;
    TERN_RETURN_IF_ERROR(Err(b->Delete(H(store_internal::kCopies), c.key), "batching a deletion"));
    --copy_count;
    TERN_RETURN_IF_ERROR(PutRow(owner, c, b, keys));
    TERN_RETURN_IF_ERROR(PutFingerprints(row, owner, b));
  }
  return absl::OkStatus();
}

absl::Status CaseStore::Impl::PutFingerprints(const Event& e, std::string_view owner,
                                              rocksdb::WriteBatch* b) {
  FingerprintValue v;
  v.synthetic = (e.flags & kFlagSyntheticId) != 0;
  v.has_guid = !e.mailbox_guid.empty();
  v.owner = std::string(owner);
  const std::string value = store_internal::EncodeFingerprint(v);
  for (const std::string& prefix : store_internal::FingerprintPrefixes(e)) {
    rocksdb::Status s = b->Put(H(store_internal::kFingerprints), prefix + e.record_id, value);
    if (s.ok() && v.synthetic) {
      synthetic_seen = true;
      synthetic_prefixes.insert(prefix);
      std::string size;
      PutBigEndian32(static_cast<uint32_t>(prefix.size()), &size);
      s = b->Put(H(store_internal::kFingerprints), "s" + prefix + e.record_id, size);
    }
    TERN_RETURN_IF_ERROR(Err(s, "batching a fingerprint"));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> CaseStore::Impl::MayHoldRows(const std::vector<std::string>& prefixes) {
  if (!synthetic_prefixes_loaded) {
    // What the batch holds is in the set already; add what the database has.
    std::unique_ptr<rocksdb::Iterator> it(
        db->NewIterator(rocksdb::ReadOptions(), H(store_internal::kFingerprints)));
    for (it->Seek("s"); it->Valid(); it->Next()) {
      const std::string_view key = Sv(it->key());
      if (key[0] != 's') break;
      const std::string_view value = Sv(it->value());
      const size_t size = value.size() == 4 ? DecodeBigEndian32(value.data()) : 0;
      if (size == 0 || size >= key.size()) {
        return absl::DataLossError(
            absl::StrCat("case store at ", dir, ": malformed fingerprint entry"));
      }
      synthetic_prefixes.insert(std::string(key.substr(1, size)));
    }
    TERN_RETURN_IF_ERROR(Err(it->status(), "reading fingerprints"));
    synthetic_prefixes_loaded = true;
  }
  for (const std::string& p : prefixes) {
    if (synthetic_prefixes.contains(p)) return true;
  }
  return false;
}

absl::Status CaseStore::Impl::DeleteFingerprints(const Event& e, rocksdb::WriteBatch* b) {
  const bool synthetic = (e.flags & kFlagSyntheticId) != 0;
  for (const std::string& prefix : store_internal::FingerprintPrefixes(e)) {
    rocksdb::Status s = b->Delete(H(store_internal::kFingerprints), prefix + e.record_id);
    if (s.ok() && synthetic) {
      s = b->Delete(H(store_internal::kFingerprints), "s" + prefix + e.record_id);
    }
    TERN_RETURN_IF_ERROR(Err(s, "batching a deletion"));
  }
  return absl::OkStatus();
}

absl::Status CaseStore::Impl::WritePendingIfFiled(const std::vector<std::string>& prefixes) {
  for (const std::string& p : prefixes) {
    if (pending_fps.contains(p)) return WritePending();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> CaseStore::Impl::FindOwner(const Event& e,
                                                       const std::vector<std::string>& prefixes) {
  const bool has_guid = !e.mailbox_guid.empty();
  std::string owner;
  TERN_RETURN_IF_ERROR(
      ScanFingerprints(prefixes, [&](char kind, std::string_view id, const FingerprintValue& v) {
        if (v.synthetic || !store_internal::FingerprintsMatch(kind, has_guid, v.has_guid)) return;
        if (owner.empty() || id < owner) owner = std::string(id);
      }));
  return owner;
}

absl::StatusOr<CaseStore::AddOutcome> CaseStore::Impl::AddAbsorbed(
    const Event& e, std::string_view raw, const std::string& owner,
    const std::vector<std::string>& prefixes) {
  // The existence check below reads the database; the owner's copies may sit
  // in the batch.
  if (pending_ids.contains(owner)) TERN_RETURN_IF_ERROR(WritePending());
  TERN_RETURN_IF_ERROR(PutFingerprints(e, owner, &pending));
  // A row and a UAL record never share their bytes: the copy keeps both.
  TERN_RETURN_IF_ERROR(BatchCopy(e, raw, owner, /*with_content=*/true));
  pending_ids.insert(e.record_id);
  for (const std::string& p : prefixes) pending_fps.insert(p);
  TERN_RETURN_IF_ERROR(MaybeWritePending());
  return AddOutcome::kDuplicate;
}

absl::StatusOr<bool> CaseStore::Impl::StoreAndClaim(const Event& e, std::string_view raw,
                                                    const std::vector<std::string>& prefixes) {
  const bool has_guid = !e.mailbox_guid.empty();
  std::map<std::string, std::string> claims;  // group id -> its current owner
  TERN_RETURN_IF_ERROR(
      ScanFingerprints(prefixes, [&](char kind, std::string_view id, const FingerprintValue& v) {
        if (!v.synthetic || !store_internal::FingerprintsMatch(kind, has_guid, v.has_guid)) return;
        if (v.owner.empty() || v.owner > e.record_id) claims.emplace(id, v.owner);
      }));
  if (claims.empty()) return false;

  // Rare: written on its own, after everything pending, so the reads below
  // see the whole case.
  TERN_RETURN_IF_ERROR(WritePending());
  rocksdb::WriteBatch b;
  TERN_RETURN_IF_ERROR(PutStored(e, raw, &b));
  ++event_count;
  KeySet keys;
  std::map<std::string, std::set<std::string>> moves;  // old owner -> group ids
  for (const auto& [sid, owner] : claims) {
    if (owner.empty()) {
      TERN_RETURN_IF_ERROR(Absorb(sid, e.record_id, &b, &keys));
    } else {
      moves[owner].insert(sid);
    }
  }
  for (const auto& [old_owner, sids] : moves) {
    TERN_RETURN_IF_ERROR(MoveRows(old_owner, sids, e.record_id, &b, &keys));
  }
  TERN_RETURN_IF_ERROR(WriteBulk(&b));
  return true;
}

absl::Status CaseStore::Impl::Rehome(std::vector<CopyEntry> rows) {
  // Rows by group, each group in (ordinal, line) order.
  std::map<std::string, std::vector<std::pair<CopyEntry, Event>>> groups;
  for (CopyEntry& row : rows) {
    TERN_ASSIGN_OR_RETURN(Event e, DecodeRow(dir, row));
    std::string sid = e.record_id;
    groups[sid].emplace_back(std::move(row), std::move(e));
  }
  rocksdb::WriteBatch b;
  KeySet keys;
  for (auto& [sid, members] : groups) {
    std::sort(members.begin(), members.end(), [](const auto& x, const auto& y) {
      return std::make_pair(x.first.ordinal, x.first.line) <
             std::make_pair(y.first.ordinal, y.first.line);
    });
    const Event& first = members.front().second;
    TERN_ASSIGN_OR_RETURN(std::string owner,
                          FindOwner(first, store_internal::FingerprintPrefixes(first)));
    if (!owner.empty()) {
      for (const auto& [row, e] : members) TERN_RETURN_IF_ERROR(PutRow(owner, row, &b, &keys));
      TERN_RETURN_IF_ERROR(PutFingerprints(first, owner, &b));
      continue;
    }
    // No UAL record matches any more: the rows are their own event again,
    // stored from the earliest of them (as if the others came later).
    const CopyEntry& top = members.front().first;
    Event stored = first;
    stored.provenance = {top.ordinal, top.line, top.value.record_index};
    TERN_RETURN_IF_ERROR(PutStored(stored, top.value.raw, &b));
    ++event_count;
    ++stored_changes[top.ordinal];
    for (size_t i = 1; i < members.size(); ++i) {
      CopyEntry row = members[i].first;
      if (row.value.raw == top.value.raw) {
        row.value.raw.clear();
        row.value.event.clear();
      }
      TERN_RETURN_IF_ERROR(PutRow(sid, row, &b, &keys));
    }
  }
  return WriteBulk(&b);
}

absl::Status CaseStore::Impl::BackfillFingerprints() {
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions(), H(store_internal::kEvents)));
  rocksdb::WriteBatch b;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    TERN_ASSIGN_OR_RETURN(Event e, DecodeEventValue(Sv(it->value()), Sv(it->key()).substr(8)));
    TERN_RETURN_IF_ERROR(PutFingerprints(e, "", &b));
    if (b.GetDataSize() >= (size_t{8} << 20)) {
      TERN_RETURN_IF_ERROR(WriteBulk(&b));
      b.Clear();
    }
  }
  TERN_RETURN_IF_ERROR(Err(it->status(), "reading events"));
  TERN_RETURN_IF_ERROR(WriteBulk(&b));
  return Commit();
}

}  // namespace tern
