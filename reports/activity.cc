#include "reports/activity.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/base/ip_map.h"
#include "core/base/status_macros.h"
#include "core/base/strings.h"

namespace tern {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Keeps the kMaxListedValues smallest distinct values, whatever the order in
// which they arrive, and remembers whether any were dropped.
class CappedSet {
 public:
  void Add(const std::string& value) {
    if (value.empty()) return;
    values_.insert(value);
    if (values_.size() > kMaxListedValues) {
      values_.erase(std::prev(values_.end()));
      more_ = true;
    }
  }
  ValueList Take() const {
    return ValueList{std::vector<std::string>(values_.begin(), values_.end()), more_};
  }

 private:
  std::set<std::string> values_;
  bool more_ = false;
};

struct Span {
  uint64_t events = 0;
  TimeMs first = kNoTime;
  TimeMs last = kNoTime;
  CategoryCounts categories{};

  void Add(TimeMs t, Category c) {
    ++events;
    ++categories[static_cast<int>(c)];
    if (t == kNoTime) return;
    if (first == kNoTime || t < first) first = t;
    if (last == kNoTime || t > last) last = t;
  }
};

bool HasTime(const Event& e) { return (e.flags & kFlagNoTime) == 0 && e.time_ms != kNoTime; }

const std::string& ActorOf(const Event& e) {
  return e.actor_upn.empty() ? e.actor_sid : e.actor_upn;
}

// The key events of one mailbox share; "" for an event naming none.
std::string EventMailboxKey(const Event& e) {
  if (!e.mailbox_guid.empty()) return "guid:" + e.mailbox_guid;
  if (!e.mailbox_upn.empty()) return "upn:" + AsciiLower(e.mailbox_upn);
  return "";
}

// First pass: a mailbox as counted over all events.
struct MailboxCount {
  std::string guid;
  std::string upn;  // smallest owner UPN seen
  uint64_t events = 0;
};

// Keeps the `k` best items offered under `better` (a strict total order).
template <typename T, typename Better>
class TopK {
 public:
  TopK(size_t k, Better better) : k_(k), better_(better) {}
  void Offer(T item) {
    // A heap ordered by `better` has its worst item in front.
    if (heap_.size() < k_) {
      heap_.push_back(std::move(item));
      std::push_heap(heap_.begin(), heap_.end(), better_);
    } else if (k_ > 0 && better_(item, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), better_);
      heap_.back() = std::move(item);
      std::push_heap(heap_.begin(), heap_.end(), better_);
    }
  }
  std::vector<T>& items() { return heap_; }

 private:
  size_t k_;
  Better better_;
  std::vector<T> heap_;
};

// Folds mailboxes known only by owner UPN into the GUID-keyed mailbox with
// that owner, so an admin cmdlet naming "alice@..." lands with her mailbox.
// Returns the key each folded mailbox went into.
std::map<std::string, std::string> FoldMailboxes(std::map<std::string, MailboxCount>& by_key) {
  std::map<std::string, std::string> guid_key_by_upn;
  for (auto& [key, m] : by_key) {
    if (!m.guid.empty() && !m.upn.empty()) guid_key_by_upn.emplace(AsciiLower(m.upn), key);
  }
  std::map<std::string, std::string> folded;
  for (auto it = by_key.begin(); it != by_key.end();) {
    auto target = it->second.guid.empty() ? guid_key_by_upn.find(AsciiLower(it->second.upn))
                                          : guid_key_by_upn.end();
    if (target == guid_key_by_upn.end()) {
      ++it;
      continue;
    }
    by_key[target->second].events += it->second.events;
    folded.emplace(it->first, target->second);
    it = by_key.erase(it);
  }
  return folded;
}

struct MailboxAgg {
  std::string guid;
  std::string upn;
  Span span;
  CappedSet ips;
  CappedSet actors;
};

struct IpAgg {
  Span span;
  CappedSet mailboxes;
  CappedSet actors;
  CappedSet client_infos;
};

