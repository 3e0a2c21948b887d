#include "core/detect/analyzer.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "core/base/codec.h"
#include "core/base/status_macros.h"
#include "core/base/string_pool.h"
#include "core/correlate/baseline.h"
#include "core/correlate/directory.h"
#include "core/correlate/geo.h"
#include "core/correlate/ip_catalog.h"
#include "core/correlate/pivots.h"
#include "core/correlate/roaming_census.h"
#include "core/correlate/sessionizer.h"
#include "core/correlate/shared_ip_census.h"
#include "core/correlate/signin.h"
#include "core/correlate/text.h"
#include "core/detect/builtin_rules.h"
#include "core/detect/incident.h"
#include "core/detect/incident_graph.h"
#include "core/detect/incident_sources.h"
#include "core/detect/rule.h"
#include "core/detect/rules.h"
#include "core/detect/sigma_rules.h"
#include "core/detect/tuning_pass.h"
#include "core/model/case_incident.h"
#include "core/sigma/rule.h"
#include "core/store/derived_appender.h"

namespace tern {
namespace {

constexpr TimeMs kAllFrom = std::numeric_limits<TimeMs>::min();
constexpr TimeMs kAllTo = std::numeric_limits<TimeMs>::max();

// The actor acts on its own mailbox: an Owner (or unrecorded) logon by the
// mailbox's owner. SIDs and names cannot be compared with a UPN, so only a
// different UPN makes an Owner logon a non-owner one (entry 39).
bool IsOwner(const Event& e, const correlate::MailboxRef& mailbox, const std::string& actor) {
  if (e.logon_type != kLogonOwner && e.logon_type != kLogonUnknown) return false;
  if (actor.empty() || mailbox.upn.empty()) return e.logon_type == kLogonOwner;
  if (actor == mailbox.upn) return true;
  return e.logon_type == kLogonOwner && actor.find('@') == std::string::npos;
}

std::string FindingKey(size_t index) {
  char key[24];
  std::snprintf(key, sizeof(key), "%08zu", index);
  return key;
}

// IP lookups remembered at once (about 500 bytes each).
constexpr size_t kGeoCacheEntries = 1 << 14;

// The shared block cache while an analysis runs: its reads are scans, which
// cache no data blocks, and a few point reads (meta, ids). What the scans'
// table opens load (index partitions, dictionaries) is evicted instead of
// filling 64 MiB at 10M records.
constexpr size_t kAnalysisBlockCacheBytes = size_t{8} << 20;
// The incident pass reads its events one by one while they are at most one
// in this many of the case's; past that, a 16 KiB block holds about one of
// them and the scan, which reads each block once anyway, costs no more.
constexpr uint64_t kIncidentReadsPerScan = 16;

// Tells AnalyzeOptions::on_progress where the analysis is.
class ProgressReporter {
 public:
  ProgressReporter(const std::function<void(const AnalysisProgress&)>& fn, uint64_t total)
      : fn_(fn) {
    now_.total = total;
  }
  // Ends the current step (if any) and starts `step`.
  void Step(int step, std::string_view name) {
    End();
    now_ = AnalysisProgress{step, name, 0, now_.total, false};
    Emit();
  }
  // One more event read by the current step.
  void CountEvent() {
    if (++now_.events % kProgressEvents == 0) Emit();
  }
  void End() {
    if (now_.step == 0 || now_.done) return;
    now_.done = true;
    Emit();
  }

