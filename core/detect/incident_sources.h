// Which events the incident pass (analyzer.cc) has to read, so that it can
// read those instead of the whole case.
//
// IncidentGraph::OnEvent uses three kinds of events: those from an attacker
// IP, those carrying a session id (IncidentSessionsOf) first seen on an
// attacker IP's event, and directory changes (RecordType 8), which may lead
// up to an identity's compromise. Everything else it ignores. So:
//   - pass 1 (Observe) counts the client IPs of every session id; only ids
//     seen from two or more (an absent IP counts as one) can bring in events
//     that are not from an attacker IP themselves;
//   - pass 2 (Index) writes a derived entry for each event carrying such an
//     id and for each directory change;
//   - the incident pass (Gather) takes the attacker IPs' events from the
//     case's IP index, their sessions' events and the directory changes
//     from those entries. Fed to the graph in (time, record id) order
//     (CaseStore::VisitEvents), they give the incidents a full scan gives.
//
// Memory: 8 bytes per session id until Freeze (at most kMaxSessionIds of
// them: past that the census gives up, Gather answers nullopt and the pass
// scans), then the hashes of the ids seen from several IPs. Hashes that
// collide only add entries. Thread-compatible.
#ifndef TERN_CORE_DETECT_INCIDENT_SOURCES_H_
#define TERN_CORE_DETECT_INCIDENT_SOURCES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "core/model/event.h"
#include "core/store/case_store.h"
#include "core/store/derived_appender.h"

namespace tern::detect {

// RecordType of Entra ID directory changes (AzureActiveDirectory).
inline constexpr int32_t kDirectoryRecordType = 8;

// Derived kind of the entries Index writes.
inline constexpr char kIncidentSourcesKind[] = "incident_sources";

// The session ids the incident graph links an event by, lower-case ("" when
// absent): its Entra sign-in session (correlate::SignInSessionOf) and its
// Exchange SessionId.
struct IncidentSessions {
  std::string sign_in;
  std::string exchange;
};
IncidentSessions IncidentSessionsOf(const Event& e);

class IncidentSources {
 public:
  // What a table of 2^21 slots holds before it grows (absl keeps them at
  // most 7/8 full): 1.8M session ids in 19 MB, freed when the first pass
  // ends. About 1.4M events of a generated tenant; past that, the pass scans.
  static constexpr size_t kMaxSessionIds = (size_t{1} << 21) / 8 * 7;
  explicit IncidentSources(size_t max_session_ids = kMaxSessionIds)
      : max_session_ids_(max_session_ids) {}

  // Pass 1: one event, `ip_id` numbering its client IP (equal ids for equal
  // IP text; kNoIp when it has none). REQUIRES: not frozen.
  static constexpr uint32_t kNoIp = ~uint32_t{0} - 1;
  void Observe(const Event& e, uint32_t ip_id);
  // Keeps the session ids seen from several IPs; frees the rest.
  void Freeze();
  // Session ids (hashes: ids sharing one count once) kept by Freeze.
  size_t roaming_sessions() const { return roaming_.size(); }
  // False once the census gave up (more than max_session_ids).
  bool complete() const { return !gave_up_; }

  // Pass 2: the entries of `e` (none for most events). REQUIRES: frozen.
  void Index(const Event& e, DerivedAppender& out) const;

  // The events the incident graph may use, given its attacker IPs; nullopt
  // when there are more than `max_refs` (a full scan is then cheaper).
  absl::StatusOr<std::optional<std::vector<CaseStore::EventRef>>> Gather(
      CaseStore& store, const std::vector<std::string>& attacker_ips, size_t max_refs) const;

 private:
  static constexpr uint32_t kSeveral = ~uint32_t{0};
  // Calls fn with the 32-bit hash of each session id of `e` (none, one or
  // two: IncidentSessionsOf).
  template <typename Fn>
  static void ForEachSessionHash(const Event& e, Fn fn);

  size_t max_session_ids_;
  bool gave_up_ = false;
  absl::flat_hash_map<uint32_t, uint32_t> first_ip_;  // until Freeze
  absl::flat_hash_set<uint32_t> roaming_;             // after Freeze
};

}  // namespace tern::detect

#endif  // TERN_CORE_DETECT_INCIDENT_SOURCES_H_
