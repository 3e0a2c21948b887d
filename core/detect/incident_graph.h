// Incidents from findings (issue 13): the findings of a case that carry an
// attacker-attributable address (public, first seen after the baseline) and
// are at least medium seed incidents; seeds sharing an attacker IP, or an
// identity within kIdentityLinkMs, are one incident. Every other finding
// carrying one of its IPs joins it. One more pass over the events then
// collects the attacker's activity: every event from an attacker IP, and
// every event of a session (Exchange SessionId, Entra sign-in session
// DeviceProperties.SessionId == AppAccessContext.AADSessionId) first seen
// from one, plus the directory changes (RecordType 8, e.g. "Reset user
// password.") that targeted a compromised identity in the days before. From
// them: identities, mailboxes, sign-ins, the timeline, ATT&CK tactics in
// kill-chain order and the exposure list (core/model/case_incident.h).
//
// Memory: bounded by the incidents' timelines and exposure lists (capped in
// CaseIncident) and the attacker's session ids. Deterministic for events fed
// in (time, record id) order. Thread-compatible.
#ifndef TERN_CORE_DETECT_INCIDENT_GRAPH_H_
#define TERN_CORE_DETECT_INCIDENT_GRAPH_H_

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/correlate/directory.h"
#include "core/model/case_incident.h"
#include "core/model/event.h"
#include "core/model/finding.h"

namespace tern::detect {

// Seeds on one identity at most this far apart are one incident: 3 days.
inline constexpr int64_t kIdentityLinkMs = 3LL * 24 * 60 * 60 * 1000;
// Directory changes this long before the attacker's first use of an identity
// are part of its story: 7 days.
inline constexpr int64_t kLeadUpMs = 7LL * 24 * 60 * 60 * 1000;

class IncidentGraph {
 public:
  // `is_attacker_ip`: the address is public and first seen after the
  // baseline; `geo_of`: its geo facts (unknown when no database).
  IncidentGraph(const std::vector<Finding>& findings,
                const std::function<bool(const std::string&)>& is_attacker_ip,
                std::function<GeoInfo(const std::string&)> geo_of);

  // No incident: the event pass can be skipped.
  bool empty() const { return groups_.empty(); }
  // The incidents' attacker IPs, sorted: with the sessions first seen on
  // them and the directory changes, what OnEvent looks at
  // (incident_sources.h).
  std::vector<std::string> attacker_ips() const;

  // Feeds one event with its attribution, in (time, record id) order.
  // `target_upn`: for directory records, the UPN of the identity they change.
  void OnEvent(const Event& e, const correlate::MailboxRef& mailbox, const std::string& actor,
               const std::string& target_upn, bool system);

  // The incidents, sorted by (first_seen, first attacker IP, first finding)
  // and numbered I-001...
  std::vector<CaseIncident> Finish();

 private:
  struct Group {
    CaseIncident incident;
    std::set<std::string> ips;
    std::set<std::string> findings;
    std::set<std::string> identities;
    std::set<std::string> tried;    // failed sign-ins only
    std::set<std::string> touched;  // mailbox owners acted on
    std::set<std::pair<std::string, std::string>> mailboxes;
    std::set<std::string> attack;  // technique ids of the findings
    std::set<std::string> message_ids;
    std::set<std::string> folders_synced;
    std::set<std::string> lead_up_ids;  // record ids already in the timeline
    bool have_activity = false;
    // first_seen / last_seen come from the attacker's events (not the
    // findings' span) once one was seen.
    bool have_events = false;
  };

  void Record(Group& g, const Event& e, const correlate::MailboxRef& mailbox,
              const std::string& actor);
  void AddExposure(Group& g, const Event& e, const std::string& mailbox);
  void AddTimeline(Group& g, IncidentEvent entry);

  std::vector<Group> groups_;
  std::map<std::string, size_t> by_ip_;
  absl::flat_hash_map<std::string, size_t> by_session_;  // Exchange and Entra session ids
  // Recent directory changes by the UPN they target (a few each).
  absl::flat_hash_map<std::string, std::vector<IncidentEvent>> lead_up_;
  std::function<GeoInfo(const std::string&)> geo_of_;
};

// A few words on what `e` did, for timelines: the rule's name and actions,
// the subject sent, the folders read, the sign-in's result.
std::string DescribeEvent(const Event& e);

// The ATT&CK tactics of technique ids, in kill-chain order
// ("initial-access", ..., "impact").
std::vector<std::string> TacticsOf(const std::set<std::string>& techniques);

}  // namespace tern::detect

#endif  // TERN_CORE_DETECT_INCIDENT_GRAPH_H_
