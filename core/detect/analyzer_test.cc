// Analyze() as a whole: stored sessions and pivots, admin cmdlets attached to
// their target mailbox, the summary, geo warnings, and determinism whatever
// the order events were added in.
#include <algorithm>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "core/correlate/pivots.h"
#include "core/detect/detect_test_util.h"
#include "core/detect/incident.h"
#include "core/detect/incident_sources.h"
#include "core/model/case_incident.h"
#include "core/store/raw_db_test_util.h"

namespace tern::detect::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::Pair;

class AnalyzeTest : public AnalyzerTest {
 protected:
  std::vector<std::pair<std::string, std::string>> Raw(std::string_view kind) {
    std::vector<std::pair<std::string, std::string>> out;
    EXPECT_TRUE(store_
                    ->ScanDerived(kind,
                                  [&](std::string_view k, std::string_view v) {
                                    out.emplace_back(std::string(k), std::string(v));
                                    return true;
                                  })
                    .ok());
    return out;
  }

  // A small case in which many rules fire.
  void PlantIncident() {
    Baseline("cfo@contoso.com", kLondonIp);
    Baseline("ceo@contoso.com", kOfficeIp);
    for (int d = 0; d < 10; ++d) {
      Event e = MailboxEvent(kDay0 + d * kDay + 10 * kHour, "MailItemsAccessed", "ceo@contoso.com",
                             "cfo@contoso.com", kOfficeIp, kLogonDelegate);
      e.folders = {"\\Calendar"};
      Push(e);
    }
    const TimeMs t = kAfterBaseline;
    Push(OwnerEvent(t - 30 * kMinute, "MailItemsAccessed", "cfo@contoso.com", kLondonIp));
    Event login = OwnerEvent(t, "MailItemsAccessed", "cfo@contoso.com", kChinaIp);
    login.session_id = "evil-session";
    login.operation_properties = {{"MailAccessType", "Sync"}};
    login.folders = {"\\Inbox"};
    Push(login);
    Push(Cmdlet(t + kMinute, "New-InboxRule", "cfo@contoso.com", kChinaIp,
                {{"Name", "."}, {"ForwardTo", "x@evil.example"}, {"DeleteMessage", "True"}}));
    Push(Cmdlet(t + 2 * kMinute, "Set-Mailbox", "cfo@contoso.com", kChinaIp,
                {{"Identity", "ceo"}, {"ForwardingSmtpAddress", "smtp:x@evil.example"}}));
    Push(Cmdlet(t + 3 * kMinute, "Set-MailboxAuditBypassAssociation", "cfo@contoso.com", kChinaIp,
                {{"Identity", "cfo"}, {"AuditBypassEnabled", "True"}}));
    for (int i = 0; i < 3; ++i) {
      Event del = OwnerEvent(t + (4 + i) * kMinute, "HardDelete", "cfo@contoso.com", kChinaIp);
      del.session_id = "evil-session";
      for (int k = 0; k < 40; ++k)
        del.items.push_back({"m" + std::to_string(k), "\\Inbox", "", "", -1});
      Push(del);
    }
  }
};

