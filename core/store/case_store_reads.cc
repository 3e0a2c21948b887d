// CaseStore reads: event lookups (scans: case_store_scan.cc), secondary indexes, counts,
// derived (analysis) records and the store's own checksum verification.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/codec.h"
#include "core/base/status_macros.h"
#include "core/model/codec.h"
#include "core/store/case_store.h"
#include "core/store/store_internal.h"
#include "rocksdb/cache.h"
#include "rocksdb/convenience.h"
#include "rocksdb/options.h"

namespace tern {

using store_internal::Av;
using store_internal::Cf;
using store_internal::Sl;
using store_internal::Sv;

absl::StatusOr<std::optional<Event>> CaseStore::Impl::GetEvent(std::string_view record_id) {
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> time, Get(store_internal::kIds, record_id));
  if (!time.has_value()) return std::optional<Event>();
  if (time->size() != 8) {
    return absl::DataLossError(
        absl::StrCat("case store at ", dir, ": malformed ids entry for ", Av(record_id)));
  }
  std::string key = *time;
  key.append(record_id);
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> value, Get(store_internal::kEvents, key));
  if (!value.has_value()) {
    return absl::DataLossError(absl::StrCat("case store at ", dir, ": record ", Av(record_id),
                                            " is indexed but its event is missing"));
  }
  TERN_ASSIGN_OR_RETURN(Event e, DecodeEventValue(*value, record_id));
  return std::optional<Event>(std::move(e));
}

std::string CaseStore::Impl::EventValue(const Event& e, std::string_view raw) const {
  if (!RawInEvents()) return EncodeEvent(e);
  return store_internal::EncodeEventValue(EncodeEvent(e), raw);
}

absl::StatusOr<Event> CaseStore::Impl::DecodeEventValue(std::string_view value,
                                                        std::string_view record_id) const {
  Event e;
  TERN_RETURN_IF_ERROR(DecodeEventValueInto(value, record_id, &e));
  return e;
}

