// CaseView: everything the reports need from a case, loaded once from the
// store in a deterministic order, with evidence anchors resolved to source
// bytes (SHA-256 + archive member + line).
//
// Nothing here depends on ingest order, ordinals or thread count: evidence is
// sorted by (member path, given path, SHA-256), and an event seen in several
// sources is anchored to its smallest (SHA-256, member, line) copy.
// Thread-compatible.
#ifndef TERN_REPORTS_CASE_VIEW_H_
#define TERN_REPORTS_CASE_VIEW_H_

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "core/detect/analyzer.h"
#include "core/model/case_incident.h"
#include "core/model/evidence_record.h"
#include "core/model/finding.h"
#include "core/store/analysis_inputs.h"
#include "core/store/case_store.h"
#include "reports/activity.h"

namespace tern {

// An anchor resolved to the bytes it came from.
struct ResolvedAnchor {
  std::string record_id;
  std::string sha256;  // of the file or archive member holding the record
  std::string member;  // member path chain inside the top-level file ("" if none)
  uint64_t line = 0;
  TimeMs time_ms = 0;
  uint64_t copies = 1;  // how many sources hold this record
};

// The member chain and SHA-256 of one evidence item, for anchors.
struct SourceRef {
  std::string sha256;
  std::string member;    // "a/b.zip!c.csv" chain inside the top-level file; "" if none
  std::string top_path;  // the top-level file as given
};

// Translates case-local evidence ordinals (which depend on ingest order) into
// SHA-256 + member, and picks for a record the smallest (SHA-256, member,
// line) among all sources holding it, so that outputs never depend on which
// copy happened to be ingested first. Thread-compatible; reads the store.
class SourceResolver {
 public:
  // Loads the evidence records of `store`.
  static absl::StatusOr<SourceResolver> Create(CaseStore& store);
  // `records`: the custody records to resolve against (copied).
  SourceResolver(CaseStore& store, const std::vector<EvidenceRecord>& records,
                 bool store_has_copies);

  // The source of evidence `ordinal`; empty fields if unknown.
  SourceRef Source(uint32_t ordinal) const;
  // The smallest source of `record_id` among the one at (ordinal, line) and
  // its duplicate copies in the store.
  absl::StatusOr<ResolvedAnchor> Resolve(std::string_view record_id, uint32_t ordinal,
                                         uint64_t line, TimeMs time_ms) const;

 private:
  CaseStore* store_;
  std::unordered_map<uint32_t, EvidenceRecord> by_ordinal_;
  bool store_has_copies_;
};

// The anchors of `finding`, resolved in order.
absl::StatusOr<std::vector<ResolvedAnchor>> ResolveAnchors(const SourceResolver& resolver,
                                                           const Finding& finding);

// The path of a top-level evidence file as opened: the command-line input,
// or input folder + relative path for a file found by walking a folder.
inline const std::string& TopLevelPath(const EvidenceRecord& r) {
  return r.display.empty() ? r.given_path : r.display;
}

struct EvidenceNodeView {
  const EvidenceRecord* record = nullptr;
  std::vector<EvidenceNodeView> members;  // sorted by member path, then SHA-256
};

// An incident with its timeline and exposure anchors resolved (parallel to
// incident.timeline and incident.exposure).
struct IncidentView {
  CaseIncident incident;
  std::vector<ResolvedAnchor> timeline;
  std::vector<ResolvedAnchor> exposure;
  // The sessions its timeline events fall into (same client IP and mailbox,
  // start <= time <= end), sorted; LoadCaseView fills it.
  std::vector<std::string> sessions;
};

struct CaseView {
  std::string tool_version;
  int store_schema = 0;  // the case store's own schema (CaseStore::schema_version)
  std::string case_id;
  std::string examiner;
  // The IANA zone report.html shows times in ("" = UTC); findings.json and
  // the exports always use UTC.
  std::string display_timezone;
  std::vector<EvidenceRecord> evidence_records;  // owned storage for the tree
  std::vector<EvidenceNodeView> evidence;        // top-level items, sorted
  uint64_t events = 0;
  uint64_t duplicates = 0;
  uint64_t rejected = 0;
  TimeMs first_event = kNoTime;
  TimeMs last_event = kNoTime;
  std::vector<Warning> warnings;  // case-level completeness/integrity warnings, sorted
  std::vector<Finding> findings;  // in F-id order
  std::vector<std::vector<ResolvedAnchor>> anchors;  // parallel to findings
  std::vector<IncidentView> incidents;               // in I-id order (reports/incident_report.h)
  // Sorted by (start, id). Built by hand (tests) it holds every session.
  // LoadCaseView keeps only what the HTML report can show: the first
  // kSessionsKept sessions findings name and the first kSessionsKept others;
  // the rest stay in the store, counted in session_count. findings.json reads
  // the sessions it carries from session_store, WriteSessionsJsonl streams all.
  std::vector<Session> sessions;
  // Where findings.json reads the sessions NamedSessions lists: LoadCaseView
  // sets it to the case store, which must outlive the view. Views built by
  // hand leave it null and findings.json takes them from `sessions`.
  CaseStore* session_store = nullptr;
  uint64_t session_count = 0;  // 0: sessions.size()
  uint64_t SessionCount() const { return std::max<uint64_t>(session_count, sessions.size()); }
  std::map<Severity, uint64_t> findings_by_severity;
  uint64_t mailboxes = 0;

  // For the HTML report only (findings.json does not use these).
  Activity activity;                          // histogram, per-mailbox/IP views, finding events
  std::vector<RuleInfo> rules;                // the detection catalog, for the methodology
  std::vector<std::string> library_versions;  // storage, archive, crypto libraries
  // The rule files (--rules) and tuning file (--config) of the analysis.
  std::vector<AnalysisInput> inputs;
};

// Loads the view. `tool_version` is recorded in the reports. Two ScanEvents
// passes over the case aggregate the activity (LoadActivity: a counter per
// distinct mailbox and IP, full rows only for those the report shows).
absl::StatusOr<CaseView> LoadCaseView(CaseStore& store, const std::string& tool_version);

// The sessions the case's findings and incidents name: findings.json
// carries these (all sessions are in sessions.jsonl), and LoadCaseView always
// keeps them.
std::set<std::string> NamedSessions(const CaseView& view);

// Sessions LoadCaseView keeps of those findings name, and of the others: the
// HTML table's row limit (reports/html_internal.h kMaxTableRows) each, so
// the view does not grow with the case (111,782 sessions named at 10M).
inline constexpr size_t kSessionsKept = 2000;

}  // namespace tern

#endif  // TERN_REPORTS_CASE_VIEW_H_
