#include "reports/case_view.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "core/base/status_macros.h"
#include "core/detect/analyzer.h"
#include "core/evidence/library_versions.h"
#include "core/ingest/coverage.h"
#include "core/store/store_info.h"
#include "reports/incident_report.h"

namespace tern {
namespace {

// Kinds of warnings that speak about the completeness or integrity of the
// evidence as a whole; they go into findings.json and the report. Per-record
// rejections stay in custody.json and tern.log (counted in the summary).
bool IsCaseLevelWarning(const Warning& w) { return w.kind != "rejected-record"; }

using OrdinalIndex = std::unordered_map<uint32_t, const EvidenceRecord*>;

// Evidence that is part of the case: skipped re-presentations of known bytes
// and interrupted attempts are custody history, not evidence of the case.
bool IsCaseEvidence(const EvidenceRecord& r) {
  return r.status != "skipped-known-sha256" && r.status != "interrupted";
}

template <typename Lookup>
SourceRef ResolveSourceWith(const Lookup& lookup, uint32_t ordinal) {
  SourceRef ref;
  const EvidenceRecord* r = lookup(ordinal);
  if (r == nullptr) return ref;
  ref.sha256 = r->sha256;
  std::vector<std::string> chain;
  while (r != nullptr && r->parent != 0) {
    chain.push_back(r->member_path);
    r = lookup(r->parent);
  }
  if (r != nullptr) ref.top_path = TopLevelPath(*r);
  std::reverse(chain.begin(), chain.end());
  for (size_t i = 0; i < chain.size(); ++i) {
    if (i > 0) ref.member += "!";
    ref.member += chain[i];
  }
  return ref;
}

SourceRef ResolveSource(const OrdinalIndex& by_ordinal, uint32_t ordinal) {
  return ResolveSourceWith(
      [&](uint32_t o) -> const EvidenceRecord* {
        auto it = by_ordinal.find(o);
        return it == by_ordinal.end() ? nullptr : it->second;
      },
      ordinal);
}

bool NodeLess(const EvidenceNodeView& a, const EvidenceNodeView& b) {
  const EvidenceRecord& x = *a.record;
  const EvidenceRecord& y = *b.record;
  return std::make_tuple(x.member_path, TopLevelPath(x), x.sha256, x.status) <
         std::make_tuple(y.member_path, TopLevelPath(y), y.sha256, y.status);
}

EvidenceNodeView BuildNode(const EvidenceRecord* record,
                           const std::multimap<uint32_t, const EvidenceRecord*>& children) {
  EvidenceNodeView node;
  node.record = record;
  auto [begin, end] = children.equal_range(record->ordinal);
  for (auto it = begin; it != end; ++it) node.members.push_back(BuildNode(it->second, children));
  std::sort(node.members.begin(), node.members.end(), NodeLess);
  return node;
}

// Finds the sessions incidents' timeline events fall into. A session has one
// client IP and one mailbox (sessionizer.h), so an event belongs to the
// sessions of its IP and mailbox whose [start, end] holds its time.
class IncidentSessions {
 public:
  explicit IncidentSessions(const std::vector<IncidentView>& incidents) {
    for (size_t i = 0; i < incidents.size(); ++i) {
      for (const IncidentEvent& e : incidents[i].incident.timeline) {
        times_[Key(e.client_ip, e.mailbox)].emplace_back(e.anchor.time_ms, i);
      }
    }
    for (auto& [key, times] : times_) std::sort(times.begin(), times.end());
  }

  // Adds `s` to the sessions of every incident with an event in it.
  void Match(const Session& s, std::vector<std::set<std::string>>& sessions) const {
    if (times_.empty()) return;
    auto match_mailbox = [&](const std::string& mailbox) {
      auto it = times_.find(Key(s.client_ip, mailbox));
      if (it == times_.end()) return;
      const auto& times = it->second;
      for (auto t =
               std::lower_bound(times.begin(), times.end(), std::pair<TimeMs, size_t>(s.start, 0));
           t != times.end() && t->first <= s.end; ++t) {
        sessions[t->second].insert(s.id);
      }
    };
    // Timeline events name the mailbox by UPN, else GUID; "" for none.
    match_mailbox(s.mailbox_upn);
    if (s.mailbox_guid != s.mailbox_upn) match_mailbox(s.mailbox_guid);
  }