absl::Status CaseStore::Impl::DecodeEventValueInto(std::string_view value,
                                                   std::string_view record_id, Event* event) const {
  std::string_view encoded = value;
  std::string_view raw;
  if (RawInEvents() && !store_internal::SplitEventValue(value, &encoded, &raw)) {
    return absl::DataLossError(
        absl::StrCat("case store at ", dir, ": event ", Av(record_id), ": malformed value"));
  }
  absl::Status status = DecodeEventInto(encoded, event);
  if (!status.ok()) {
    return absl::DataLossError(
        absl::StrCat("case store at ", dir, ": event ", Av(record_id), ": ", status.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> CaseStore::Impl::RawOf(std::string_view record_id,
                                                                  std::string_view value) {
  if (!RawInEvents()) return Get(store_internal::kRaw, record_id);
  std::string_view event;
  std::string_view raw;
  if (!store_internal::SplitEventValue(value, &event, &raw)) {
    return absl::DataLossError(
        absl::StrCat("case store at ", dir, ": event ", Av(record_id), ": malformed value"));
  }
  return std::optional<std::string>(std::string(raw));
}

absl::StatusOr<std::optional<std::string>> CaseStore::Impl::GetRaw(std::string_view record_id) {
  if (!RawInEvents()) return Get(store_internal::kRaw, record_id);
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> time, Get(store_internal::kIds, record_id));
  if (!time.has_value()) return std::optional<std::string>();
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> value,
                        Get(store_internal::kEvents, *time + std::string(record_id)));
  if (!value.has_value()) {
    return absl::DataLossError(absl::StrCat("case store at ", dir, ": record ", Av(record_id),
                                            " is indexed but its event is missing"));
  }
  return RawOf(record_id, *value);
}

absl::StatusOr<std::optional<Event>> CaseStore::GetEvent(std::string_view record_id) {
  return impl_->GetEvent(record_id);
}

absl::StatusOr<std::string> CaseStore::GetRaw(std::string_view record_id) {
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> raw, impl_->GetRaw(record_id));
  if (!raw.has_value()) {
    return absl::NotFoundError(absl::StrCat("no record ", Av(record_id), " in the case"));
  }
  return *std::move(raw);
}

absl::StatusOr<std::vector<CaseStore::Copy>> CaseStore::GetCopies(std::string_view record_id) {
  TERN_ASSIGN_OR_RETURN(const bool may_have_copies, impl_->MayHaveCopies(record_id));
  if (!may_have_copies) return std::vector<Copy>();
  TERN_ASSIGN_OR_RETURN(std::vector<store_internal::CopyEntry> entries,
                        impl_->ReadCopies(record_id));
  std::vector<Copy> out;
  out.reserve(entries.size());
  for (store_internal::CopyEntry& entry : entries) {
    Copy c;
    c.provenance = {entry.ordinal, entry.line, entry.value.record_index};
    c.raw = std::move(entry.value.raw);
    out.push_back(std::move(c));
  }
  return out;
}

absl::Status CaseStore::ScanIndex(StoreIndex index, std::string_view value, TimeMs from, TimeMs to,
                                  const std::function<bool(std::string_view, TimeMs)>& fn) {
  if (from >= to) return absl::OkStatus();
  const std::string prefix = store_internal::IndexPrefix(value);
  const std::string lower = prefix + store_internal::TimeKey(from);
  const std::string upper = prefix + store_internal::TimeKey(to);
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(ro, impl_->H(store_internal::IndexCf(index))));
  for (it->Seek(lower); it->Valid(); it->Next()) {
    const std::string_view key = Sv(it->key());
    // Bounds keep the scan inside the prefix; a shorter key means damage.
    if (key.size() < prefix.size() + 8) {
      return absl::DataLossError(
          absl::StrCat("case store at ", impl_->dir, ": malformed index key"));
    }
    const TimeMs time = TimeFromOrderPreserving(DecodeBigEndian64(key.data() + prefix.size()));
    if (!fn(key.substr(prefix.size() + 8), time)) break;
  }
  return impl_->Err(it->status(), "scanning an index");
}

absl::StatusOr<uint64_t> CaseStore::CountEvents() { return impl_->event_count.load(); }

absl::StatusOr<uint64_t> CaseStore::CountCopies() { return impl_->copy_count.load(); }

absl::Status CaseStore::WriteDerived(
    std::string_view kind, const std::vector<std::pair<std::string, std::string>>& entries,
    bool clear, bool until_commit) {
  Impl& impl = *impl_;
  if (kind.empty() || kind.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError("derived kind must be non-empty and free of NUL bytes");
  }
  const std::string prefix = store_internal::DerivedPrefix(kind);
  std::string end(kind);
  end.push_back('\x01');  // every key of `kind` sorts below kind + "\x01"
  rocksdb::ColumnFamilyHandle* h = impl.H(store_internal::kDerived);
  // The batch is sized once (a record is a tag, the family id and two
  // varint lengths: at most 16 bytes besides key and value). Grown by
  // doubling, a DerivedAppender's 4 MiB batch touched 1+2+4+8 MiB of fresh
  // pages, each a page fault once the allocator returns freed memory at
  // once (tools/tern_main.cc).
  size_t bytes = 12 + (clear ? 16 + prefix.size() + end.size() : 0);
  for (const auto& [key, value] : entries) bytes += 16 + prefix.size() + key.size() + value.size();
  rocksdb::WriteBatch b(bytes);
  rocksdb::Status s;
  if (clear) s = b.DeleteRange(h, prefix, end);
  for (size_t i = 0; s.ok() && i < entries.size(); ++i) {
    const rocksdb::Slice key_parts[2] = {prefix, entries[i].first};
    const rocksdb::Slice value(entries[i].second);
    s = b.Put(h, rocksdb::SliceParts(key_parts, 2), rocksdb::SliceParts(&value, 1));
  }
  TERN_RETURN_IF_ERROR(impl.Err(s, "writing derived data"));
  return impl.WriteSmall(&b, until_commit);
}