TEST_F(AnalyzeTest, StoresSessionsWithCountsAndAttachesAdminCmdletsToTheirTarget) {
  Baseline("cfo@contoso.com", kOfficeIp, 1);
  Push(OwnerEvent(kDay0 + 9 * kHour + kMinute, "Send", "cfo@contoso.com", kOfficeIp));
  Push(Cmdlet(kDay0 + 12 * kHour, "Set-Mailbox", "admin@contoso.com", kHomeIp,
              {{"Identity", "CFO"}, {"ProhibitSendQuota", "49GB"}}));
  Run();
  std::vector<Session> sessions = StoredSessions();
  ASSERT_EQ(sessions.size(), 2u);
  const Session* owner = nullptr;
  const Session* admin = nullptr;
  for (const Session& s : sessions) (s.actor == "admin@contoso.com" ? admin : owner) = &s;
  ASSERT_NE(owner, nullptr);
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(owner->mailbox_guid, GuidOf("cfo@contoso.com"));
  EXPECT_EQ(owner->events, 2u);
  EXPECT_THAT(owner->operations, ElementsAre(Pair("MailItemsAccessed", 1), Pair("Send", 1)));
  EXPECT_TRUE(owner->first_seen_ip);
  // The admin's cmdlet lands on the CFO's mailbox timeline.
  EXPECT_EQ(admin->mailbox_guid, GuidOf("cfo@contoso.com"));
  EXPECT_EQ(admin->mailbox_upn, "cfo@contoso.com");
  EXPECT_EQ(admin->client_ip, kHomeIp);
  EXPECT_TRUE(admin->first_seen_ip);
  EXPECT_EQ(summary_.sessions, 2u);
  EXPECT_EQ(summary_.events, 3u);
  EXPECT_EQ(summary_.mailboxes, 1u);
  // Stored under (start, id), so that a scan is in report order; the state
  // key says the analysis finished.
  auto raw = Raw("sessions");
  ASSERT_EQ(raw.size(), 2u);
  EXPECT_LT(raw[0].first, raw[1].first);
  EXPECT_EQ(raw[0].first, SessionKey(sessions[0].start, sessions[0].id));
  EXPECT_EQ(*store_->GetMeta(kAnalysisStateKey), kAnalysisComplete);
}

// The derived family compacts only when asked (core/store/store_internal.h
// CompactsOnRequest): an analysis asks once, at its end, so a report reads
// one sorted run, and a re-analysis does not pile files onto the last one's.
TEST_F(AnalyzeTest, LeavesItsDerivedDataInOneSortedRun) {
  PlantIncident();
  Run();
  ASSERT_TRUE(Analyze(*store_, {}).ok());  // again: replaces the first one's data
  ASSERT_FALSE(StoredSessions().empty());
  const std::string dir = dir_->path() + "/store";
  store_.reset();
  testing_util::RawDb raw(dir, testing_util::RawDb::kReadOnly);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw.FilesAtLevel("derived", 0), 0);
  EXPECT_EQ(raw.FilesAtLevel("derived", 6), 1);
}

TEST(SessionKeyTest, GivesItsIdBack) {
  EXPECT_EQ(SessionIdOfKey(SessionKey(-5, "S-0123456789ab")), "S-0123456789ab");
  EXPECT_EQ(SessionIdOfKey(SessionKey(0, "")), "");
  EXPECT_EQ(SessionIdOfKey("short"), "");
}

TEST(SessionKeyTest, SortsByTimeThenIdAcrossTheEpoch) {
  EXPECT_LT(SessionKey(-1, "S-b"), SessionKey(0, "S-a"));
  EXPECT_LT(SessionKey(0, "S-a"), SessionKey(0, "S-b"));
  EXPECT_LT(SessionKey(0, "S-b"), SessionKey(1, "S-a"));
  EXPECT_LT(SessionKey(std::numeric_limits<TimeMs>::min(), "S-z"),
            SessionKey(std::numeric_limits<TimeMs>::max(), "S-a"));
}

TEST_F(AnalyzeTest, SessionGapIsAnOption) {
  Push(OwnerEvent(kDay0, "MailItemsAccessed", "cfo@contoso.com", kOfficeIp));
  Push(OwnerEvent(kDay0 + 40 * kMinute, "MailItemsAccessed", "cfo@contoso.com", kOfficeIp));
  Run();
  EXPECT_EQ(StoredSessions().size(), 2u);
  AnalyzeOptions options;
  options.session_gap_ms = kHour;
  Run(options);
  EXPECT_EQ(StoredSessions().size(), 1u);
}

