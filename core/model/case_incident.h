// Incidents: the attack story of a case (issue 13). An incident joins the
// findings that share attacker IP addresses, sessions or identities with
// every event of the attacker's sessions and sign-ins between them: who was
// compromised, from where, what the attacker did in order (the timeline) and
// which messages and items were exposed (the exposure list behind
// exposure.csv). Built by core/detect/incident_graph.h, stored by
// `tern analyze` as derived kind "incidents", rendered by reports/.
// Plain data; thread-compatible.
#ifndef TERN_CORE_MODEL_CASE_INCIDENT_H_
#define TERN_CORE_MODEL_CASE_INCIDENT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/time.h"
#include "core/model/finding.h"

namespace tern {

// One event of the attacker's activity.
struct IncidentEvent {
  std::string operation;
  std::string mailbox;  // UPN, else GUID; "" when the event concerns no mailbox
  std::string actor;    // UPN when known
  std::string client_ip;
  std::string summary;  // what happened, in words (rule name, subject, folder, sign-in result)
  EvidenceAnchor anchor;
};

// One item the attacker read, sent, deleted, moved or created.
struct ExposureItem {
  // "accessed" (Bind), "folder-synced" (Sync: the whole folder), "sent",
  // "deleted", "moved", "rule-created", "forwarding-set", "throttled" (a
  // blind spot: the record stands for access that was not itemized).
  std::string action;
  std::string mailbox;
  std::string folder;
  std::string message_id;  // InternetMessageId
  std::string subject;
  std::string detail;  // rule name, destination folder, forwarding address, ...
  EvidenceAnchor anchor;
};

struct IncidentIp {
  std::string ip;
  GeoInfo geo;
};

struct ExposureCounts {
  uint64_t messages_accessed = 0;           // distinct InternetMessageIds bound
  std::vector<std::string> folders_synced;  // sorted, unique
  uint64_t messages_sent = 0;
  uint64_t items_deleted = 0;
  uint64_t items_moved = 0;
  uint64_t rules_created = 0;
  uint64_t forwarding_changes = 0;
  uint64_t throttled_records = 0;  // blind spots
};

struct CaseIncident {
  std::string id;  // "I-001", assigned after the total sort
  Severity severity = Severity::kInfo;
  std::string title;
  std::vector<std::string> identities;  // compromised identities (UPN when known), sorted
  std::vector<std::string>
      other_identities;  // only tried by the attacker (failed sign-ins), sorted
  std::vector<std::pair<std::string, std::string>> mailboxes;  // (guid, upn), sorted
  std::vector<IncidentIp> attacker_ips;                        // sorted by address
  TimeMs first_seen = 0;
  TimeMs last_seen = 0;
  std::vector<std::string> findings;  // F- ids, sorted
  std::vector<std::string> tactics;   // ATT&CK tactics in kill-chain order
  uint64_t sign_ins = 0;              // successful sign-ins from attacker IPs / sessions
  uint64_t failed_sign_ins = 0;
  std::vector<IncidentEvent> timeline;  // time order; capped at kMaxTimeline
  uint64_t timeline_events = 0;         // all the attacker's events, also beyond the cap
  std::vector<ExposureItem> exposure;   // time order; capped at kMaxExposure
  uint64_t exposure_items = 0;          // all items, also beyond the cap
  ExposureCounts counts;

  static constexpr size_t kMaxTimeline = 20000;
  static constexpr size_t kMaxExposure = 200000;
};

std::string EncodeCaseIncident(const CaseIncident& incident);
absl::StatusOr<CaseIncident> DecodeCaseIncident(std::string_view bytes);

}  // namespace tern

#endif  // TERN_CORE_MODEL_CASE_INCIDENT_H_
