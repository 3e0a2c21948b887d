// Analysis results: sessions, geo facts and findings, as `tern analyze`
// stores them and the reports render them. Plain data; thread-compatible.
#ifndef TERN_CORE_MODEL_FINDING_H_
#define TERN_CORE_MODEL_FINDING_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/time.h"

namespace tern {

enum class Severity : int { kInfo = 0, kLow = 1, kMedium = 2, kHigh = 3, kCritical = 4 };
// "info", "low", "medium", "high", "critical".
std::string_view SeverityName(Severity s);

// Offline geo-IP facts for one address; known == false when no database or no entry.
struct GeoInfo {
  bool known = false;
  std::string country_iso;  // "DE"
  std::string country;      // English name
  std::string city;
  double latitude = 0;
  double longitude = 0;
  int accuracy_km = 0;
  uint32_t asn = 0;
  std::string as_org;
};

struct Session {
  std::string id;  // "S-" + 12 hex digits of a hash of its defining fields (stable)
  std::string mailbox_guid;
  std::string mailbox_upn;
  std::string actor;
  std::string client_ip;
  std::string session_id;  // the record SessionId when the session was keyed by it
  TimeMs start = 0;
  TimeMs end = 0;
  uint64_t events = 0;
  std::vector<std::pair<std::string, uint64_t>> operations;  // sorted by name
  std::vector<int32_t> logon_types;                          // sorted, unique
  std::vector<std::string> client_infos;                     // sorted, unique (capped)
  std::vector<std::string> folders;                          // sorted, unique (capped)
  uint64_t items = 0;  // mail items touched
  bool first_seen_ip = false;  // IP never seen earlier in the case for this mailbox
  GeoInfo geo;
};

// One event a finding rests on; reports resolve the evidence ordinal to the
// item's SHA-256 and archive member.
struct EvidenceAnchor {
  std::string record_id;
  uint32_t evidence = 0;  // ordinal
  uint64_t line = 0;
  TimeMs time_ms = 0;

  bool operator==(const EvidenceAnchor&) const = default;
};

struct Finding {
  std::string id;  // "F-0001", assigned after the total sort
  std::string rule;
  Severity severity = Severity::kInfo;
  std::string title;
  std::vector<std::string> attack;  // ATT&CK technique ids
  std::string mailbox_guid;
  std::string mailbox_upn;
  std::string actor;
  std::vector<std::string> client_ips;  // sorted, unique
  TimeMs first_seen = 0;
  TimeMs last_seen = 0;
  std::vector<std::string> sessions;  // session ids, sorted
  // Rule-specific details as a JSON object text, written with JsonWriter so
  // that its bytes are deterministic ("{}" when none).
  std::string details_json = "{}";
  std::vector<EvidenceAnchor> evidence;  // sorted by (time, record_id); at least one
};

std::string EncodeSession(const Session& s);
absl::StatusOr<Session> DecodeSession(std::string_view bytes);
std::string EncodeFinding(const Finding& f);
absl::StatusOr<Finding> DecodeFinding(std::string_view bytes);

}  // namespace tern

#endif  // TERN_CORE_MODEL_FINDING_H_