TEST_F(AnalyzeTest, StoresIpAndActorPivots) {
  Push(OwnerEvent(kDay0, "MailItemsAccessed", "cfo@contoso.com", kSwedenIp));
  Push(MailboxEvent(kDay0 + kHour, "MailItemsAccessed", "ceo@contoso.com", "cfo@contoso.com",
                    kSwedenIp, kLogonDelegate));
  AnalyzeOptions options;
  options.geoip_city_path = GeoCity();
  options.geoip_asn_path = GeoAsn();
  Run(options);
  std::vector<correlate::Pivot> ips;
  ASSERT_TRUE(
      correlate::ScanPivots(*store_, correlate::kIpPivotKind, [&](const correlate::Pivot& p) {
        ips.push_back(p);
        return true;
      }).ok());
  ASSERT_EQ(ips.size(), 1u);
  EXPECT_EQ(ips[0].key, kSwedenIp);
  EXPECT_EQ(ips[0].events, 2u);
  EXPECT_EQ(ips[0].geo.country_iso, "SE");
  EXPECT_EQ(ips[0].links.size(), 2u);  // two mailboxes, one actor
  std::vector<correlate::Pivot> actors;
  ASSERT_TRUE(
      correlate::ScanPivots(*store_, correlate::kActorPivotKind, [&](const correlate::Pivot& p) {
        actors.push_back(p);
        return true;
      }).ok());
  ASSERT_EQ(actors.size(), 1u);
  EXPECT_EQ(actors[0].key, "cfo@contoso.com");
  EXPECT_THAT(actors[0].links,
              Contains(Field(&correlate::PivotLink::mailbox_upn, "ceo@contoso.com")));
  EXPECT_EQ(summary_.ip_pivots, 1u);
  EXPECT_EQ(summary_.actor_pivots, 1u);
}

TEST_F(AnalyzeTest, MissingGeoDatabaseWarnsAndAnalysisContinues) {
  Push(OwnerEvent(kDay0, "MailItemsAccessed", "cfo@contoso.com", kSwedenIp));
  AnalyzeOptions options;
  options.geoip_city_path = "/nonexistent/GeoLite2-City.mmdb";
  Run(options);
  ASSERT_EQ(summary_.warnings.size(), 1u);
  EXPECT_EQ(summary_.warnings[0].kind, "geoip-unavailable");
  ASSERT_EQ(StoredSessions().size(), 1u);
  EXPECT_FALSE(StoredSessions()[0].geo.known);
}

TEST_F(AnalyzeTest, EmptyCaseGivesEmptyResults) {
  auto findings = Run();
  EXPECT_THAT(findings, IsEmpty());
  EXPECT_THAT(StoredSessions(), IsEmpty());
  EXPECT_EQ(summary_.events, 0u);
}

TEST_F(AnalyzeTest, PlantedIncidentFindingsAreNumberedSortedAndAnchored) {
  PlantIncident();
  AnalyzeOptions options;
  options.geoip_city_path = GeoCity();
  options.geoip_asn_path = GeoAsn();
  std::vector<Finding> findings = Run(options);
  std::vector<std::string> rules;
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& f = findings[i];
    char id[32];
    std::snprintf(id, sizeof(id), "F-%04zu", i + 1);
    EXPECT_EQ(f.id, id);
    EXPECT_FALSE(f.evidence.empty()) << f.rule;
    for (const EvidenceAnchor& a : f.evidence) {
      EXPECT_FALSE(a.record_id.empty());
      EXPECT_EQ(a.evidence, 1u);
      EXPECT_GT(a.line, 0u);
    }
    if (i > 0) {
      EXPECT_FALSE(FindingLess(f, findings[i - 1])) << "findings out of order at " << f.id;
    }
    rules.push_back(f.rule);
  }
  for (const char* rule :
       {"inbox-rule-forward-external", "inbox-rule-suspicious", "mailbox-forwarding-external",
        "audit-tampering", "mass-deletion", "mailitemsaccessed-sync-bulk", "first-seen-ip",
        "impossible-travel", "delegate-access"}) {
    EXPECT_THAT(rules, Contains(rule));
  }
  for (const Finding& f : OfRule(findings, "mailitemsaccessed-sync-bulk")) {
    EXPECT_EQ(f.severity, Severity::kCritical);  // Sync in the attacker's context
  }
  uint64_t total = 0;
  for (const auto& [severity, n] : summary_.findings_by_severity) total += n;
  EXPECT_EQ(total, findings.size());
  EXPECT_EQ(summary_.findings, findings.size());
}

