#include "core/detect/incident_sources.h"

#include <limits>
#include <set>
#include <string_view>
#include <utility>

#include "core/base/codec.h"
#include "core/base/status_macros.h"
#include "core/correlate/sessionizer.h"
#include "core/correlate/signin.h"
#include "core/correlate/text.h"

namespace tern::detect {
namespace {

constexpr char kDirectoryTag = 'd';
constexpr char kSessionTag = 's';

// be64(time, order-preserving) + record id: entries sort as the events do.
void AppendEventRef(const Event& e, std::string* key) {
  PutBigEndian64(OrderPreservingTime(e.time_ms), key);
  key->append(e.record_id);
}

bool ParseEventRef(std::string_view bytes, CaseStore::EventRef* ref) {
  if (bytes.size() < 8) return false;
  ref->time = TimeFromOrderPreserving(DecodeBigEndian64(bytes.data()));
  ref->record_id = std::string(bytes.substr(8));
  return true;
}

std::string SessionPrefix(uint32_t hash) {
  std::string prefix(1, kSessionTag);
  PutBigEndian32(hash, &prefix);
  return prefix;
}

}  // namespace

IncidentSessions IncidentSessionsOf(const Event& e) {
  return {correlate::SignInSessionOf(e), correlate::Lower(correlate::Trim(e.session_id))};
}

template <typename Fn>
void IncidentSources::ForEachSessionHash(const Event& e, Fn fn) {
  const IncidentSessions s = IncidentSessionsOf(e);
  for (const std::string* id : {&s.sign_in, &s.exchange}) {
    if (id->empty()) continue;
    const uint64_t h = correlate::Fnv1a64(*id);
    fn(static_cast<uint32_t>(h ^ (h >> 32)));
  }
}

void IncidentSources::Observe(const Event& e, uint32_t ip_id) {
  if (gave_up_) return;
  ForEachSessionHash(e, [&](uint32_t hash) {
    if (gave_up_) return;  // the event's first id filled the table
    auto it = first_ip_.find(hash);
    if (it == first_ip_.end()) {
      if (first_ip_.size() >= max_session_ids_) {
        gave_up_ = true;
        absl::flat_hash_map<uint32_t, uint32_t>().swap(first_ip_);
        return;
      }
      first_ip_.emplace(hash, ip_id);
    } else if (it->second != ip_id) {
      it->second = kSeveral;
    }
  });
}

void IncidentSources::Freeze() {
  for (const auto& [hash, ip] : first_ip_) {
    if (ip == kSeveral) roaming_.insert(hash);
  }
  absl::flat_hash_map<uint32_t, uint32_t>().swap(first_ip_);
}

void IncidentSources::Index(const Event& e, DerivedAppender& out) const {
  if (gave_up_) return;
  if (e.record_type == kDirectoryRecordType) {
    std::string key(1, kDirectoryTag);
    AppendEventRef(e, &key);
    out.Add(std::move(key), "");
  }
  if (roaming_.empty()) return;
  ForEachSessionHash(e, [&](uint32_t hash) {
    if (!roaming_.contains(hash)) return;
    std::string key = SessionPrefix(hash);
    AppendEventRef(e, &key);
    out.Add(std::move(key), "");
  });
}

absl::StatusOr<std::optional<std::vector<CaseStore::EventRef>>> IncidentSources::Gather(
    CaseStore& store, const std::vector<std::string>& attacker_ips, size_t max_refs) const {
  if (gave_up_) return std::nullopt;
  std::vector<CaseStore::EventRef> refs;
  bool too_many = false;
  auto add = [&](CaseStore::EventRef ref) {
    if (refs.size() >= max_refs) {
      too_many = true;
      return false;
    }
    refs.push_back(std::move(ref));
    return true;
  };
  // Every entry of the derived kind under `prefix`.
  auto add_entries = [&](const std::string& prefix) -> absl::Status {
    absl::Status malformed;
    TERN_RETURN_IF_ERROR(store.ScanDerivedFrom(
        kIncidentSourcesKind, prefix, [&](std::string_view key, std::string_view) {
          if (!key.starts_with(prefix)) return false;
          CaseStore::EventRef ref;
          if (!ParseEventRef(key.substr(prefix.size()), &ref)) {
            malformed = absl::DataLossError("malformed incident_sources entry in the case store");
            return false;
          }
          return add(std::move(ref));
        }));
    return malformed;
  };

  for (const std::string& ip : attacker_ips) {
    TERN_RETURN_IF_ERROR(store.ScanIndex(StoreIndex::kIp, ip, std::numeric_limits<TimeMs>::min(),
                                         std::numeric_limits<TimeMs>::max(),
                                         [&](std::string_view id, TimeMs time) {
                                           return add({time, std::string(id)});
                                         }));
    if (too_many) return std::nullopt;
  }
  // The roaming sessions the attacker's events carry, in hash order.
  std::set<uint32_t> sessions;
  if (!roaming_.empty() && !refs.empty()) {
    TERN_RETURN_IF_ERROR(store.VisitEvents(refs, [&](const Event& e) {
      ForEachSessionHash(e, [&](uint32_t hash) {
        if (roaming_.contains(hash)) sessions.insert(hash);
      });
      return true;
    }));
  }
  for (uint32_t hash : sessions) {
    TERN_RETURN_IF_ERROR(add_entries(SessionPrefix(hash)));
    if (too_many) return std::nullopt;
  }
  TERN_RETURN_IF_ERROR(add_entries(std::string(1, kDirectoryTag)));
  if (too_many) return std::nullopt;
  return refs;
}

}  // namespace tern::detect
