// Activity: what the HTML report needs beyond the stored findings and
// sessions, aggregated in two ScanEvents passes over the case: the events
// per time bucket and category (the timeline chart), per-mailbox and per-IP
// activity, and the events behind each finding (loaded by record id).
//
// The report's mailbox and IP tables show at most kMaxTableRows rows, those
// tied to findings first (RankRow). So the first pass only counts events per
// mailbox and per IP (a compact counter each) and picks the
// kActivityRowsKept rows of highest rank; the second pass aggregates the
// listed values (IPs of a mailbox, ...) of those rows only. Memory is bounded
// by the number of distinct hours, mailboxes and IPs (a counter each), never
// by the number of events; listed values per row are capped. The events under
// findings are read when report.html renders each finding (LoadFindingEvents),
// not held for all findings. The result only depends on the stored events and
// findings. Thread-compatible.
#ifndef TERN_REPORTS_ACTIVITY_H_
#define TERN_REPORTS_ACTIVITY_H_

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
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
// Mailbox and IP rows LoadActivity keeps, those of highest RankRow: at least
// as many as report.html's tables show.
inline constexpr size_t kActivityRowsKept = 2000;

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
  // The kActivityRowsKept mailboxes and IPs of highest RankRow (ties: the
  // smaller (upn, guid) or ip); views built by hand may hold every row.
  std::vector<MailboxActivity> mailboxes;  // sorted by (upn, guid)
  std::vector<IpActivity> ips;             // sorted by ip
  // Distinct mailboxes and IPs in the events (0: the rows above are all).
  uint64_t mailbox_count = 0;
  uint64_t ip_count = 0;
  uint64_t MailboxCount() const { return std::max<uint64_t>(mailbox_count, mailboxes.size()); }
  uint64_t IpCount() const { return std::max<uint64_t>(ip_count, ips.size()); }
  // Geo facts of the IPs findings name (IpActivity::geo has those of the
  // rows), from each IP's first session with any.
  std::map<std::string, GeoInfo> finding_ip_geo;
  // Where report.html reads the events under each finding it shows
  // (LoadFindingEvents), one finding at a time: LoadActivity sets it to the
  // case store, which must outlive the view.
  CaseStore* event_store = nullptr;
  // Views built by hand (tests), without event_store: parallel to the
  // findings, what LoadFindingEvents would give.
  std::vector<std::vector<std::optional<Event>>> finding_events;
};

// The key the report ties a mailbox to findings by: the lower-case GUID, or
// "upn:" + lower-case owner UPN when there is no GUID.
std::string MailboxKey(std::string_view guid, std::string_view upn);

// The findings that name each IP and mailbox (indexes into the findings the
// index was built from). Immutable once built; thread-safe.
class FindingsByRow {
 public:
  explicit FindingsByRow(const std::vector<Finding>& findings);
  // The findings whose client IPs hold `ip`, in order.
  const std::vector<size_t>& ForIp(const std::string& ip) const;
  // The findings naming the mailbox by its GUID or, for a finding that names
  // only the owner, by its UPN: sorted, distinct.
  std::vector<size_t> ForMailbox(const std::string& guid, const std::string& upn) const;

 private:
  std::map<std::string, std::vector<size_t>> by_mailbox_;
  std::map<std::string, std::vector<size_t>> by_ip_;
};

// How the report orders mailbox and IP rows, highest first: rows tied to
// findings, then by their highest severity, then by events.
using RowRank = std::tuple<bool, int, uint64_t>;
RowRank RankRow(const std::vector<Finding>& findings, const std::vector<size_t>& indexes,
                uint64_t events);

// Scans the events of `store` and points event_store at it. The geo facts
// are left empty: SessionGeo fills them.
absl::StatusOr<Activity> LoadActivity(CaseStore& store, const std::vector<Finding>& findings);

// The events of the first kMaxEventsPerFinding anchors of `finding`, in
// anchor order (nullopt for one the store no longer has).
absl::StatusOr<std::vector<std::optional<Event>>> LoadFindingEvents(CaseStore& store,
                                                                    const Finding& finding);

// Gives the IP rows of `activity` and the IPs `findings` name the geo facts
// of their first session with any: call it for every session, in store order.
class SessionGeo {
 public:
  SessionGeo(Activity& activity, const std::vector<Finding>& findings);
  void Add(const std::string& ip, const GeoInfo& geo);

 private:
  Activity& activity_;
  std::set<std::string> finding_ips_;
};

// Builds the chart buckets from per-hour counts (hour index = floor(ms / 1h)):
// hourly when the span is at most 21 days, daily up to ~3 years, else weekly
// or coarser so that there are at most ~600 buckets. Exposed for tests.
ActivityChart BuildChart(const std::vector<std::pair<int64_t, CategoryCounts>>& hours,
                         uint64_t untimed);

}  // namespace tern

#endif  // TERN_REPORTS_ACTIVITY_H_
