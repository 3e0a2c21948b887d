#include "reports/export/export_source.h"

#include <deque>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "core/base/status_macros.h"
#include "core/base/strings.h"
#include "core/correlate/directory.h"
#include "core/correlate/sessionizer.h"
#include "core/correlate/text.h"
#include "core/detect/analyzer.h"

namespace tern {
namespace {

constexpr TimeMs kAllFrom = std::numeric_limits<TimeMs>::min();
constexpr TimeMs kAllTo = std::numeric_limits<TimeMs>::max();
// Stored sessions decoded per read of the derived family.
constexpr size_t kSessionChunk = 1024;

// Finds the stored session of each event while the events stream in time
// order: stored sessions are read in (start, id) order a chunk at a time and
// kept while they may still hold upcoming events.
class SessionMatcher {
 public:
  explicit SessionMatcher(CaseStore& store) : store_(store) {}

  // The session of group `key` covering time `t`, or nullptr.
  // REQUIRES: non-decreasing `t` across calls.
  absl::StatusOr<const Session*> Find(const std::string& key, TimeMs t) {
    TERN_RETURN_IF_ERROR(Advance(t));
    auto it = open_.find(key);
    if (it == open_.end() || it->second.start > t || it->second.end < t) return nullptr;
    return &it->second;
  }

 private:
  absl::Status Advance(TimeMs t) {
    while (true) {
      if (pending_.empty() && !exhausted_) TERN_RETURN_IF_ERROR(ReadChunk());
      if (pending_.empty() || pending_.front().start > t) break;
      Session s = std::move(pending_.front());
      pending_.pop_front();
      const std::string key =
          correlate::SessionGroupKey(s.mailbox_guid.empty() ? s.mailbox_upn : s.mailbox_guid,
                                     s.client_ip, s.actor, s.session_id);
      auto [it, inserted] = open_.try_emplace(key);
      if (!inserted) by_end_.erase({it->second.end, key});
      it->second = std::move(s);
      by_end_.emplace(it->second.end, key);
    }
    // Sessions that ended before `t` hold no later event.
    while (!by_end_.empty() && by_end_.begin()->first < t) {
      open_.erase(by_end_.begin()->second);
      by_end_.erase(by_end_.begin());
    }
    return absl::OkStatus();
  }

  absl::Status ReadChunk() {
    absl::Status decode;
    size_t read = 0;
    std::string last;
    TERN_RETURN_IF_ERROR(store_.ScanDerivedFrom("sessions", next_key_,
                                                [&](std::string_view key, std::string_view value) {
                                                  absl::StatusOr<Session> s = DecodeSession(value);
                                                  if (!s.ok()) {
                                                    decode = s.status();
                                                    return false;
                                                  }
                                                  pending_.push_back(*std::move(s));
                                                  last.assign(key);
                                                  return ++read < kSessionChunk;
                                                }));
    TERN_RETURN_IF_ERROR(decode);
    if (read < kSessionChunk) exhausted_ = true;
    next_key_ = last + std::string(1, '\0');  // the smallest key after `last`
    return absl::OkStatus();
  }

  CaseStore& store_;
  std::string next_key_;
  bool exhausted_ = false;
  std::deque<Session> pending_;                      // read, not started yet
  absl::flat_hash_map<std::string, Session> open_;   // group key -> latest started
  std::set<std::pair<TimeMs, std::string>> by_end_;  // (end, group key) of open_
};

}  // namespace

std::string_view EventOutcome(std::string_view result_status) {
  const std::string s = absl::AsciiStrToLower(ToAbsl(result_status));
  if (s == "succeeded" || s == "success" || s == "true" || s == "partiallysucceeded") {
    return "success";
  }
  if (s == "failed" || s == "failure" || s == "false") return "failure";
  return "unknown";
}

absl::StatusOr<ExportCase> LoadExportCase(CaseStore& store) {
  ExportCase kase;
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> case_id, store.GetMeta("case_id"));
  kase.case_id = case_id.value_or("");
  TERN_RETURN_IF_ERROR(CheckAnalysisFinished(store, "exporting"));
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> state, store.GetMeta(kAnalysisStateKey));
  kase.analyzed = state.has_value();
  TERN_ASSIGN_OR_RETURN(SourceResolver resolver, SourceResolver::Create(store));
  absl::Status decode;
  TERN_RETURN_IF_ERROR(store.ScanDerived("findings", [&](std::string_view, std::string_view value) {
    absl::StatusOr<Finding> f = DecodeFinding(value);
    if (!f.ok()) {
      decode = f.status();
      return false;
    }
    kase.findings.push_back({*std::move(f), {}});
    return true;
  }));
  TERN_RETURN_IF_ERROR(decode);
  for (ExportFinding& f : kase.findings) {
    TERN_ASSIGN_OR_RETURN(f.anchors, ResolveAnchors(resolver, f.finding));
  }
  return kase;
}