TEST_F(AnalyzeTest, ReportsEachStepStartAndEndWithTheEventsItRead) {
  PlantIncident();
  std::vector<AnalysisProgress> seen;
  std::vector<std::string> names;
  AnalyzeOptions options;
  options.on_progress = [&](const AnalysisProgress& p) {
    seen.push_back(p);
    names.emplace_back(p.name);
  };
  const std::vector<Finding> with_progress = Run(options);
  ASSERT_EQ(seen.size(), 2u * kAnalysisSteps);  // too few events for a tick in between
  for (int step = 1; step <= kAnalysisSteps; ++step) {
    SCOPED_TRACE(step);
    const AnalysisProgress& start = seen[2 * (step - 1)];
    const AnalysisProgress& end = seen[2 * (step - 1) + 1];
    EXPECT_EQ(start.step, step);
    EXPECT_FALSE(start.done);
    EXPECT_EQ(start.events, 0u);
    EXPECT_EQ(end.step, step);
    EXPECT_TRUE(end.done);
    EXPECT_EQ(end.total, events_.size());
    EXPECT_FALSE(names[2 * (step - 1)].empty());
  }
  // The two passes and the incidents pass (this case has incidents) read
  // every event; writing reads none.
  EXPECT_EQ(seen[1].events, events_.size());
  EXPECT_EQ(seen[3].events, events_.size());
  EXPECT_EQ(seen[5].events, events_.size());
  EXPECT_EQ(seen[7].events, 0u);
  // Watching changes nothing.
  const std::vector<Finding> without = Run(AnalyzeOptions{});
  ASSERT_EQ(without.size(), with_progress.size());
  ASSERT_FALSE(without.empty());
  for (size_t i = 0; i < without.size(); ++i) {
    EXPECT_EQ(EncodeFinding(without[i]), EncodeFinding(with_progress[i])) << i;
  }
}

TEST_F(AnalyzeTest, SameEventsInAnotherOrderGiveIdenticalBytes) {
  PlantIncident();
  AnalyzeOptions options;
  options.geoip_city_path = GeoCity();
  options.geoip_asn_path = GeoAsn();
  std::vector<size_t> order(events_.size());
  std::iota(order.begin(), order.end(), 0);
  Run(options, order);
  const auto findings = Raw("findings");
  const auto sessions = Raw("sessions");
  const auto ips = Raw("ip_pivots");
  const auto actors = Raw("actor_pivots");
  ASSERT_FALSE(findings.empty());

  std::reverse(order.begin(), order.end());
  Run(options, order);
  EXPECT_EQ(Raw("findings"), findings);
  EXPECT_EQ(Raw("sessions"), sessions);
  EXPECT_EQ(Raw("ip_pivots"), ips);
  EXPECT_EQ(Raw("actor_pivots"), actors);

  // And once more shuffled deterministically (odd indexes first).
  std::vector<size_t> shuffled;
  for (size_t i = 1; i < events_.size(); i += 2) shuffled.push_back(i);
  for (size_t i = 0; i < events_.size(); i += 2) shuffled.push_back(i);
  Run(options, shuffled);
  EXPECT_EQ(Raw("findings"), findings);
  EXPECT_EQ(Raw("sessions"), sessions);
}

TEST_F(AnalyzeTest, CountsTheRecordSessionIdsThatMove) {
  Event steady = OwnerEvent(kAfterBaseline, "MailItemsAccessed", "a@contoso.com", kOfficeIp);
  steady.session_id = "sess-steady";
  Push(steady);
  steady.time_ms += kMinute;
  Push(steady);
  Event moving = OwnerEvent(kAfterBaseline, "MailItemsAccessed", "b@contoso.com", kOfficeIp);
  moving.session_id = "sess-moving";
  Push(moving);
  moving.time_ms += kMinute;
  moving.client_ip = kHomeIp;
  Push(moving);
  Event new_client = OwnerEvent(kAfterBaseline, "MailItemsAccessed", "c@contoso.com", kOfficeIp);
  new_client.aad_session_id = "aad-new-client";
  new_client.client_info = "Client=OWA;Mozilla/5.0";
  Push(new_client);
  new_client.time_ms += kMinute;
  new_client.client_info = "python-requests/2.31";
  Push(new_client);
  Run();
  auto summary = Analyze(*store_, AnalyzeOptions{});
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->moving_record_sessions, 2u);
}