// The second pass's rows: the kept mailboxes and IPs, and which event
// mailbox key feeds which kept mailbox.
struct KeptRows {
  std::map<std::string, MailboxAgg> mailboxes;       // by mailbox key
  std::map<std::string, MailboxAgg*> mailbox_feeds;  // event mailbox key -> row
  std::map<std::string, IpAgg> ips;
};

// Picks the mailboxes to keep (RankRow, then (upn, guid)).
void KeepMailboxes(const std::map<std::string, MailboxCount>& counts,
                   const std::map<std::string, std::string>& folded,
                   const std::vector<Finding>& findings, const FindingsByRow& by_row,
                   KeptRows* kept) {
  struct Candidate {
    RowRank rank;
    const std::string* key;
    const MailboxCount* m;
  };
  auto better = [](const Candidate& a, const Candidate& b) {
    if (a.rank != b.rank) return a.rank > b.rank;
    return std::tie(a.m->upn, a.m->guid) < std::tie(b.m->upn, b.m->guid);
  };
  TopK<Candidate, decltype(better)> top(kActivityRowsKept, better);
  for (const auto& [key, m] : counts) {
    top.Offer({RankRow(findings, by_row.ForMailbox(m.guid, m.upn), m.events), &key, &m});
  }
  for (const Candidate& c : top.items()) {
    MailboxAgg& agg = kept->mailboxes[*c.key];
    agg.guid = c.m->guid;
    agg.upn = c.m->upn;
    kept->mailbox_feeds[*c.key] = &agg;
  }
  for (const auto& [from, into] : folded) {
    auto it = kept->mailboxes.find(into);
    if (it != kept->mailboxes.end()) kept->mailbox_feeds[from] = &it->second;
  }
}

// Picks the IPs to keep (RankRow, then ip).
void KeepIps(const IpMap<uint64_t>& counts, const std::vector<Finding>& findings,
             const FindingsByRow& by_row, KeptRows* kept) {
  struct Candidate {
    RowRank rank;
    std::string ip;
  };
  auto better = [](const Candidate& a, const Candidate& b) {
    if (a.rank != b.rank) return a.rank > b.rank;
    return a.ip < b.ip;
  };
  TopK<Candidate, decltype(better)> top(kActivityRowsKept, better);
  counts.ForEach([&](std::string ip, uint64_t events) {
    top.Offer({RankRow(findings, by_row.ForIp(ip), events), std::move(ip)});
  });
  for (const Candidate& c : top.items()) kept->ips[c.ip];
}

std::vector<MailboxActivity> FinishMailboxes(const std::map<std::string, MailboxAgg>& by_key) {
  std::vector<MailboxActivity> out;
  for (const auto& [key, agg] : by_key) {
    MailboxActivity m;
    m.guid = agg.guid;
    m.upn = agg.upn;
    m.events = agg.span.events;
    m.first = agg.span.first;
    m.last = agg.span.last;
    m.categories = agg.span.categories;
    m.ips = agg.ips.Take();
    m.actors = agg.actors.Take();
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(), [](const MailboxActivity& a, const MailboxActivity& b) {
    return std::tie(a.upn, a.guid) < std::tie(b.upn, b.guid);
  });
  return out;
}

std::vector<IpActivity> FinishIps(const std::map<std::string, IpAgg>& by_ip) {
  std::vector<IpActivity> out;
  for (const auto& [address, agg] : by_ip) {
    IpActivity ip;
    ip.ip = address;
    ip.events = agg.span.events;
    ip.first = agg.span.first;
    ip.last = agg.span.last;
    ip.categories = agg.span.categories;
    ip.mailboxes = agg.mailboxes.Take();
    ip.actors = agg.actors.Take();
    ip.client_infos = agg.client_infos.Take();
    out.push_back(std::move(ip));
  }
  return out;
}

}  // namespace

