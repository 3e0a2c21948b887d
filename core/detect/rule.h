// The rule interface of the detection catalog and what a rule sees of each
// event. A rule is a small stateful object fed the events of a case in time
// order (with their attribution, session and geo) and the sessions as they
// close; it records incidents in the shared IncidentTable, which turns them
// into findings at the end. A new detection is one Rule plus its catalog entry
// (catalog.cc) plus its positive and negative tests.
//
// Thread-compatible: one rule set per analysis, fed from one thread.
#ifndef TERN_CORE_DETECT_RULE_H_
#define TERN_CORE_DETECT_RULE_H_

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "core/correlate/baseline.h"
#include "core/correlate/directory.h"
#include "core/correlate/geo.h"
#include "core/correlate/roaming_census.h"
#include "core/correlate/shared_ip_census.h"
#include "core/detect/analyzer.h"
#include "core/model/event.h"
#include "core/model/finding.h"

namespace tern::detect {

class Incident;
class IncidentTable;

// Facts one rule establishes for others, in event order (a grant precedes
// the access it enables). Keys are lower-case.
struct SharedFacts {
  // grantee + '\x1f' + mailbox key, for FullAccess / SendAs / SendOnBehalf
  // grants seen in the case (mailbox-permission-grant).
  absl::flat_hash_set<std::string> grants;

  static std::string GrantKey(std::string_view grantee, std::string_view mailbox_key);
  bool HasGrant(std::string_view grantee, std::string_view mailbox_key) const {
    return grants.contains(GrantKey(grantee, mailbox_key));
  }
};

// One event as the rules see it. Valid only during the OnEvent call.
struct EventContext {
  const Event* event = nullptr;
  correlate::MailboxRef mailbox;  // the mailbox the event concerns (may be empty)
  std::string actor;              // MailboxDirectory::ActorFor(event): by UPN when known
  // The names as recorded when the directory resolved them to a UPN (an
  // object id, PUID or SID); "" when the record already used the UPN.
  std::string actor_raw;
  std::string mailbox_raw;
  std::string session;  // "S-..." id of the event's session
  TimeMs session_start = 0;
  bool session_first_seen_ip = false;         // the session introduced its IP for the mailbox
  TimeMs ip_first_seen = kNoTime;             // first event of (mailbox, IP) in the case
  const correlate::GeoResult* geo = nullptr;  // never null; may be unknown
  bool system = false;                        // correlate::IsSystemPrincipal(event)
  bool owner = false;                         // the actor acts on its own mailbox
  bool after_baseline = false;                // the event is after the baseline period
  // (mailbox, IP) was first seen after the baseline: a new IP for the mailbox.
  bool ip_new = false;
  // First event of this actor on this mailbox in the case, and whether that
  // was after the baseline (a new actor-mailbox pair).
  TimeMs pair_first_seen = kNoTime;
  bool pair_new = false;
  // What the event brings that its identity (actor, else mailbox) had not
  // used in the baseline period: network, ASN, country, client, device.
  correlate::Novelty novelty;

  const Event& e() const { return *event; }
  EvidenceAnchor anchor() const {
    return EvidenceAnchor{event->record_id, event->provenance.evidence, event->provenance.line,
                          event->time_ms};
  }
};

// What every rule may read; owned by the analyzer, outlives the rules.
struct RuleEnv {
  const AnalyzeOptions* options = nullptr;
  const correlate::OrgDomains* org = nullptr;
  const correlate::MailboxDirectory* directory = nullptr;
  TimeMs case_start = 0;
  TimeMs baseline_end = 0;  // case_start + options->baseline_ms
  const correlate::OrgInfrastructure* infrastructure = nullptr;
  const correlate::IdentityBaselines* baselines = nullptr;
  IncidentTable* incidents = nullptr;
  SharedFacts* facts = nullptr;
  // The record session ids that move (first pass); null: any may.
  const correlate::RoamingCensus* roaming = nullptr;
  // The client IPs that carry more than one mailbox (first pass); null: any may.
  const correlate::SharedIpCensus* shared_ips = nullptr;
};

class Rule {
 public:
  virtual ~Rule() = default;
  // Sees every event, in (time, record id) order.
  virtual void OnEvent(const EventContext& ctx) = 0;
  // Sees every session once it is closed (idle for longer than the gap).
  virtual void OnSessionClosed(const Session& session) { (void)session; }
  // Called once after the last event and session.
  virtual void Finish() {}
  // Whether incidents point at RuleInfo this rule owns (rules loaded at run
  // time): such a rule must outlive the building of the findings.
  virtual bool OwnsRuleInfo() const { return false; }
};

// The IPs of the attacker context (DETECTIONS.md section 2) that the
// attacker-context pass (rule_set.cc) hands to the rules' escalations: public
// IPs, new for the case, of high or critical findings of the rules marked
// kAttackerBehaviour (`behaviour`) and kHighRiskChange (`high_risk`).
struct AttackerContext {
  std::set<std::string> behaviour;
  std::set<std::string> high_risk;

  static bool Touches(const std::set<std::string>& context, const std::set<std::string>& ips);
};

// What a registry row says about how its findings take part in that pass.
enum RuleRole : uint8_t {
  kNoRole = 0,
  // Its high findings describe attacker behaviour: their new IPs form the
  // attacker context.
  kAttackerBehaviour = 1,
  // Its high findings are high-risk changes [66: entries 1-6, 18-21, 25-31].
  kHighRiskChange = 2,
};

// A C++ rule of the registry (catalog.cc): its catalog entry (metadata and
// thresholds in words, and why it is C++ and not a rules/*.yml file), the
// factory of its logic (rules.h), which reports under `info` and nothing
// else, its roles in the attacker-context pass and, when its findings can be
// raised by that context, how. Every rule is defined by exactly one row.
struct CppRule {
  RuleInfo info;
  std::unique_ptr<Rule> (*make)(const RuleEnv& env, const RuleInfo& info);
  uint8_t roles = kNoRole;  // RuleRole bits
  // Raises `incident` (one of this rule's) when it touches `context`; uses
  // the severities from before the pass (no cascades). nullptr: never.
  void (*escalate)(Incident& incident, const AttackerContext& context) = nullptr;
};

// The registry row of `id`, or nullptr for an id outside it (a Sigma rule).
const CppRule* FindCppRule(std::string_view id);

// The registry in catalog order (catalog.cc).
const std::vector<CppRule>& CppRules();

// The rule set: the registry's rules in catalog order, then the Sigma rules
// (tern's pack, or the linked pack + --rules set of the options).
std::vector<std::unique_ptr<Rule>> MakeRules(const RuleEnv& env);

// The catalog entry for `id` (a C++ rule or one of tern's pack). An id
// outside the catalog is a defect: the process aborts naming it.
const RuleInfo& CatalogEntry(std::string_view id);

}  // namespace tern::detect

#endif  // TERN_CORE_DETECT_RULE_H_