// Office: three mailboxes; home: one mailbox, twice. Only the office IP
// is counted, and events of no mailbox (a sign-in without an actor) do not
// count.
TEST_F(AnalyzeTest, CountsTheClientIpsSeenWithSeveralMailboxes) {
  for (const char* owner : {"a@contoso.com", "b@contoso.com", "c@contoso.com"}) {
    Push(OwnerEvent(kAfterBaseline, "MailItemsAccessed", owner, kOfficeIp));
  }
  Event home = OwnerEvent(kAfterBaseline, "MailItemsAccessed", "a@contoso.com", kHomeIp);
  Push(home);
  home.time_ms += kMinute;
  Push(home);
  Event no_mailbox;
  no_mailbox.time_ms = kAfterBaseline;
  no_mailbox.record_id = "no-mailbox";
  no_mailbox.operation = "UserLoginFailed";
  no_mailbox.client_ip = kHomeIp;
  Push(no_mailbox);
  Run();
  auto summary = Analyze(*store_, AnalyzeOptions{});
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->shared_ips, 1u);
}

TEST_F(AnalyzeTest, ScansWithASmallBlockCacheAndGivesTheStoreItsOwnBack) {
  PlantIncident();
  Run();
  const size_t before = store_->BlockCacheCapacity();
  size_t during = 0;
  AnalyzeOptions options;
  options.on_progress = [&](const AnalysisProgress&) {
    during = std::max(during, store_->BlockCacheCapacity());
  };
  ASSERT_TRUE(Analyze(*store_, options).ok());
  EXPECT_EQ(during, size_t{8} << 20);
  EXPECT_EQ(store_->BlockCacheCapacity(), before);
  EXPECT_GT(before, during);
}

TEST_F(AnalyzeTest, ReanalysisReplacesEarlierResults) {
  PlantIncident();
  Run();
  ASSERT_FALSE(Raw("findings").empty());
  auto summary = Analyze(*store_, AnalyzeOptions{});
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(Raw("findings").size(), summary->findings);
  EXPECT_EQ(Raw("sessions").size(), summary->sessions);
}

// The incident pass reads the attacker IPs' events, the events of sessions
// that roam from them and the directory changes, not the whole case
// (incident_sources.h): it must build the incidents a scan of every event
// builds.
class IncidentReadsTest : public AnalyzeTest {
 protected:
  // PlantIncident, and the attacker's sessions going on elsewhere.
  void PlantRoamingIncident() {
    PlantIncident();
    const TimeMs t = kAfterBaseline;
    // The CFO's password reset two days before (a directory change).
    Event reset = Cmdlet(t - 2 * kDay, "Reset user password.", "admin@contoso.com", kHomeIp, {},
                         "cfo@contoso.com");
    reset.record_type = kDirectoryRecordType;
    reset.workload = "AzureActiveDirectory";
    reset.record_id = "lead-up";
    Push(reset);
    // The attacker's Exchange session from another IP (its id spelled
    // otherwise) and from none.
    Event elsewhere =
        OwnerEvent(t + 20 * kMinute, "MailItemsAccessed", "cfo@contoso.com", kSwedenIp);
    elsewhere.session_id = " EVIL-Session";
    elsewhere.record_id = "roam-ip";
    Push(elsewhere);
    Event second = OwnerEvent(t + 8 * kMinute, "MailItemsAccessed", "cfo@contoso.com", kChinaIp);
    second.session_id = "evil-session-2";
    Push(second);
    Event no_ip = OwnerEvent(t + 21 * kMinute, "MailItemsAccessed", "cfo@contoso.com", "");
    no_ip.session_id = "evil-session-2";
    no_ip.record_id = "roam-no-ip";
    Push(no_ip);
    // An Entra session first seen from the attacker IP, then from home.
    Event aad = OwnerEvent(t + 5 * kMinute, "MailItemsAccessed", "cfo@contoso.com", kChinaIp);
    aad.aad_session_id = "aad-1";
    Push(aad);
    Event aad_home = OwnerEvent(t + 25 * kMinute, "Send", "cfo@contoso.com", kHomeIp);
    aad_home.aad_session_id = "AAD-1";
    aad_home.record_id = "roam-aad";
    Push(aad_home);
    // Sessions that roam without the attacker: not the attacker's.
    for (const char* ip : {kLondonIp, kSwedenIp}) {
      Event other = OwnerEvent(t + 30 * kMinute, "MailItemsAccessed", "ceo@contoso.com", ip);
      other.session_id = "ceo-session";
      Push(other);
    }
  }