ActivityChart BuildChart(const std::vector<std::pair<int64_t, CategoryCounts>>& hours,
                         uint64_t untimed) {
  ActivityChart chart;
  chart.untimed = untimed;
  if (hours.empty()) return chart;
  const int64_t first_hour = hours.front().first;
  const int64_t last_hour = hours.back().first;
  const TimeMs first_ms = first_hour * kHourMs;
  const TimeMs last_ms = last_hour * kHourMs;
  if (last_hour - first_hour + 1 <= 21 * 24) {
    chart.bucket_ms = kHourMs;
    chart.origin = first_ms;
  } else {
    const int64_t first_day = FloorDiv(first_ms, kDayMs);
    const int64_t days = FloorDiv(last_ms, kDayMs) - first_day + 1;
    if (days <= 1100) {
      chart.bucket_ms = kDayMs;
      chart.origin = first_day * kDayMs;
    } else {
      // Weeks start on Monday (1970-01-01 was a Thursday); several weeks per
      // bucket when even weeks would give more than ~600 bars.
      const int64_t weeks = days / 7 + 2;
      const int64_t per_bucket = std::max<int64_t>(1, (weeks + 599) / 600);
      chart.bucket_ms = 7 * kDayMs * per_bucket;
      const int64_t since_monday = ((first_day + 3) % 7 + 7) % 7;
      chart.origin = (first_day - since_monday) * kDayMs;
    }
  }
  const int64_t count = FloorDiv(last_ms - chart.origin, chart.bucket_ms) + 1;
  chart.buckets.assign(static_cast<size_t>(count), CategoryCounts{});
  for (const auto& [hour, counts] : hours) {
    const int64_t index = FloorDiv(hour * kHourMs - chart.origin, chart.bucket_ms);
    for (int i = 0; i < kCategoryCount; ++i) chart.buckets[index][i] += counts[i];
  }
  return chart;
}

std::string MailboxKey(std::string_view guid, std::string_view upn) {
  if (!guid.empty()) return AsciiLower(guid);
  return "upn:" + AsciiLower(upn);
}

FindingsByRow::FindingsByRow(const std::vector<Finding>& findings) {
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& f = findings[i];
    if (!f.mailbox_guid.empty() || !f.mailbox_upn.empty()) {
      by_mailbox_[MailboxKey(f.mailbox_guid, f.mailbox_upn)].push_back(i);
      // A finding naming only the owner still belongs to the GUID-keyed mailbox.
      if (!f.mailbox_guid.empty() && !f.mailbox_upn.empty()) {
        by_mailbox_[MailboxKey("", f.mailbox_upn)].push_back(i);
      }
    }
    for (const std::string& ip : f.client_ips) by_ip_[ip].push_back(i);
  }
}

const std::vector<size_t>& FindingsByRow::ForIp(const std::string& ip) const {
  static const std::vector<size_t>* const kEmpty = new std::vector<size_t>();
  auto it = by_ip_.find(ip);
  return it == by_ip_.end() ? *kEmpty : it->second;
}

