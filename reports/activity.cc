#include "reports/activity.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

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
  void Merge(const CappedSet& other) {
    for (const std::string& v : other.values_) Add(v);
    more_ = more_ || other.more_;
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
  void Merge(const Span& o) {
    events += o.events;
    for (int i = 0; i < kCategoryCount; ++i) categories[i] += o.categories[i];
    if (o.first != kNoTime && (first == kNoTime || o.first < first)) first = o.first;
    if (o.last != kNoTime && (last == kNoTime || o.last > last)) last = o.last;
  }
};

struct MailboxAgg {
  std::string guid;
  std::string upn;
  Span span;
  CappedSet ips;
  CappedSet actors;

  void SetUpn(const std::string& u) {
    if (!u.empty() && (upn.empty() || u < upn)) upn = u;
  }
};

struct IpAgg {
  Span span;
  CappedSet mailboxes;
  CappedSet actors;
  CappedSet client_infos;
};

bool HasTime(const Event& e) { return (e.flags & kFlagNoTime) == 0 && e.time_ms != kNoTime; }

// Folds mailboxes known only by owner UPN into the GUID-keyed mailbox with
// that owner, so an admin cmdlet naming "alice@..." lands with her mailbox.
std::vector<MailboxActivity> FinishMailboxes(std::map<std::string, MailboxAgg>& by_key) {
  std::map<std::string, std::string> guid_key_by_upn;
  for (auto& [key, agg] : by_key) {
    if (!agg.guid.empty() && !agg.upn.empty()) guid_key_by_upn.emplace(AsciiLower(agg.upn), key);
  }
  for (auto it = by_key.begin(); it != by_key.end();) {
    MailboxAgg& agg = it->second;
    auto target =
        agg.guid.empty() ? guid_key_by_upn.find(AsciiLower(agg.upn)) : guid_key_by_upn.end();
    if (target == guid_key_by_upn.end()) {
      ++it;
      continue;
    }
    MailboxAgg& into = by_key[target->second];
    into.span.Merge(agg.span);
    into.ips.Merge(agg.ips);
    into.actors.Merge(agg.actors);
    it = by_key.erase(it);
  }
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

absl::StatusOr<Activity> LoadActivity(CaseStore& store, const std::vector<Finding>& findings,
                                      const std::map<std::string, GeoInfo>& geo_by_ip) {
  std::map<int64_t, CategoryCounts> hours;
  uint64_t untimed = 0;
  std::map<std::string, MailboxAgg> mailboxes;
  std::map<std::string, IpAgg> ips;
  TERN_RETURN_IF_ERROR(store.ScanEvents(
      std::numeric_limits<TimeMs>::min(), std::numeric_limits<TimeMs>::max(), [&](const Event& e) {
        const Category category = CategorizeEvent(e);
        const TimeMs t = HasTime(e) ? e.time_ms : kNoTime;
        if (t == kNoTime) {
          ++untimed;
        } else {
          ++hours[FloorDiv(t, kHourMs)][static_cast<int>(category)];
        }
        const std::string& actor = e.actor_upn.empty() ? e.actor_sid : e.actor_upn;
        if (!e.mailbox_guid.empty() || !e.mailbox_upn.empty()) {
          const std::string key = e.mailbox_guid.empty() ? "upn:" + AsciiLower(e.mailbox_upn)
                                                         : "guid:" + e.mailbox_guid;
          MailboxAgg& m = mailboxes[key];
          m.guid = e.mailbox_guid;
          m.SetUpn(e.mailbox_upn);
          m.span.Add(t, category);
          m.ips.Add(e.client_ip);
          m.actors.Add(actor);
        }
        if (!e.client_ip.empty()) {
          IpAgg& ip = ips[e.client_ip];
          ip.span.Add(t, category);
          ip.mailboxes.Add(e.mailbox_upn.empty() ? e.mailbox_guid : e.mailbox_upn);
          ip.actors.Add(actor);
          ip.client_infos.Add(e.client_info);
        }
        return true;
      }));

  Activity activity;
  activity.chart = BuildChart({hours.begin(), hours.end()}, untimed);
  activity.mailboxes = FinishMailboxes(mailboxes);

  for (const auto& [address, agg] : ips) {
    IpActivity ip;
    ip.ip = address;
    ip.events = agg.span.events;
    ip.first = agg.span.first;
    ip.last = agg.span.last;
    ip.categories = agg.span.categories;
    ip.mailboxes = agg.mailboxes.Take();
    ip.actors = agg.actors.Take();
    ip.client_infos = agg.client_infos.Take();
    if (auto it = geo_by_ip.find(address); it != geo_by_ip.end()) ip.geo = it->second;
    activity.ips.push_back(std::move(ip));
  }

  for (const Finding& f : findings) {
    std::vector<std::optional<Event>> events;
    for (size_t i = 0; i < f.evidence.size() && i < kMaxEventsPerFinding; ++i) {
      TERN_ASSIGN_OR_RETURN(std::optional<Event> event, store.GetEvent(f.evidence[i].record_id));
      events.push_back(std::move(event));
    }
    activity.finding_events.push_back(std::move(events));
  }
  return activity;
}

}  // namespace tern
