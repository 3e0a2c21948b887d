// `tern analyze`: sessions, pivots, baselines, geo and the detection catalog
// over the events of a case; stores sessions and findings in the case store
// (derived kinds "sessions" and "findings", encoded with core/model/finding.h)
// and the IP / actor pivots (derived kinds "ip_pivots" and "actor_pivots",
// encoded and read back with core/correlate/pivots.h).
//
// Two streaming passes over the events (attribution, then sessions and
// rules); memory is bounded by open sessions, pivots and per-rule windows,
// never by the number of events. Closed sessions go to the store in batches,
// keyed by SessionKey (so a scan is in (start, id) order); meta
// kAnalysisStateKey says whether the stored results are whole.
//
// Deterministic: the same events give byte-identical stored results whatever
// the ingest order or thread count. Not thread-safe: one analysis per store.
#ifndef TERN_CORE_DETECT_ANALYZER_H_
#define TERN_CORE_DETECT_ANALYZER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/detect/tuning_policy.h"
#include "core/model/finding.h"
#include "core/model/warning.h"
#include "core/store/analysis_inputs.h"
#include "core/store/case_store.h"

namespace tern {

namespace sigma {
struct Rule;
}  // namespace sigma

// Meta key: kAnalysisRunning while an analysis replaces the derived data,
// kAnalysisComplete once it has all been written. Reports refuse a case whose
// last analysis did not finish.
inline constexpr char kAnalysisStateKey[] = "analysis_state";
inline constexpr char kAnalysisRunning[] = "running";
inline constexpr char kAnalysisComplete[] = "complete";

// FailedPrecondition "the last `tern analyze` of this case did not finish;
// run it again before <doing>" when the stored results are not whole; OK for
// a case never analyzed or analyzed to the end.
absl::Status CheckAnalysisFinished(CaseStore& store, std::string_view doing);

// Meta key: the rules of the last analysis that are not built in (Sigma
// rules from --rules; RuleCatalog() has the C++ rules and tern's pack) as EncodeRuleInfos; reports
// list them with the catalog in their methodology.
inline constexpr char kLoadedRulesKey[] = "loaded_rules";

// Derived key of a session: its start, big-endian with the sign bit flipped
// (so byte order is time order), then its id.
std::string SessionKey(TimeMs start, std::string_view id);
// The id a SessionKey holds ("" for a key too short to be one).
std::string_view SessionIdOfKey(std::string_view key);

// Where an analysis is (AnalyzeOptions::on_progress). At 10M records an
// analysis runs for a quarter of an hour; its steps are the passes over the
// events and the writing of what they found.
inline constexpr int kAnalysisSteps = 4;
struct AnalysisProgress {
  int step = 0;           // 1..kAnalysisSteps
  std::string_view name;  // what the step does
  uint64_t events = 0;    // events this step has read so far
  uint64_t total = 0;     // events in the case
  bool done = false;      // the step has ended
};

struct AnalyzeOptions {
  // Organization domains; empty = inferred from the mailbox owners' UPN domains.
  std::vector<std::string> org_domains;
  // Inactivity gap that splits sessions. Default: 30 minutes.
  int64_t session_gap_ms = 30 * 60 * 1000;
  // MaxMind databases; "" = no geo.
  std::string geoip_city_path;
  std::string geoip_asn_path;
  // How the incident pass finds the events its incidents can use
  // (incident_sources.h): kAuto reads them one by one unless they are many,
  // then scans the case. The other two force one way, for the tests that
  // compare them. Same results every way.
  enum class IncidentReads { kAuto, kScan, kTargeted };
  IncidentReads incident_reads = IncidentReads::kAuto;