 private:
  void Emit() const {
    if (fn_) fn_(now_);
  }
  const std::function<void(const AnalysisProgress&)>& fn_;
  AnalysisProgress now_;
};

// The incidents (core/detect/incident_graph.h): one more pass over the events
// when any finding seeds one. Stored as derived kind "incidents".
absl::Status BuildIncidents(CaseStore& store, const std::vector<Finding>& findings,
                            const correlate::MailboxDirectory& directory,
                            const correlate::OrgInfrastructure& infrastructure, TimeMs baseline_end,
                            const correlate::Sessionizer& sessionizer,
                            const detect::IncidentSources& sources,
                            AnalyzeOptions::IncidentReads reads, uint64_t case_events,
                            const std::function<GeoInfo(const std::string&)>& geo_of,
                            ProgressReporter& progress) {
  auto is_attacker_ip = [&](const std::string& ip) {
    const TimeMs first_seen = sessionizer.IpFirstSeen(ip);
    if (first_seen == kNoTime || first_seen < baseline_end) return false;
    return !infrastructure.IsOrgIp(ip, geo_of(ip).asn);
  };
  detect::IncidentGraph graph(findings, is_attacker_ip, geo_of);
  if (!graph.empty()) {
    correlate::ActorMemo actors(&directory);
    auto feed = [&](const Event& e) {
      progress.CountEvent();
      std::string target;
      if (e.record_type == detect::kDirectoryRecordType) {
        target = correlate::TargetUpnOf(e, directory.identities());
      }
      graph.OnEvent(e, directory.ForEvent(e), actors.For(e), target,
                    correlate::IsSystemPrincipal(e));
      return true;
    };
    // The events the graph can use, unless they are so many that reading
    // them one by one would cost more than the scan.
    std::optional<std::vector<CaseStore::EventRef>> refs;
    if (reads != AnalyzeOptions::IncidentReads::kScan) {
      const size_t max_refs = reads == AnalyzeOptions::IncidentReads::kTargeted
                                  ? std::numeric_limits<size_t>::max()
                                  : case_events / kIncidentReadsPerScan;
      TERN_ASSIGN_OR_RETURN(refs, sources.Gather(store, graph.attacker_ips(), max_refs));
    }
    if (refs) {
      TERN_RETURN_IF_ERROR(store.VisitEvents(*std::move(refs), feed));
    } else {
      TERN_RETURN_IF_ERROR(store.ScanEvents(kAllFrom, kAllTo, feed));
    }
  }
  DerivedAppender out(&store, "incidents");
  for (const CaseIncident& c : graph.Finish()) out.Add(c.id, EncodeCaseIncident(c));
  return out.Finish();
}

}  // namespace

std::string SessionKey(TimeMs start, std::string_view id) {
  std::string key;
  PutBigEndian64(OrderPreservingTime(start), &key);
  key.append(id);
  return key;
}

std::string_view SessionIdOfKey(std::string_view key) {
  return key.size() < sizeof(uint64_t) ? std::string_view() : key.substr(sizeof(uint64_t));
}

absl::Status CheckAnalysisFinished(CaseStore& store, std::string_view doing) {
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> state, store.GetMeta(kAnalysisStateKey));
  if (state.has_value() && *state != kAnalysisComplete) {
    return absl::FailedPreconditionError(
        absl::StrCat("the last `tern analyze` of this case did not finish; run it again before ",
                     std::string(doing)));
  }
  return absl::OkStatus();
}

