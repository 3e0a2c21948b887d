// Key layouts, copy values and the rocksdb::Status adapter of the case store.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/base/codec.h"
#include "core/store/store_internal.h"

namespace tern::store_internal {
namespace {

constexpr uint64_t kCopyValueFormat = 1;

void AppendEscaped(std::string_view value, std::string* out) {
  for (char c : value) {
    if (c == '\0') {
      out->append("\x01\x01", 2);
    } else if (c == '\x01') {
      out->append("\x01\x02", 2);
    } else {
      out->push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
  }
}

}  // namespace

Cf IndexCf(StoreIndex index) {
  switch (index) {
    case StoreIndex::kMailbox:
      return kIdxMailbox;
    case StoreIndex::kIp:
      return kIdxIp;
    case StoreIndex::kActor:
      return kIdxActor;
    case StoreIndex::kOperation:
      return kIdxOperation;
  }
  return kIdxOperation;  // unreachable for valid enumerators
}

bool IsReservedMetaKey(std::string_view key) {
  return key == kMetaSchemaVersion || key == kMetaEventCount || key == kMetaCopyCount ||
         key == kMetaNextOrdinal || key == kMetaSyntheticSeen;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string TimeKey(TimeMs time) {
  std::string key;
  PutBigEndian64(OrderPreservingTime(time), &key);
  return key;
}

std::string EventKey(TimeMs time, std::string_view record_id) {
  std::string key = TimeKey(time);
  key.append(record_id);
  return key;
}

std::string ByEvidKey(uint32_t ordinal, std::string_view record_id) {
  std::string key;
  PutBigEndian32(ordinal, &key);
  key.append(record_id);
  return key;
}

std::string CopyKey(std::string_view record_id, uint32_t ordinal, uint64_t line) {
  std::string key(record_id);
  PutBigEndian32(ordinal, &key);
  PutBigEndian64(line, &key);
  return key;
}

std::string IndexPrefix(std::string_view value) {
  std::string key;
  key.reserve(value.size() + 1);
  AppendEscaped(value, &key);
  key.push_back('\0');
  return key;
}

std::string IndexKey(std::string_view value, TimeMs time, std::string_view record_id) {
  std::string key = IndexPrefix(value);
  PutBigEndian64(OrderPreservingTime(time), &key);
  key.append(record_id);
  return key;
}

std::string EvidenceKey(uint32_t ordinal) {
  std::string key;
  PutBigEndian32(ordinal, &key);
  return key;
}

std::string DerivedPrefix(std::string_view kind) {
  std::string key(kind);
  key.push_back('\0');
  return key;
}

std::string EncodeEventValue(std::string_view event, std::string_view raw) {
  std::string out;
  out.reserve(event.size() + raw.size() + 5);
  PutLengthPrefixed(event, &out);
  out.append(raw);
  return out;
}

bool SplitEventValue(std::string_view value, std::string_view* event, std::string_view* raw) {
  Decoder d(value);
  if (!d.GetLengthPrefixed(event)) return false;
  *raw = value.substr(static_cast<size_t>(event->data() + event->size() - value.data()));
  return true;
}

std::string EncodeCopyValue(const CopyValue& v) {
  std::string out;
  PutVarint64(kCopyValueFormat, &out);
  PutVarint64(v.record_index, &out);
  PutLengthPrefixed(v.raw, &out);
  PutLengthPrefixed(v.event, &out);
  return out;
}

absl::StatusOr<CopyValue> DecodeCopyValue(std::string_view bytes) {
  Decoder d(bytes);
  CopyValue v;
  uint64_t format = 0;
  if (d.GetVarint64(&format) && format == kCopyValueFormat && d.GetVarint64(&v.record_index) &&
      d.GetString(&v.raw) && d.GetString(&v.event) && d.done()) {
    return v;
  }
  return absl::DataLossError("malformed copy entry in the case store");
}

std::vector<std::string> FingerprintPrefixes(const Event& e) {
  std::vector<std::string> out;
  if ((e.flags & kFlagNoTime) != 0 || e.operation.empty()) return out;
  // Floor, not truncation toward zero, so that every millisecond of a second
  // (also before 1970) lands on the same key.
  TimeMs second = e.time_ms / 1000;
  if (e.time_ms % 1000 < 0) --second;
  std::string rest;
  rest.push_back('\0');
  AppendEscaped(e.operation, &rest);
  rest.push_back('\0');
  PutBigEndian64(OrderPreservingTime(second), &rest);
  AppendEscaped(e.client_ip, &rest);
  rest.push_back('\0');
  for (const auto& [kind, mailbox] : {std::pair<char, const std::string*>{'g', &e.mailbox_guid},
                                      std::pair<char, const std::string*>{'u', &e.mailbox_upn}}) {
    if (mailbox->empty()) continue;
    std::string key(1, kind);
    AppendEscaped(*mailbox, &key);
    key.append(rest);
    out.push_back(std::move(key));
  }
  return out;
}

std::string EncodeFingerprint(const FingerprintValue& v) {
  std::string out(1, static_cast<char>((v.synthetic ? 1 : 0) | (v.has_guid ? 2 : 0)));
  out.append(v.owner);
  return out;
}

absl::StatusOr<FingerprintValue> DecodeFingerprint(std::string_view bytes) {
  if (bytes.empty() || (static_cast<unsigned char>(bytes[0]) & ~3u) != 0) {
    return absl::DataLossError("malformed fingerprint entry in the case store");
  }
  FingerprintValue v;
  v.synthetic = (bytes[0] & 1) != 0;
  v.has_guid = (bytes[0] & 2) != 0;
  v.owner = std::string(bytes.substr(1));
  if (!v.synthetic && !v.owner.empty()) {
    return absl::DataLossError("malformed fingerprint entry in the case store");
  }
  return v;
}

absl::Status FromRocks(const rocksdb::Status& s, std::string_view dir, std::string_view op) {
  if (s.ok()) return absl::OkStatus();
  const std::string detail =
      absl::StrCat("case store at ", Av(dir), ": ", Av(op), ": ", s.ToString());
  // RocksDB reports its LOCK file held by another process (or by another
  // open in this one) as an I/O error or Busy; either way the case is taken.
  const std::string text = s.ToString();
  if (s.IsBusy() ||
      (s.IsIOError() && (absl::StrContains(text, "/LOCK") || absl::StrContains(text, "lock hold") ||
                         absl::StrContains(text, "lock held")))) {
    return absl::FailedPreconditionError(
        absl::StrCat("case is in use by another tern process (", Av(dir),
                     "/LOCK is held); wait for it to finish: ", text));
  }
  switch (s.code()) {
    case rocksdb::Status::kCorruption:
      return absl::DataLossError(detail);
    case rocksdb::Status::kNotFound:
      return absl::NotFoundError(detail);
    case rocksdb::Status::kInvalidArgument:
      return absl::InvalidArgumentError(detail);
    case rocksdb::Status::kNotSupported:
      return absl::UnimplementedError(detail);
    case rocksdb::Status::kIOError:
      if (s.subcode() == rocksdb::Status::kNoSpace) return absl::ResourceExhaustedError(detail);
      if (s.subcode() == rocksdb::Status::kPathNotFound) return absl::NotFoundError(detail);
      return absl::UnavailableError(detail);
    case rocksdb::Status::kTimedOut:
    case rocksdb::Status::kTryAgain:
      return absl::UnavailableError(detail);
    case rocksdb::Status::kAborted:
    case rocksdb::Status::kShutdownInProgress:
    case rocksdb::Status::kIncomplete:
      return absl::AbortedError(detail);
    default:
      return absl::InternalError(detail);
  }
}

}  // namespace tern::store_internal