std::vector<size_t> FindingsByRow::ForMailbox(const std::string& guid,
                                              const std::string& upn) const {
  std::vector<size_t> out;
  auto add = [&](const std::string& key) {
    auto it = by_mailbox_.find(key);
    if (it != by_mailbox_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  };
  add(MailboxKey(guid, upn));
  if (!guid.empty() && !upn.empty()) add(MailboxKey("", upn));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

RowRank RankRow(const std::vector<Finding>& findings, const std::vector<size_t>& indexes,
                uint64_t events) {
  if (indexes.empty()) return {false, -1, events};
  Severity max = Severity::kInfo;
  for (size_t i : indexes) max = std::max(max, findings[i].severity);
  return {true, static_cast<int>(max), events};
}

absl::StatusOr<Activity> LoadActivity(CaseStore& store, const std::vector<Finding>& findings) {
  constexpr TimeMs kFrom = std::numeric_limits<TimeMs>::min();
  constexpr TimeMs kTo = std::numeric_limits<TimeMs>::max();
  Activity activity;
  KeptRows kept;
  {
    // First pass: the chart, and events per mailbox and per IP.
    std::map<int64_t, CategoryCounts> hours;
    uint64_t untimed = 0;
    std::map<std::string, MailboxCount> mailboxes;
    IpMap<uint64_t> ips;  // rotating mobile addresses: millions at 10M records
    TERN_RETURN_IF_ERROR(store.ScanEvents(
        kFrom, kTo,
        [&](const Event& e) {
          const Category category = CategorizeEvent(e);
          if (HasTime(e)) {
            ++hours[FloorDiv(e.time_ms, kHourMs)][static_cast<int>(category)];
          } else {
            ++untimed;
          }
          if (std::string key = EventMailboxKey(e); !key.empty()) {
            MailboxCount& m = mailboxes[key];
            m.guid = e.mailbox_guid;
            if (!e.mailbox_upn.empty() && (m.upn.empty() || e.mailbox_upn < m.upn)) {
              m.upn = e.mailbox_upn;
            }
            ++m.events;
          }
          if (!e.client_ip.empty()) ++*ips.TryEmplace(e.client_ip).first;
          return true;
        },
        CaseStore::ScanWork::kLight));
    activity.chart = BuildChart({hours.begin(), hours.end()}, untimed);
    const std::map<std::string, std::string> folded = FoldMailboxes(mailboxes);
    const FindingsByRow by_row(findings);
    KeepMailboxes(mailboxes, folded, findings, by_row, &kept);
    KeepIps(ips, findings, by_row, &kept);
    activity.mailbox_count = mailboxes.size();
    activity.ip_count = ips.size();
  }
  // Second pass: the spans and listed values of the kept rows.
  if (!kept.mailboxes.empty() || !kept.ips.empty()) {
    TERN_RETURN_IF_ERROR(store.ScanEvents(
        kFrom, kTo,
        [&](const Event& e) {
          const Category category = CategorizeEvent(e);
          const TimeMs t = HasTime(e) ? e.time_ms : kNoTime;
          if (std::string key = EventMailboxKey(e); !key.empty()) {
            if (auto it = kept.mailbox_feeds.find(key); it != kept.mailbox_feeds.end()) {
              MailboxAgg& m = *it->second;
              m.span.Add(t, category);
              m.ips.Add(e.client_ip);
              m.actors.Add(ActorOf(e));
            }
          }
          if (!e.client_ip.empty()) {
            if (auto it = kept.ips.find(e.client_ip); it != kept.ips.end()) {
              IpAgg& ip = it->second;
              ip.span.Add(t, category);
              ip.mailboxes.Add(e.mailbox_upn.empty() ? e.mailbox_guid : e.mailbox_upn);
              ip.actors.Add(ActorOf(e));
              ip.client_infos.Add(e.client_info);
            }
          }
          return true;
        },
        CaseStore::ScanWork::kLight));
  }
  activity.mailboxes = FinishMailboxes(kept.mailboxes);
  activity.ips = FinishIps(kept.ips);

  activity.event_store = &store;
  return activity;
}

absl::StatusOr<std::vector<std::optional<Event>>> LoadFindingEvents(CaseStore& store,
                                                                    const Finding& finding) {
  std::vector<std::optional<Event>> events;
  for (size_t i = 0; i < finding.evidence.size() && i < kMaxEventsPerFinding; ++i) {
    TERN_ASSIGN_OR_RETURN(std::optional<Event> event,
                          store.GetEvent(finding.evidence[i].record_id));
    events.push_back(std::move(event));
  }
  return events;
}

SessionGeo::SessionGeo(Activity& activity, const std::vector<Finding>& findings)
    : activity_(activity) {
  for (const Finding& f : findings) finding_ips_.insert(f.client_ips.begin(), f.client_ips.end());
}

void SessionGeo::Add(const std::string& ip, const GeoInfo& geo) {
  if (ip.empty() || !(geo.known || geo.asn != 0)) return;
  auto row = std::lower_bound(activity_.ips.begin(), activity_.ips.end(), ip,
                              [](const IpActivity& a, const std::string& b) { return a.ip < b; });
  if (row != activity_.ips.end() && row->ip == ip && !row->geo.known && row->geo.asn == 0) {
    row->geo = geo;
  }
  if (finding_ips_.contains(ip)) activity_.finding_ip_geo.emplace(ip, geo);
}

}  // namespace tern