absl::StatusOr<AnalysisSummary> Analyze(CaseStore& store, const AnalyzeOptions& options) {
  AnalysisSummary summary;
  // The analysis reads events by scans alone (CaseStore::SetBlockCacheCapacity).
  const size_t block_cache_bytes = store.SetBlockCacheCapacity(kAnalysisBlockCacheBytes);
  absl::Cleanup restore_block_cache = [&] { store.SetBlockCacheCapacity(block_cache_bytes); };

  std::unique_ptr<correlate::GeoIpReader> geo = correlate::GeoIpReader::Open(
      options.geoip_city_path, options.geoip_asn_path, &summary.warnings);
  absl::flat_hash_map<std::string, correlate::GeoResult> geo_cache;
  const correlate::GeoResult no_geo;
  const bool use_geo = geo->has_city() || geo->has_asn();
  auto geo_of = [&](const std::string& ip) -> const correlate::GeoResult& {
    if (!use_geo || ip.empty()) return no_geo;
    auto it = geo_cache.find(ip);
    if (it == geo_cache.end()) {
      // Lookups are pure: forgetting them bounds memory without changing
      // any answer. Only between events: the result is used until the next.
      if (geo_cache.size() >= kGeoCacheEntries) geo_cache.clear();
      it = geo_cache.emplace(ip, geo->Resolve(ip)).first;
    }
    return it->second;
  };

  // Pass 1: who is who (mailboxes, aliases, owner domains), the case span and
  // the organization's own networks.
  correlate::MailboxDirectory directory;
  correlate::OrgInfrastructure infrastructure(options.org_min_identities, options.org_min_days);
  // Every client IP with its first sighting, frozen into sorted arrays for
  // the sessionizer: pass 1 holds far less than pass 2, so the growing table
  // costs nothing at the peak (docs/BENCHMARKS.md "Change 22").
  correlate::IpCatalog ips;
  // Which record session ids move between IPs or clients: session-ip-change
  // keeps state for those alone.
  correlate::RoamingCensus roaming;
  // Which client IPs carry more than one mailbox: ip-multiple-mailboxes
  // keeps its window for those alone.
  correlate::SharedIpCensus shared_ips;
  // Which session ids roam between IPs: the incident pass reads their events.
  detect::IncidentSources incident_sources;
  TERN_ASSIGN_OR_RETURN(const uint64_t case_events, store.CountEvents());
  ProgressReporter progress(options.on_progress, case_events);
  progress.Step(1, "mailboxes, identities and networks");
  TERN_RETURN_IF_ERROR(store.ScanEvents(kAllFrom, kAllTo, [&](const Event& e) {
    progress.CountEvent();
    directory.Observe(e);
    if (e.client_ip.empty()) {
      incident_sources.Observe(e, detect::IncidentSources::kNoIp);
    } else {
      const uint32_t ip_id = ips.FindOrAdd(e.client_ip, e.time_ms);
      incident_sources.Observe(e, ip_id);
      shared_ips.Observe(ip_id, e);
      if (const std::string& sid = correlate::RecordSessionId(e); !sid.empty()) {
        roaming.Observe(sid, ip_id, e.client_info);
      }
      if (!correlate::IsSystemPrincipal(e)) {
        infrastructure.Observe(correlate::ActorOf(e), e.client_ip, geo_of(e.client_ip).info.asn,
                               e.time_ms);
      }
    }
    return true;
  }));
  directory.FinishObserving();
  infrastructure.Finish();
  ips.Freeze();
  roaming.Freeze();
  shared_ips.Freeze();
  incident_sources.Freeze();
  summary.moving_record_sessions = roaming.moving();
  summary.shared_ips = shared_ips.shared();
  // The tuning file's trusted networks are the organization's too: never new.
  infrastructure.Trust(detect::TrustedIpMatcher(options.tuning), options.tuning.trusted_asns);
  // Partner domains (tuning file) are where forwarding may go: not external.
  std::vector<std::string> org_domains =
      options.org_domains.empty() ? directory.OwnerDomains() : options.org_domains;
  org_domains.insert(org_domains.end(), options.tuning.partner_domains.begin(),
                     options.tuning.partner_domains.end());
  const correlate::OrgDomains org(org_domains);

  detect::IncidentTable incidents(
      static_cast<size_t>(std::max<int64_t>(options.max_anchors_per_finding, 1)));
  detect::SharedFacts facts;
  detect::RuleEnv env;
  env.options = &options;
  env.org = &org;
  env.directory = &directory;
  env.case_start = directory.first_event() == kNoTime ? 0 : directory.first_event();
  env.baseline_end = env.case_start + std::max<int64_t>(options.baseline_ms, 0);
  correlate::IdentityBaselines baselines(env.baseline_end, &infrastructure);
  env.infrastructure = &infrastructure;
  env.baselines = &baselines;
  env.incidents = &incidents;
  env.facts = &facts;
  env.roaming = &roaming;
  env.shared_ips = &shared_ips;
  std::vector<std::unique_ptr<detect::Rule>> rules = detect::MakeRules(env);

  // Pass 2: sessions, pivots and rules, streaming in time order.
  correlate::Sessionizer sessionizer(options.session_gap_ms, std::move(ips));
  correlate::PivotBuilder pivots(&store, correlate::kPivotSpillEntries);
  // The first event of each (actor, mailbox) pair, keyed by two small ids
  // (a string per pair cost ~120 bytes). The mailboxes are those events are
  // attributed to: counted as the reports count them (distinct session
  // mailboxes), so stdout and findings.json agree.
  StringPool actor_ids;
  StringPool mailbox_ids;
  absl::flat_hash_map<uint64_t, TimeMs> pair_first_seen;

  // Closed sessions go to the store a batch at a time, not held to the end.
  TERN_RETURN_IF_ERROR(store.PutMeta(kAnalysisStateKey, kAnalysisRunning));
  TERN_RETURN_IF_ERROR(store.DropDerived());
  DerivedAppender sessions(&store, "sessions");
  DerivedAppender incident_index(&store, detect::kIncidentSourcesKind);
  auto on_closed = [&](Session s) {
    for (auto& rule : rules) rule->OnSessionClosed(s);
    sessions.Add(SessionKey(s.start, s.id), EncodeSession(s));
  };

  correlate::ActorMemo actors(&directory);
  progress.Step(2, "sessions, pivots and rules");
  TERN_RETURN_IF_ERROR(store.ScanEvents(kAllFrom, kAllTo, [&](const Event& e) {
    progress.CountEvent();
    sessionizer.Advance(e.time_ms, on_closed);
    detect::EventContext ctx;
    ctx.event = &e;
    ctx.mailbox = directory.ForEvent(e, &ctx.mailbox_raw);
    ctx.actor = actors.For(e);
    if (std::string raw = correlate::ActorOf(e); raw != ctx.actor) ctx.actor_raw = std::move(raw);
    const uint32_t mailbox_id = ctx.mailbox.empty() ? 0 : mailbox_ids.Intern(ctx.mailbox.key());
    ctx.geo = &geo_of(e.client_ip);
    const correlate::Sessionizer::Assignment a =
        sessionizer.Add(e, ctx.mailbox, ctx.actor, ctx.geo->info);
    ctx.session = a.id;
    ctx.session_start = a.start;
    ctx.session_first_seen_ip = a.session_first_seen_ip;
    ctx.ip_first_seen = a.ip_first_seen;
    ctx.system = correlate::IsSystemPrincipal(e);
    if (!ctx.system) {
      ctx.novelty =
          baselines.Observe(ctx.actor.empty() ? ctx.mailbox.key() : ctx.actor, e, ctx.geo->info);
    }
    ctx.owner = IsOwner(e, ctx.mailbox, ctx.actor);
    ctx.after_baseline = e.time_ms >= env.baseline_end;
    ctx.ip_new = a.ip_first_seen != kNoTime && a.ip_first_seen >= env.baseline_end;
    if (!ctx.actor.empty() && !ctx.mailbox.empty()) {
      const uint64_t pair = uint64_t{actor_ids.Intern(ctx.actor)} << 32 | mailbox_id;
      auto [it, inserted] = pair_first_seen.try_emplace(pair, e.time_ms);
      ctx.pair_first_seen = it->second;
      ctx.pair_new = it->second >= env.baseline_end;
    }
    pivots.Add(e.time_ms, e.client_ip, ctx.mailbox, ctx.actor, ctx.geo->info);
    for (auto& rule : rules) rule->OnEvent(ctx);
    incident_sources.Index(e, incident_index);
    return true;
  }));
  TERN_RETURN_IF_ERROR(incident_index.Finish());
  sessionizer.Finish(on_closed);
  TERN_RETURN_IF_ERROR(sessions.Finish());
  for (auto& rule : rules) rule->Finish();
  detect::EscalateAttackerContext(incidents, [&](const std::string& ip) {
    const TimeMs first_seen = sessionizer.IpFirstSeen(ip);
    return first_seen != kNoTime && first_seen >= env.baseline_end;
  });

  detect::ApplyTuningPolicy(options.tuning, incidents,
                            [&](const std::string& ip) -> uint32_t { return geo_of(ip).info.asn; });

  // What the findings and the incidents pass below do not need goes before
  // the findings are built, the analysis' peak (docs/BENCHMARKS.md "Change
  // 24"): rule state, session bookkeeping, and the pivots (written now).
  // Rules that own the RuleInfo incidents point at stay until then.
  std::erase_if(rules, [](const std::unique_ptr<detect::Rule>& r) { return !r->OwnsRuleInfo(); });
  sessionizer.ReleaseAllButIpFirstSeen();
  const size_t mailbox_count = mailbox_ids.size();
  absl::flat_hash_map<uint64_t, TimeMs>().swap(pair_first_seen);
  actor_ids = StringPool();
  mailbox_ids = StringPool();
  TERN_ASSIGN_OR_RETURN(const correlate::PivotBuilder::Written pivot_counts, pivots.WriteTo(store));

  // Low-level anomalies: one finding per rule and identity for the case.
  incidents.RollUp(Severity::kLow);
  std::vector<Finding> findings = incidents.TakeFindings();
  rules.clear();
  for (const Finding& f : findings) ++summary.findings_by_severity[f.severity];
  progress.Step(3, "incidents");
  TERN_RETURN_IF_ERROR(BuildIncidents(
      store, findings, directory, infrastructure, env.baseline_end, sessionizer, incident_sources,
      options.incident_reads, case_events, [&](const std::string& ip) { return geo_of(ip).info; },
      progress));
  // Read by the incident pass alone.
  TERN_RETURN_IF_ERROR(store.ClearDerived(detect::kIncidentSourcesKind));
  progress.Step(4, "writing and compacting the results");

  // Findings (with their anchors) and the directory are written a batch at
  // a time: encoded whole, each was a second copy of itself and a third in
  // the write batch, the analysis' last peak (docs/BENCHMARKS.md "Change 12").
  DerivedAppender finding_out(&store, "findings");
  for (size_t i = 0; i < findings.size(); ++i) {
    finding_out.Add(FindingKey(i + 1), EncodeFinding(findings[i]));
  }
  TERN_RETURN_IF_ERROR(finding_out.Finish());
  DerivedAppender directory_out(&store, correlate::kDirectoryKind);
  directory.ForEachEntry([&](std::string key, std::string value) {
    directory_out.Add(std::move(key), std::move(value));
  });
  TERN_RETURN_IF_ERROR(directory_out.Finish());

  std::vector<RuleInfo> loaded;
  if (options.sigma_rules) {
    for (const sigma::Rule& r : *options.sigma_rules) {
      if (!detect::IsBuiltinSigmaRule(r) && !r.input_only) {
        loaded.push_back(detect::SigmaRuleInfo(r));
      }
    }
  }
  TERN_RETURN_IF_ERROR(store.PutMeta(kLoadedRulesKey, EncodeRuleInfos(loaded)));
  TERN_RETURN_IF_ERROR(PutAnalysisInputs(store, options.inputs));
  TERN_RETURN_IF_ERROR(store.CompactDerived());
  // The results were appended without the WAL: durable before they are
  // declared whole.
  TERN_RETURN_IF_ERROR(store.Commit());
  TERN_RETURN_IF_ERROR(store.PutMeta(kAnalysisStateKey, kAnalysisComplete));
  progress.End();

  summary.events = directory.events();
  summary.sessions = sessions.added();
  summary.findings = findings.size();
  summary.mailboxes = mailbox_count;
  summary.ip_pivots = pivot_counts.ip_pivots;
  summary.actor_pivots = pivot_counts.actor_pivots;
  return summary;
}

}  // namespace tern