absl::Status CaseStore::ReplaceDerived(
    std::string_view kind, const std::vector<std::pair<std::string, std::string>>& entries) {
  return WriteDerived(kind, entries, /*clear=*/true, /*until_commit=*/false);
}

absl::Status CaseStore::ClearDerived(std::string_view kind) {
  return WriteDerived(kind, {}, /*clear=*/true, /*until_commit=*/false);
}

absl::Status CaseStore::AppendDerived(
    std::string_view kind, const std::vector<std::pair<std::string, std::string>>& entries) {
  // Without the WAL: an analysis appends hundreds of batches, each was a
  // synced WAL write, and after a crash the analysis reruns anyway (its
  // state key still says running).
  return WriteDerived(kind, entries, /*clear=*/false, /*until_commit=*/true);
}

absl::Status CaseStore::DropDerived() {
  Impl& impl = *impl_;
  TERN_RETURN_IF_ERROR(impl.RequireWritable());
  rocksdb::ColumnFamilyHandle* h = impl.H(store_internal::kDerived);
  std::string end;
  {
    std::unique_ptr<rocksdb::Iterator> it(impl.db->NewIterator(rocksdb::ReadOptions(), h));
    it->SeekToLast();
    TERN_RETURN_IF_ERROR(impl.Err(it->status(), "reading derived data"));
    if (!it->Valid()) return absl::OkStatus();
    end = it->key().ToString();
    end.push_back('\0');  // just past the last key
  }
  // The range delete removes what is in memtables and flushed but not yet
  // compacted files; the files wholly in range go without being read.
  rocksdb::WriteBatch b;
  TERN_RETURN_IF_ERROR(impl.Err(b.DeleteRange(h, "", end), "removing derived data"));
  TERN_RETURN_IF_ERROR(impl.WriteSmall(&b));
  return impl.Err(rocksdb::DeleteFilesInRange(impl.db, h, nullptr, nullptr),
                  "removing derived data");
}

absl::Status CaseStore::CompactDerived() {
  TERN_RETURN_IF_ERROR(impl_->RequireWritable());
  rocksdb::CompactRangeOptions o;
  // Into the bottom level, rewriting what an earlier analysis left there
  // (range-deleted by this one) but not the files this call just wrote.
  o.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  o.exclusive_manual_compaction = true;
  const rocksdb::Status s =
      impl_->db->CompactRange(o, impl_->H(store_internal::kDerived), nullptr, nullptr);
  return impl_->Err(s, "compacting derived data");
}

absl::Status CaseStore::ScanDerived(
    std::string_view kind, const std::function<bool(std::string_view, std::string_view)>& fn) {
  return ScanDerivedFrom(kind, "", fn);
}

absl::Status CaseStore::ScanDerivedFrom(
    std::string_view kind, std::string_view from_key,
    const std::function<bool(std::string_view, std::string_view)>& fn) {
  const std::string prefix = store_internal::DerivedPrefix(kind);
  std::string end(kind);
  end.push_back('\x01');
  const rocksdb::Slice upper_slice(end);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  ro.fill_cache = false;  // as in ScanEvents
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(ro, impl_->H(store_internal::kDerived)));
  for (it->Seek(prefix + std::string(from_key)); it->Valid(); it->Next()) {
    if (!fn(Sv(it->key()).substr(prefix.size()), Sv(it->value()))) break;
  }
  return impl_->Err(it->status(), "scanning derived data");
}

size_t CaseStore::SetBlockCacheCapacity(size_t bytes) {
  const size_t old = impl_->cache->GetCapacity();
  impl_->cache->SetCapacity(bytes);
  return old;
}

size_t CaseStore::BlockCacheCapacity() const { return impl_->cache->GetCapacity(); }

size_t CaseStore::BlockCacheUsage() const { return impl_->cache->GetUsage(); }

absl::Status CaseStore::VerifyChecksums() {
  return impl_->Err(impl_->db->VerifyChecksum(), "verifying checksums");
}

}  // namespace tern