absl::Status ForEachEnrichedEvent(CaseStore& store, const ExportCase& kase,
                                  const EnrichedEventFn& fn) {
  TERN_ASSIGN_OR_RETURN(SourceResolver resolver, SourceResolver::Create(store));
  absl::flat_hash_map<std::string, std::vector<std::string>> findings_of;  // record id -> F-ids
  for (const ExportFinding& f : kase.findings) {
    for (const EvidenceAnchor& a : f.finding.evidence) {
      std::vector<std::string>& ids = findings_of[a.record_id];
      if (ids.empty() || ids.back() != f.finding.id) ids.push_back(f.finding.id);
    }
  }
  // Attribution as `tern analyze` did it, so events find their sessions:
  // the directory it stored, rebuilt from the events for cases analyzed
  // before it was stored.
  correlate::MailboxDirectory directory;
  if (kase.analyzed) {
    TERN_ASSIGN_OR_RETURN(std::optional<correlate::MailboxDirectory> stored,
                          correlate::LoadMailboxDirectory(store));
    if (stored.has_value()) {
      directory = *std::move(stored);
    } else {
      TERN_RETURN_IF_ERROR(store.ScanEvents(kAllFrom, kAllTo, [&](const Event& e) {
        directory.Observe(e);
        return true;
      }));
    }
  }
  SessionMatcher sessions(store);
  correlate::ActorMemo actors(&directory);
  absl::Status inner;
  TERN_RETURN_IF_ERROR(store.ScanEvents(kAllFrom, kAllTo, [&](const Event& e) {
    EventEnrichment x;
    absl::StatusOr<ResolvedAnchor> source =
        resolver.Resolve(e.record_id, e.provenance.evidence, e.provenance.line, e.time_ms);
    if (!source.ok()) {
      inner = source.status();
      return false;
    }
    x.source = *std::move(source);
    if (kase.analyzed) {
      x.directory = &directory;
      absl::StatusOr<const Session*> s =
          sessions.Find(correlate::SessionGroupKey(directory.ForEvent(e).key(), e.client_ip,
                                                   actors.For(e), correlate::RecordSessionId(e)),
                        e.time_ms);
      if (!s.ok()) {
        inner = s.status();
        return false;
      }
      x.session = *s;
    }
    auto it = findings_of.find(e.record_id);
    if (it != findings_of.end()) x.finding_ids = &it->second;
    inner = fn(e, x);
    return inner.ok();
  }));
  return inner;
}

absl::StatusOr<ExportSummary> ExportThrough(CaseStore& store, const OutputInfo& output,
                                            OutputTarget target) {
  TERN_ASSIGN_OR_RETURN(ExportCase kase, LoadExportCase(store));
  target.case_id = kase.case_id;
  target.store = &store;
  std::unique_ptr<OutputModule> module = output.make(target);
  ExportSummary summary;
  TERN_RETURN_IF_ERROR(module->WriteHeader());
  TERN_RETURN_IF_ERROR(
      ForEachEnrichedEvent(store, kase, [&](const Event& e, const EventEnrichment& x) {
        ++summary.events;
        return module->WriteEvent(e, x);
      }));
  for (const ExportFinding& f : kase.findings) {
    ++summary.findings;
    TERN_RETURN_IF_ERROR(module->WriteFinding(f));
  }
  TERN_RETURN_IF_ERROR(module->WriteFooter());
  return summary;
}

}  // namespace tern
