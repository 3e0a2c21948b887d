// Activity: what the HTML report needs beyond the stored findings and
// sessions, aggregated in one ScanEvents pass over the case: the events
// per time bucket and category (the timeline chart), per-mailbox and per-IP
// activity, and the events behind each finding (loaded by record id).
//
// Memory is bounded by the number of distinct hours, mailboxes and IPs, never
// by the number of events; listed values per row are capped. The result only
// depends on the stored events, findings and sessions. Thread-compatible.
#ifndef TERN_REPORTS_ACTIVITY_H_
#define TERN_REPORTS_ACTIVITY_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/model/event.h"
#include "core/model/finding.h"
#include "core/store/case_store.h"
#include "reports/event_format.h"

namespace tern {

// Distinct values kept per listed column (IPs of a mailbox, ...).
inline constexpr size_t kMaxListedValues = 20;
// Events loaded and shown under each finding (all anchors stay in findings.json).
inline constexpr size_t kMaxEventsPerFinding = 25;

inline constexpr TimeMs kHourMs = 3600 * 1000;
inline constexpr TimeMs kDayMs = 24 * kHourMs;

// Events per time bucket and category. Buckets are contiguous from origin.
struct ActivityChart {
  TimeMs bucket_ms = kHourMs;  // an hour for short cases, a day (or weeks) for long ones
  TimeMs origin = 0;           // start of the first bucket (UTC, aligned)
  std::vector<CategoryCounts> buckets;
  uint64_t untimed = 0;  // events without a usable time: counted, not charted
};

// Sorted distinct values, at most kMaxListedValues of them; `more` when
// further values were seen and dropped.
struct ValueList {
  std::vector<std::string> values;
  bool more = false;
};

struct MailboxActivity {
  std::string guid;  // "" when the events named only the owner
  std::string upn;   // smallest owner UPN seen
  uint64_t events = 0;
  TimeMs first = kNoTime;
  TimeMs last = kNoTime;
  CategoryCounts categories{};
  ValueList ips;
  ValueList actors;
};

struct IpActivity {
  std::string ip;
  uint64_t events = 0;
  TimeMs first = kNoTime;
  TimeMs last = kNoTime;
  CategoryCounts categories{};
  ValueList mailboxes;
  ValueList actors;
  ValueList client_infos;
  GeoInfo geo;  // from the sessions of this IP (known == false without geo data)
};

struct Activity {
  ActivityChart chart;
  std::vector<MailboxActivity> mailboxes;  // sorted by (upn, guid)
  std::vector<IpActivity> ips;             // sorted by ip
  // Parallel to the findings: the events of their first kMaxEventsPerFinding
  // anchors, in anchor order (nullopt if the store no longer has one).
  std::vector<std::vector<std::optional<Event>>> finding_events;
};

// Scans the events of `store` and loads the events behind `findings`.
// `geo_by_ip` gives the geo facts of IPs (from each IP's first session).
absl::StatusOr<Activity> LoadActivity(CaseStore& store, const std::vector<Finding>& findings,
                                      const std::map<std::string, GeoInfo>& geo_by_ip);

// Builds the chart buckets from per-hour counts (hour index = floor(ms / 1h)):
// hourly when the span is at most 21 days, daily up to ~3 years, else weekly
// or coarser so that there are at most ~600 buckets. Exposed for tests.
ActivityChart BuildChart(const std::vector<std::pair<int64_t, CategoryCounts>>& hours,
                         uint64_t untimed);

}  // namespace tern

#endif  // TERN_REPORTS_ACTIVITY_H_