  // --- detection thresholds (DETECTIONS.md entry numbers in brackets)
  // Baseline: what a mailbox / actor did during the first `baseline_ms` of the
  // case (IPs, delegates, protocols, apps, admin and eDiscovery actors) is
  // "established"; only later novelties count as first-seen [#66, #39, #41,
  // #65]. Default: 7 days (Elastic new-terms uses 14 d; exports often cover
  // only a few weeks, so a shorter baseline keeps the rest of the case usable).
  int64_t baseline_ms = 7LL * 24 * 60 * 60 * 1000;
  // mass-deletion: SoftDelete/HardDelete/MoveToDeletedItems items per mailbox
  // within a sliding window [#43; issue 4]. Default: 100 items in 60 minutes.
  int64_t mass_delete_items = 100;
  int64_t mass_delete_window_ms = 60LL * 60 * 1000;
  // sent-then-deleted: a sent message deleted within this time [#11].
  // Default: 30 minutes.
  int64_t sent_delete_window_ms = 30LL * 60 * 1000;
  // ip-multiple-mailboxes: distinct mailboxes one IP touches within the
  // window [issue 4, section 2 per-IP view]. Default: 3 in 24 hours.
  int64_t ip_mailboxes = 3;
  int64_t ip_mailboxes_window_ms = 24LL * 60 * 60 * 1000;
  // impossible-travel: speed between an actor's consecutive IPs [#67,
  // Panther]. Default: 900 km/h.
  double travel_kmh = 900;
  // mailitemsaccessed-sync-bulk: distinct folders synced in one session
  // [#34, #36]. Default: 10 (DETECTIONS.md gives no number; #39 uses > 5
  // folders for cross-mailbox reads, Outlook's default folder set is ~10).
  int64_t sync_folders = 10;
  // One MailItemsAccessed record with OperationCount >= this [#34, Elastic].
  // Default: 100.
  int64_t mia_record_items = 100;
  // MailItemsAccessed records per mailbox and actor in 24 hours [#34: "alert
  // as it approaches 1,000 (e.g. >= 500)"]. Default: 500.
  int64_t mia_daily_records = 500;
  // One application (ClientAppId, ClientInfoString) reading more than this
  // many mailboxes through Graph/EWS within the window [#40, Splunk].
  // Default: more than 5 in 10 minutes.
  int64_t api_mailboxes = 5;
  int64_t api_window_ms = 10LL * 60 * 1000;
  // send-as: SendAs events per mailbox per UTC day [#45, MAS]. Default: 10.
  int64_t send_as_daily = 10;
  // inbox-rule-suspicious: New-InboxRule, Send and Sent->Archive move within
  // this time of each other [#10, Sentinel]. Default: 12 minutes.
  int64_t rule_send_move_window_ms = 12LL * 60 * 1000;
  // inbox-rule-forward-external: several mailboxes forwarding to one
  // destination from one IP within this window [#9, Sentinel]. Default: 7 days.
  int64_t same_destination_window_ms = 7LL * 24 * 60 * 60 * 1000;
  // password-reset-new-asn: a successful sign-in from a network new for the
  // identity within this time after its password was reset [issue 13].
  // Default: 24 hours.
  int64_t reset_signin_window_ms = 24LL * 60 * 60 * 1000;
  // password-spray: failed sign-ins for distinct identities from one IP
  // within the window [74b]; at least spray_min_identities, and at least
  // spray_identities or spray_tenant_percent % of the case's identities,
  // whichever is smaller. Default: 5, 10, 30 % in 5 minutes.
  int64_t spray_window_ms = 5LL * 60 * 1000;
  int64_t spray_min_identities = 5;
  int64_t spray_identities = 10;
  int64_t spray_tenant_percent = 30;
  // Organization infrastructure [issue 11]: a network prefix (IPv4 /24, IPv6
  // /48) or ASN that at least `org_min_identities` identities use on at
  // least `org_min_days` distinct days is the organization's (office NAT,
  // VPN egress); novelty there is not a finding. Default: 5 identities, 3 days.
  int64_t org_min_identities = 5;
  int64_t org_min_days = 3;
  // Evidence anchors kept per finding; the number of events is always given
  // in details.event_count, and details.anchors_truncated marks the cut.
  // Default: 5000.
  int64_t max_anchors_per_finding = 5000;

  // User Sigma rules (--rules), linked (core/sigma/loader.h); run after the
  // built-in rules. Null = none.
  std::shared_ptr<const std::vector<sigma::Rule>> sigma_rules;
  // The tuning file's policy (core/detect/tuning_pass.h); empty = none.
  TuningPolicy tuning;
  // The rule files and tuning file read for this analysis, recorded in the
  // case (core/store/analysis_inputs.h).
  std::vector<AnalysisInput> inputs;
  // Called on the analysing thread as each step starts and ends and every
  // kProgressEvents events a step reads. Null: not called. Never changes a
  // result.
  std::function<void(const AnalysisProgress&)> on_progress;
};
inline constexpr uint64_t kProgressEvents = uint64_t{1} << 16;

struct AnalysisSummary {
  uint64_t events = 0;
  uint64_t sessions = 0;
  uint64_t findings = 0;
  uint64_t mailboxes = 0;
  std::map<Severity, uint64_t> findings_by_severity;
  std::vector<Warning> warnings;  // e.g. unreadable geo database
  uint64_t ip_pivots = 0;         // entries stored as derived kind "ip_pivots"
  uint64_t actor_pivots = 0;      // entries stored as derived kind "actor_pivots"
  // Record session ids seen from more than one IP or client family: the ones
  // session-ip-change keeps state for (correlate/roaming_census.h).
  uint64_t moving_record_sessions = 0;
  // Client IPs seen with more than one mailbox: the ones ip-multiple-
  // mailboxes keeps a window for (correlate/shared_ip_census.h).
  uint64_t shared_ips = 0;
};

// Runs the whole analysis and replaces the stored sessions and findings.
absl::StatusOr<AnalysisSummary> Analyze(CaseStore& store, const AnalyzeOptions& options);

// One catalog entry, as `tern rules` lists it.
struct RuleInfo {
  std::string id;  // the contract id, e.g. "inbox-rule-forward-external"
  std::string title;
  Severity severity = Severity::kInfo;  // default severity (rules may raise/lower per finding)
  std::vector<std::string> attack;
  std::string description;  // one paragraph incl. thresholds and their option names
};

// The catalog in a fixed order: the C++ rules (detect::CppRules()), then
// tern's Sigma rule pack (rules/*.yml, detect::BuiltinSigmaRules()).
const std::vector<RuleInfo>& RuleCatalog();

// RuleInfo lists as stored under kLoadedRulesKey.
std::string EncodeRuleInfos(const std::vector<RuleInfo>& rules);
absl::StatusOr<std::vector<RuleInfo>> DecodeRuleInfos(std::string_view bytes);

}  // namespace tern

#endif  // TERN_CORE_DETECT_ANALYZER_H_
