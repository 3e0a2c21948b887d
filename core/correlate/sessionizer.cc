#include "core/correlate/sessionizer.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "core/correlate/text.h"

namespace tern::correlate {
namespace {

constexpr char kSep = '\x1f';

// Adds `value` to a sorted set capped at `cap`, dropping the largest.
void InsertCapped(std::set<std::string>& set, std::string_view value, size_t cap) {
  if (value.empty()) return;
  set.emplace(value);
  if (set.size() > cap) set.erase(std::prev(set.end()));
}

// Mail items the record touched: its items, else the aggregated count.
uint64_t ItemsTouched(const Event& e) {
  if (!e.items.empty()) return e.items.size();
  const NameValue* count = Event::Find(e.extra, "OperationCount");
  uint64_t n = 0;
  if (count != nullptr && absl::SimpleAtoi(count->value, &n)) return n;
  return 0;
}

}  // namespace

uint64_t Fnv1a64(std::string_view data, uint64_t h) {
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string MakeSessionId(std::string_view mailbox_key, std::string_view ip, std::string_view actor,
                          std::string_view record_session, TimeMs start, int salt) {
  const std::string_view sep(&kSep, 1);
  std::string text = Cat(mailbox_key, sep, ip, sep, actor, sep, record_session, sep, start, sep);
  if (salt > 0) text += Cat(salt, sep);
  return SessionIdText(Fnv1a64(text) >> 16);
}

std::optional<uint64_t> SessionIdValue(std::string_view id) {
  if (id.size() != 14 || id.substr(0, 2) != "S-") return std::nullopt;
  uint64_t value = 0;
  for (const char c : id.substr(2)) {
    const bool digit = c >= '0' && c <= '9';
    if (!digit && !(c >= 'a' && c <= 'f')) return std::nullopt;
    value = value << 4 | static_cast<uint64_t>(digit ? c - '0' : c - 'a' + 10);
  }
  return value;
}

std::string SessionIdText(uint64_t value) {
  return absl::StrFormat("S-%012x", value & ((uint64_t{1} << 48) - 1));
}

Sessionizer::Sessionizer(int64_t gap_ms, IpCatalog ips)
    : gap_ms_(gap_ms > 0 ? gap_ms : 1),
      ips_(std::move(ips)),
      first_mailbox_(ips_.size(), kNoMailbox) {}

void Sessionizer::Advance(TimeMs now, const ClosedFn& closed) {
  while (!by_last_.empty() && by_last_.begin()->first < now - gap_ms_) {
    const std::string key = *by_last_.begin()->second;
    Close(key, closed);
  }
}

const std::string& RecordSessionId(const Event& e) {
  return !e.session_id.empty() ? e.session_id : e.aad_session_id;
}

std::string SessionGroupKey(std::string_view mailbox_key, std::string_view ip,
                            std::string_view actor, std::string_view record_session) {
  const std::string_view sep(&kSep, 1);
  return Cat(mailbox_key, sep, ip, sep, actor, sep, record_session);
}

void Sessionizer::Close(const std::string& key, const ClosedFn& closed) {
  auto it = open_.find(key);
  if (it == open_.end()) return;
  Open& o = it->second;
  by_last_.erase({o.session.end, &it->first});
  Session s = std::move(o.session);
  s.operations.assign(o.operations.begin(), o.operations.end());
  std::sort(s.operations.begin(), s.operations.end());
  s.logon_types.assign(o.logon_types.begin(), o.logon_types.end());
  s.client_infos.assign(o.client_infos.begin(), o.client_infos.end());
  s.folders.assign(o.folders.begin(), o.folders.end());
  open_.erase(it);
  closed(std::move(s));
}

Sessionizer::Assignment Sessionizer::Add(const Event& e, const MailboxRef& mailbox,
                                         std::string_view actor, const GeoInfo& geo) {
  const std::string& record_session = RecordSessionId(e);
  const std::string key = SessionGroupKey(mailbox.key(), e.client_ip, actor, record_session);

  Assignment out;
  if (!e.client_ip.empty()) {
    const uint32_t mailbox_id = mailbox_ids_.Intern(mailbox.key());
    const uint32_t ip_id = ips_.FindOrAdd(e.client_ip, e.time_ms);
    out.ip_first_seen = PairFirstSeen(mailbox_id, ip_id, e.time_ms, &out.event_first_seen_ip);
  }

  auto it = open_.find(key);
  if (it == open_.end()) {
    Open o;
    Session& s = o.session;
    s.mailbox_guid = mailbox.guid;
    s.mailbox_upn = mailbox.upn;
    s.actor = std::string(actor);
    s.client_ip = e.client_ip;
    s.session_id = record_session;
    s.start = e.time_ms;
    s.end = e.time_ms;
    s.first_seen_ip = out.event_first_seen_ip;
    s.geo = geo;
    // Two sessions never share an id: one whose first 8 hex digits an
    // earlier id had (a collision, or about n / 2^32 of the others; see
    // IdPrefixSet) is made again with a salt.
    for (int salt = 0;; ++salt) {
      s.id = MakeSessionId(mailbox.key(), e.client_ip, actor, record_session, e.time_ms, salt);
      if (ids_.Insert(*SessionIdValue(s.id))) break;
    }
    ++opened_;
    it = open_.emplace(key, std::move(o)).first;
    by_last_.emplace(e.time_ms, &it->first);
  } else {
    by_last_.erase({it->second.session.end, &it->first});
    it->second.session.end = std::max(it->second.session.end, e.time_ms);
    by_last_.emplace(it->second.session.end, &it->first);
  }

  Open& o = it->second;
  Session& s = o.session;
  if (s.mailbox_upn.empty() && !mailbox.upn.empty()) s.mailbox_upn = mailbox.upn;
  ++s.events;
  ++o.operations[e.operation];
  if (e.logon_type != kLogonUnknown) o.logon_types.insert(e.logon_type);
  InsertCapped(o.client_infos, e.client_info, kMaxSessionClientInfos);
  for (const std::string& f : e.folders) InsertCapped(o.folders, f, kMaxSessionFolders);
  for (const MailItem& item : e.items) InsertCapped(o.folders, item.folder, kMaxSessionFolders);
  s.items += ItemsTouched(e);

  out.id = s.id;
  out.start = s.start;
  out.session_first_seen_ip = s.first_seen_ip;
  return out;
}

void Sessionizer::Finish(const ClosedFn& closed) {
  while (!by_last_.empty()) {
    const std::string key = *by_last_.begin()->second;
    Close(key, closed);
  }
}

TimeMs Sessionizer::PairFirstSeen(uint32_t mailbox, uint32_t ip, TimeMs t, bool* added) {
  if (ip >= first_mailbox_.size()) first_mailbox_.resize(ip + 1, kNoMailbox);
  uint32_t& first = first_mailbox_[ip];
  *added = first == kNoMailbox;
  if (*added) {
    first = mailbox;
    return t;
  }
  if (first == mailbox) return ips_.FirstSeen(ip);
  auto [it, inserted] = pair_first_seen_.emplace(PairId(mailbox, ip), t);
  *added = inserted;
  return it->second;
}

TimeMs Sessionizer::IpFirstSeen(std::string_view mailbox_key, std::string_view ip) const {
  const std::optional<uint32_t> mailbox = mailbox_ids_.Find(mailbox_key);
  const uint32_t address = ips_.Find(ip);
  if (!mailbox.has_value() || address == IpCatalog::kNone || address >= first_mailbox_.size()) {
    return kNoTime;
  }
  if (first_mailbox_[address] == *mailbox) return ips_.FirstSeen(address);
  auto it = pair_first_seen_.find(PairId(*mailbox, address));
  return it == pair_first_seen_.end() ? kNoTime : it->second;
}

void Sessionizer::ReleaseAllButIpFirstSeen() {
  by_last_.clear();
  absl::node_hash_map<std::string, Open>().swap(open_);
  mailbox_ids_ = StringPool();
  std::vector<uint32_t>().swap(first_mailbox_);
  absl::flat_hash_map<uint64_t, TimeMs>().swap(pair_first_seen_);
  ids_.Clear();
}

TimeMs Sessionizer::IpFirstSeen(std::string_view ip) const {
  const uint32_t address = ips_.Find(ip);
  return address == IpCatalog::kNone ? kNoTime : ips_.FirstSeen(address);
}

}  // namespace tern::correlate