 private:
  static std::string Key(const std::string& ip, const std::string& mailbox) {
    return absl::StrCat(ip, "\x1f", mailbox);
  }
  // (time, incident index) of the timeline events, by client IP and mailbox.
  std::unordered_map<std::string, std::vector<std::pair<TimeMs, size_t>>> times_;
};

}  // namespace

absl::StatusOr<std::vector<ResolvedAnchor>> ResolveAnchors(const SourceResolver& resolver,
                                                           const Finding& finding) {
  std::vector<ResolvedAnchor> out;
  for (const EvidenceAnchor& anchor : finding.evidence) {
    TERN_ASSIGN_OR_RETURN(
        ResolvedAnchor resolved,
        resolver.Resolve(anchor.record_id, anchor.evidence, anchor.line, anchor.time_ms));
    out.push_back(std::move(resolved));
  }
  return out;
}

absl::StatusOr<SourceResolver> SourceResolver::Create(CaseStore& store) {
  TERN_ASSIGN_OR_RETURN(std::vector<EvidenceRecord> records, store.ListEvidence());
  TERN_ASSIGN_OR_RETURN(uint64_t copies, store.CountCopies());
  return SourceResolver(store, records, copies > 0);
}

SourceResolver::SourceResolver(CaseStore& store, const std::vector<EvidenceRecord>& records,
                               bool store_has_copies)
    : store_(&store), store_has_copies_(store_has_copies) {
  for (const EvidenceRecord& r : records) {
    if (IsCaseEvidence(r)) by_ordinal_.emplace(r.ordinal, r);
  }
}

SourceRef SourceResolver::Source(uint32_t ordinal) const {
  return ResolveSourceWith(
      [&](uint32_t o) -> const EvidenceRecord* {
        auto it = by_ordinal_.find(o);
        return it == by_ordinal_.end() ? nullptr : &it->second;
      },
      ordinal);
}

absl::StatusOr<ResolvedAnchor> SourceResolver::Resolve(std::string_view record_id, uint32_t ordinal,
                                                       uint64_t line, TimeMs time_ms) const {
  std::vector<std::tuple<std::string, std::string, uint64_t>> sources;
  SourceRef stored = Source(ordinal);
  sources.emplace_back(std::move(stored.sha256), std::move(stored.member), line);
  // Most cases have no duplicates at all: skip the per-record lookup then.
  if (store_has_copies_) {
    TERN_ASSIGN_OR_RETURN(std::vector<CaseStore::Copy> copies, store_->GetCopies(record_id));
    for (const CaseStore::Copy& copy : copies) {
      SourceRef ref = Source(copy.provenance.evidence);
      sources.emplace_back(std::move(ref.sha256), std::move(ref.member), copy.provenance.line);
    }
  }
  std::sort(sources.begin(), sources.end());
  ResolvedAnchor resolved;
  resolved.record_id = std::string(record_id);
  std::tie(resolved.sha256, resolved.member, resolved.line) = sources.front();
  resolved.time_ms = time_ms;
  resolved.copies = sources.size();
  return resolved;
}

absl::StatusOr<CaseView> LoadCaseView(CaseStore& store, const std::string& tool_version) {
  CaseView view;
  view.tool_version = tool_version;
  view.store_schema = store.schema_version();
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> case_id, store.GetMeta("case_id"));
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> examiner, store.GetMeta("examiner"));
  view.case_id = case_id.value_or("");
  view.examiner = examiner.value_or("");

  TERN_ASSIGN_OR_RETURN(std::vector<EvidenceRecord> all, store.ListEvidence());
  for (EvidenceRecord& r : all) {
    if (IsCaseEvidence(r)) view.evidence_records.push_back(std::move(r));
  }
  OrdinalIndex by_ordinal;
  std::multimap<uint32_t, const EvidenceRecord*> children;
  for (const EvidenceRecord& r : view.evidence_records) {
    by_ordinal[r.ordinal] = &r;
    if (r.parent != 0) children.emplace(r.parent, &r);
    if (r.is_container) continue;
    view.rejected += r.records_rejected;
    if (r.first_event_ms != kNoTime &&
        (view.first_event == kNoTime || r.first_event_ms < view.first_event)) {
      view.first_event = r.first_event_ms;
    }
    if (r.last_event_ms != kNoTime &&
        (view.last_event == kNoTime || r.last_event_ms > view.last_event)) {
      view.last_event = r.last_event_ms;
    }
  }
  for (const EvidenceRecord& r : view.evidence_records) {
    if (r.parent == 0) view.evidence.push_back(BuildNode(&r, children));
  }
  std::sort(view.evidence.begin(), view.evidence.end(), NodeLess);

  std::set<std::tuple<std::string, std::string, uint64_t, std::string>> warnings;
  for (const EvidenceRecord& r : view.evidence_records) {
    const SourceRef ref = ResolveSource(by_ordinal, r.ordinal);
    const std::string source =
        ref.member.empty() ? ref.top_path : absl::StrCat(ref.top_path, "!", ref.member);
    for (const Warning& w : r.warnings) {
      if (IsCaseLevelWarning(w)) warnings.emplace(w.kind, source, w.line, w.detail);
    }
  }
  // Holes between sources and overlapping sources: computed from the
  // evidence set, so they do not depend on ingest order.
  for (const Warning& w : AnalyzeCoverage(view.evidence_records).warnings) {
    warnings.emplace(w.kind, w.source, w.line, w.detail);
  }
  for (const auto& [kind, source, line, detail] : warnings) {
    view.warnings.push_back(Warning{kind, source, line, detail});
  }

  TERN_ASSIGN_OR_RETURN(view.events, store.CountEvents());
  TERN_ASSIGN_OR_RETURN(view.duplicates, store.CountCopies());
  const SourceResolver resolver(store, view.evidence_records, view.duplicates > 0);

  absl::Status decode_status;
  TERN_RETURN_IF_ERROR(store.ScanDerived("findings", [&](std::string_view, std::string_view value) {
    absl::StatusOr<Finding> finding = DecodeFinding(value);
    if (!finding.ok()) {
      decode_status = finding.status();
      return false;
    }
    view.findings.push_back(*std::move(finding));
    return true;
  }));
  TERN_RETURN_IF_ERROR(decode_status);
  for (const Finding& f : view.findings) {
    ++view.findings_by_severity[f.severity];
    TERN_ASSIGN_OR_RETURN(std::vector<ResolvedAnchor> anchors, ResolveAnchors(resolver, f));
    view.anchors.push_back(std::move(anchors));
  }
  TERN_RETURN_IF_ERROR(LoadIncidents(store, resolver, &view));
  TERN_RETURN_IF_ERROR(CheckAnalysisFinished(store, "reporting"));
  std::set<std::string> named_by_findings;
  for (const Finding& f : view.findings) {
    named_by_findings.insert(f.sessions.begin(), f.sessions.end());
  }
  const IncidentSessions incident_sessions(view.incidents);
  std::vector<std::set<std::string>> sessions_of_incident(view.incidents.size());
  std::set<std::string> mailboxes;
  TERN_ASSIGN_OR_RETURN(view.activity, LoadActivity(store, view.findings));
  SessionGeo geo(view.activity, view.findings);
  size_t kept_named = 0;
  size_t kept_others = 0;
  TERN_RETURN_IF_ERROR(store.ScanDerived("sessions", [&](std::string_view, std::string_view value) {
    absl::StatusOr<Session> session = DecodeSession(value);
    if (!session.ok()) {
      decode_status = session.status();
      return false;
    }
    ++view.session_count;
    mailboxes.insert(session->mailbox_guid.empty() ? session->mailbox_upn : session->mailbox_guid);
    geo.Add(session->client_ip, session->geo);
    incident_sessions.Match(*session, sessions_of_incident);
    // The HTML shows the sessions findings name first, then the others, in
    // (start, id) order and up to its row limit: the first of each suffice.
    size_t& kept = named_by_findings.contains(session->id) ? kept_named : kept_others;
    if (kept < kSessionsKept) {
      ++kept;
      view.sessions.push_back(*std::move(session));
    }
    return true;
  }));
  TERN_RETURN_IF_ERROR(decode_status);
  for (size_t i = 0; i < view.incidents.size(); ++i) {
    view.incidents[i].sessions.assign(sessions_of_incident[i].begin(),
                                      sessions_of_incident[i].end());
  }
  mailboxes.erase("");
  view.mailboxes = mailboxes.size();
  view.session_store = &store;
  // The store's keys are already in (start, id) order (analyzer.h SessionKey).
  std::sort(view.sessions.begin(), view.sessions.end(), [](const Session& a, const Session& b) {
    return std::tie(a.start, a.id) < std::tie(b.start, b.id);
  });
  view.rules = RuleCatalog();
  // Rules given to the analysis (Sigma --rules) after the built-in ones.
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> loaded, store.GetMeta(kLoadedRulesKey));
  if (loaded) {
    TERN_ASSIGN_OR_RETURN(std::vector<RuleInfo> extra, DecodeRuleInfos(*loaded));
    view.rules.insert(view.rules.end(), extra.begin(), extra.end());
  }
  TERN_ASSIGN_OR_RETURN(view.inputs, GetAnalysisInputs(store));
  view.library_versions = {StorageEngineVersion(), ArchiveLibraryVersion(), CryptoLibraryVersion()};
  return view;
}

std::set<std::string> NamedSessions(const CaseView& view) {
  std::set<std::string> named;
  for (const Finding& f : view.findings) named.insert(f.sessions.begin(), f.sessions.end());
  for (const IncidentView& i : view.incidents) named.insert(i.sessions.begin(), i.sessions.end());
  return named;
}

}  // namespace tern