  std::vector<std::string> TimelineIds() {
    std::vector<std::string> ids;
    for (const auto& [key, value] : Raw("incidents")) {
      absl::StatusOr<CaseIncident> c = DecodeCaseIncident(value);
      EXPECT_TRUE(c.ok()) << c.status();
      if (!c.ok()) continue;
      for (const IncidentEvent& e : c->timeline) ids.push_back(e.anchor.record_id);
    }
    return ids;
  }
};

TEST_F(IncidentReadsTest, TargetedReadsBuildTheIncidentsOfAScan) {
  PlantRoamingIncident();
  AnalyzeOptions options = WithGeo();
  options.incident_reads = AnalyzeOptions::IncidentReads::kScan;
  Run(options);
  const auto scanned = Raw("incidents");
  ASSERT_FALSE(scanned.empty());
  // The case exercises every kind of event the targeted reads gather.
  const std::vector<std::string> ids = TimelineIds();
  for (const char* id : {"lead-up", "roam-ip", "roam-no-ip", "roam-aad"}) {
    EXPECT_THAT(ids, Contains(id));
  }

  uint64_t read = 0;
  options.incident_reads = AnalyzeOptions::IncidentReads::kTargeted;
  options.on_progress = [&](const AnalysisProgress& p) {
    if (p.step == 3 && p.done) read = p.events;
  };
  Run(options);
  EXPECT_EQ(Raw("incidents"), scanned);
  EXPECT_GT(read, 0u);
  EXPECT_LT(read, events_.size() / 2);
  // What the pass read is not left in the case.
  EXPECT_THAT(Raw(kIncidentSourcesKind), IsEmpty());

  // Small cases scan: the same again.
  options.incident_reads = AnalyzeOptions::IncidentReads::kAuto;
  Run(options);
  EXPECT_EQ(Raw("incidents"), scanned);
}

TEST(IncidentSourcesTest, OnlySessionsSeenFromSeveralIpsRoam) {
  IncidentSources sources;
  Event e;
  e.session_id = "one-ip";
  sources.Observe(e, 1);
  sources.Observe(e, 1);
  e.session_id = "two-ips";
  sources.Observe(e, 1);
  e.session_id = "TWO-IPS ";
  sources.Observe(e, 2);
  e.session_id = "ip-and-none";
  sources.Observe(e, 3);
  sources.Observe(e, IncidentSources::kNoIp);
  e.session_id = "";
  e.aad_session_id = "sign-in";
  sources.Observe(e, 4);
  sources.Observe(e, 5);
  sources.Freeze();
  EXPECT_EQ(sources.roaming_sessions(), 3u);
  EXPECT_TRUE(sources.complete());
}

// Past its bound the census gives up: the incident pass then scans, and
// the incidents are still a scan's.
TEST_F(IncidentReadsTest, ACensusThatGaveUpLeavesTheScan) {
  IncidentSources small(2);
  Event e;
  for (const char* id : {"a", "b", "c"}) {
    e.session_id = id;
    small.Observe(e, 1);
  }
  small.Freeze();
  EXPECT_FALSE(small.complete());
  EXPECT_EQ(small.roaming_sessions(), 0u);
  Run();
  auto gathered = small.Gather(*store_, {"192.0.2.66"}, 1000);
  ASSERT_TRUE(gathered.ok()) << gathered.status();
  EXPECT_FALSE(gathered->has_value());
}

}  // namespace
}  // namespace tern::detect::testing
