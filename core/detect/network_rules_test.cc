// ip-multiple-mailboxes, session-ip-change, first-seen-ip and
// impossible-travel: positive and negative cases through Analyze(), with the
// MaxMind test databases where geo matters.
#include <algorithm>
#include <string>
#include <vector>

#include "core/detect/detect_test_util.h"

namespace tern::detect::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kIpRule[] = "ip-multiple-mailboxes";
constexpr char kSessionRule[] = "session-ip-change";
constexpr char kFirstSeen[] = "first-seen-ip";
constexpr char kTravel[] = "impossible-travel";

class NetworkTest : public AnalyzerTest {
 protected:
  Event Read(TimeMs t, std::string owner, std::string ip, std::string session = "") {
    Event e = OwnerEvent(t, "MailItemsAccessed", std::move(owner), std::move(ip));
    e.session_id = std::move(session);
    return e;
  }
};

TEST_F(NetworkTest, NewIpOnThreeMailboxesIsHigh) {
  for (const char* u : {"a@contoso.com", "b@contoso.com", "c@contoso.com"}) Baseline(u, kOfficeIp);
  std::vector<std::string> ids;
  ids.push_back(Push(Read(kAfterBaseline, "a@contoso.com", kEvilIp)).record_id);
  ids.push_back(Push(Read(kAfterBaseline + kHour, "b@contoso.com", kEvilIp)).record_id);
  Push(Read(kAfterBaseline + 2 * kHour, "b@contoso.com", kEvilIp));
  ids.push_back(Push(Read(kAfterBaseline + 3 * kHour, "c@contoso.com", kEvilIp)).record_id);
  std::vector<Finding> f;
  for (const Finding& x : OfRule(Run(), kIpRule)) {
    if (x.first_seen >= kAfterBaseline) f.push_back(x);
  }
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_EQ(f[0].mailbox_guid, "");
  EXPECT_THAT(f[0].client_ips, ElementsAre(kEvilIp));
  EXPECT_EQ(AnchorIds(f[0]), ids);  // the first event per mailbox
  EXPECT_THAT(f[0].details_json, HasSubstr("\"mailboxes_new_to_ip\":3"));
}

TEST_F(NetworkTest, AdminCmdletsFromHomeOnSeveralMailboxesAreNotReported) {
  for (const char* u : {"a@contoso.com", "b@contoso.com", "c@contoso.com"}) {
    Baseline(u, kOfficeIp);
    Push(Cmdlet(kAfterBaseline, "Set-Mailbox", "admin@contoso.com", kHomeIp,
                {{"Identity", u}, {"ProhibitSendQuota", "49GB"}}));
  }
  for (const Finding& x : OfRule(Run(), kIpRule)) EXPECT_LT(x.first_seen, kAfterBaseline);
}

TEST_F(NetworkTest, SharedOfficeIpIsNotReported) {
  for (const char* u : {"a@contoso.com", "b@contoso.com", "c@contoso.com"}) {
    Baseline(u, kOfficeIp, 12);
    Baseline(u, "10.0.0.5", 12);  // private: never counted
  }
  EXPECT_THAT(OfRule(Run(), kIpRule), IsEmpty());
}

TEST_F(NetworkTest, HomeLineOfADelegateOnThreeMailboxesIsNotReported) {
  // A delegate of two shared mailboxes at home after a new lease inside the
  // same ISP (Comcast, AS7922): a known network for the identity.
  Baseline("a@contoso.com", "73.12.34.56");
  for (const char* box : {"a@contoso.com", "shared1@contoso.com", "shared2@contoso.com"}) {
    for (int d = 0; d < 9; ++d) {
      Push(MailboxEvent(kDay0 + d * kDay + 10 * kHour, "MailItemsAccessed", box, "a@contoso.com",
                        "73.12.34.56", kLogonDelegate));
    }
    Push(MailboxEvent(kAfterBaseline + kDay, "MailItemsAccessed", box, "a@contoso.com",
                      "73.200.1.9", kLogonDelegate));
  }
  AnalyzeOptions o;
  o.geoip_city_path = GeoCity();
  o.geoip_asn_path = GeoAsn();
  EXPECT_THAT(OfRule(Run(o), kIpRule), IsEmpty());
}

TEST_F(NetworkTest, SessionIdFromANewIpIsHigh) {
  Baseline("a@contoso.com", kOfficeIp);
  const Event& first = Push(Read(kAfterBaseline, "a@contoso.com", kOfficeIp, "sess-1"));
  const Event& second =
      Push(Read(kAfterBaseline + 10 * kMinute, "a@contoso.com", kEvilIp, "sess-1"));
  auto f = OfRule(Run(), kSessionRule);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_EQ(f[0].mailbox_upn, "a@contoso.com");
  EXPECT_THAT(AnchorIds(f[0]), ElementsAre(first.record_id, second.record_id));
  EXPECT_THAT(f[0].client_ips, ElementsAre(kEvilIp, kOfficeIp));  // sorted
  EXPECT_THAT(f[0].details_json, HasSubstr("\"record_session_id\":\"sess-1\""));
}

// The rule keeps the first event of every record session id packed
// (GUIDs in 16 bytes, the tern session as 48 bits): the finding names that
// event and its session exactly as the event and the sessionizer gave them.
TEST_F(NetworkTest, SessionIdRoamingKeepsTheFirstEventExactly) {
  Baseline("a@contoso.com", kOfficeIp);
  Event a =
      Read(kAfterBaseline, "a@contoso.com", kOfficeIp, "7297312f-5ffe-4234-9f8e-c196f4a38689");
  a.record_id = "038b5782-ebed-417c-85fc-8a3e848654d9";
  Event b = Read(kAfterBaseline + 10 * kMinute, "a@contoso.com", kEvilIp,
                 "7297312f-5ffe-4234-9f8e-c196f4a38689");
  b.record_id = "038B5782-EBED-417C-85FC-8A3E848654DA";  // not packed: kept as text
  const Event& first = Push(std::move(a));
  const Event& second = Push(std::move(b));
  auto f = OfRule(Run(), kSessionRule);
  ASSERT_EQ(f.size(), 1u);
  ASSERT_EQ(f[0].evidence.size(), 2u);
  EXPECT_EQ(f[0].evidence[0], (EvidenceAnchor{first.record_id, first.provenance.evidence,
                                              first.provenance.line, first.time_ms}));
  EXPECT_EQ(f[0].evidence[1].record_id, second.record_id);
  std::vector<std::string> sessions;
  for (const Session& s : StoredSessions()) {
    if (s.session_id == first.session_id) sessions.push_back(s.id);
  }
  ASSERT_EQ(sessions.size(), 2u);  // one per IP
  std::sort(sessions.begin(), sessions.end());
  EXPECT_EQ(f[0].sessions, sessions);
  EXPECT_THAT(f[0].details_json,
              HasSubstr("\"record_session_id\":\"7297312f-5ffe-4234-9f8e-c196f4a38689\""));
}

// The first IP is kept as 16 bytes when it is canonical and as text when it
// is not: either way the finding names it exactly as the event gave it, and
// only the same text is the same IP.
TEST_F(NetworkTest, SessionIdRoamingKeepsTheFirstIpExactly) {
  const std::string canonical = "2001:db8:4a11::5";
  const std::string other_text = "2001:DB8:4A11::6";  // not canonical: kept as text
  Baseline("a@contoso.com", kOfficeIp);
  Baseline("b@contoso.com", kOfficeIp);
  Push(Read(kAfterBaseline, "a@contoso.com", canonical, "sess-a"));
  Push(Read(kAfterBaseline + kMinute, "a@contoso.com", canonical, "sess-a"));  // the same IP
  Push(Read(kAfterBaseline + 2 * kMinute, "a@contoso.com", kEvilIp, "sess-a"));
  Push(Read(kAfterBaseline, "b@contoso.com", other_text, "sess-b"));
  Push(Read(kAfterBaseline + kMinute, "b@contoso.com", other_text, "sess-b"));
  Push(Read(kAfterBaseline + 2 * kMinute, "b@contoso.com", kEvilIp, "sess-b"));
  auto f = OfRule(Run(), kSessionRule);
  ASSERT_EQ(f.size(), 2u);
  std::sort(f.begin(), f.end(),
            [](const Finding& x, const Finding& y) { return x.details_json < y.details_json; });
  EXPECT_THAT(f[0].details_json, HasSubstr("\"record_session_id\":\"sess-a\""));
  EXPECT_THAT(f[0].client_ips, ElementsAre(kEvilIp, canonical));
  EXPECT_THAT(f[1].details_json, HasSubstr("\"record_session_id\":\"sess-b\""));
  EXPECT_THAT(f[1].client_ips, ElementsAre(kEvilIp, other_text));
  for (const Finding& x : f) EXPECT_EQ(x.evidence.size(), 2u);  // the first event and the move
}

TEST_F(NetworkTest, SessionIdAcrossKnownCountriesIsLowRoamingBetweenKnownIpsIsNothing) {
  Baseline("a@contoso.com", kLondonIp);
  Baseline("a@contoso.com", kSwedenIp);
  Baseline("a@contoso.com", kOfficeIp);
  Baseline("a@contoso.com", kHomeIp);
  Push(Read(kAfterBaseline, "a@contoso.com", kLondonIp, "sess-geo"));
  const Event& sweden =
      Push(Read(kAfterBaseline + 10 * kMinute, "a@contoso.com", kSwedenIp, "sess-geo"));
  // A laptop going from the office home keeps its session id.
  Push(Read(kAfterBaseline + kDay, "a@contoso.com", kOfficeIp, "sess-plain"));
  Push(Read(kAfterBaseline + kDay + kHour, "a@contoso.com", kHomeIp, "sess-plain"));
  auto f = OfRule(Run(WithGeo()), kSessionRule);
  ASSERT_EQ(f.size(), 1u);
  // Both countries are the identity's own: one signal, low.
  EXPECT_EQ(f[0].severity, Severity::kLow);
  EXPECT_THAT(f[0].details_json, HasSubstr("another country or ASN the identity already uses"));
  EXPECT_EQ(AnchorIds(f[0]).back(), sweden.record_id);
  EXPECT_THAT(OfRule(Run(), kSessionRule), IsEmpty());  // without geo: known IPs only
}

TEST_F(NetworkTest, SessionIdMovingToANewCountryIsHigh) {
  Baseline("a@contoso.com", kLondonIp);
  Push(Read(kAfterBaseline, "a@contoso.com", kLondonIp, "sess-geo"));
  Push(Read(kAfterBaseline + 10 * kMinute, "a@contoso.com", kSwedenIp, "sess-geo"));
  auto f = OfRule(Run(WithGeo()), kSessionRule);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_THAT(f[0].details_json, HasSubstr("another country, new for the identity"));
  EXPECT_THAT(f[0].details_json, HasSubstr("country SE new for the identity"));
}

TEST_F(NetworkTest, IpAppearingDuringTheSessionInsideTheBaselineIsLow) {
  Baseline("a@contoso.com", kOfficeIp);
  Push(Read(kDay0 + 2 * kDay + 12 * kHour, "a@contoso.com", kOfficeIp, "sess-b"));
  Push(Read(kDay0 + 2 * kDay + 13 * kHour, "a@contoso.com", kEvilIp, "sess-b"));
  auto f = OfRule(Run(), kSessionRule);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kLow);
}

TEST_F(NetworkTest, ClientChangeIsLowDualStackIsNothing) {
  Baseline("a@contoso.com", kOfficeIp);
  Baseline("a@contoso.com", "2001:db8::10");
  Push(Read(kAfterBaseline, "a@contoso.com", kOfficeIp, "sess-1"));
  Event other = Read(kAfterBaseline + kMinute, "a@contoso.com", kOfficeIp, "sess-1");
  other.client_info = "Client=REST;Client=RESTSystem;;";
  Push(other);
  Push(Read(kAfterBaseline + kDay, "a@contoso.com", kOfficeIp, "sess-2"));
  Push(Read(kAfterBaseline + kDay + kMinute, "a@contoso.com", "2001:db8::10", "sess-2"));
  auto f = OfRule(Run(), kSessionRule);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kLow);
  EXPECT_THAT(f[0].details_json, HasSubstr("\"client_families\":[\"client=owa\",\"client=rest\"]"));
}

TEST_F(NetworkTest, ParallelSessionFromANewPlaceIsLowWithANewClientMedium) {
  Baseline("a@contoso.com", kOfficeIp);
  Push(Read(kAfterBaseline, "a@contoso.com", kOfficeIp, "sess-user"));
  Push(Read(kAfterBaseline + 5 * kMinute, "a@contoso.com", kEvilIp, "sess-other"));
  Push(Read(kAfterBaseline + 6 * kMinute, "a@contoso.com", kOfficeIp, "sess-user"));
  auto parallel = [&] {
    std::vector<Finding> f;
    for (const Finding& x : OfRule(Run(), kSessionRule)) {
      if (x.title.find("Parallel") != std::string::npos) f.push_back(x);
    }
    return f;
  };
  std::vector<Finding> f = parallel();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kLow);  // the owner's usual client: a traveller's phone
  events_[events_.size() - 2].client_info = "Client=REST;Client=RESTSystem;;";
  f = parallel();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);
  EXPECT_THAT(f[0].details_json,
              HasSubstr("\"record_session_ids\":[\"sess-other\",\"sess-user\"]"));
}

TEST_F(NetworkTest, ParallelSessionOutlivesTheSweepOfIdleMailboxes) {
  // Every 65,536 events with a record session the rule drops the mailboxes
  // whose sessions are all past the gap; a session inside it must stay.
  Baseline("a@contoso.com", kOfficeIp);
  Baseline("b@contoso.com", kOfficeIp);
  Push(Read(kAfterBaseline, "a@contoso.com", kOfficeIp, "sess-user"));
  for (int i = 0; i < 70000; ++i) {
    Push(Read(kAfterBaseline + 1000 + i * 3, "b@contoso.com", kOfficeIp, "sess-b"));
  }
  Push(Read(kAfterBaseline + 5 * kMinute, "a@contoso.com", kEvilIp, "sess-other"));
  Push(Read(kAfterBaseline + 6 * kMinute, "a@contoso.com", kOfficeIp, "sess-user"));
  std::vector<Finding> f = OfRule(Run(), kSessionRule);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_THAT(f[0].title, HasSubstr("Parallel sessions on a@contoso.com"));
}

TEST_F(NetworkTest, StableSessionsAreNotSessionChanges) {
  Baseline("a@contoso.com", kOfficeIp);
  Push(Read(kAfterBaseline, "a@contoso.com", kOfficeIp, "sess-1"));
  Push(Read(kAfterBaseline + kHour, "a@contoso.com", kOfficeIp, "sess-1"));
  // Sequential sessions are not parallel, even within the gap.
  Push(Read(kAfterBaseline + 3 * kHour, "a@contoso.com", kHomeIp, "sess-2"));
  Push(Read(kAfterBaseline + 3 * kHour + 5 * kMinute, "a@contoso.com", kOfficeIp, "sess-3"));
  Push(Read(kAfterBaseline + 3 * kHour + 6 * kMinute, "a@contoso.com", kOfficeIp, "sess-3"));
  EXPECT_THAT(OfRule(Run(), kSessionRule), IsEmpty());
}

TEST_F(NetworkTest, OwnerFromANewIpAfterTheBaselineIsLow) {
  Baseline("a@contoso.com", kOfficeIp);
  const Event& r1 = Push(Read(kAfterBaseline, "a@contoso.com", kHomeIp));
  const Event& r2 = Push(Read(kAfterBaseline + 5 * kMinute, "a@contoso.com", kHomeIp));
  Push(Read(kAfterBaseline + 2 * kDay, "a@contoso.com", kHomeIp));  // a later session
  auto f = OfRule(Run(), kFirstSeen);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kLow);
  EXPECT_EQ(f[0].mailbox_upn, "a@contoso.com");
  EXPECT_THAT(AnchorIds(f[0]), ElementsAre(r1.record_id, r2.record_id));
  EXPECT_THAT(f[0].client_ips, ElementsAre(kHomeIp));
}

TEST_F(NetworkTest, NewCountryWithTheUsualClientIsLowHighRiskChangesHigh) {
  Baseline("a@contoso.com", kLondonIp);
  Push(Read(kAfterBaseline, "a@contoso.com", kSwedenIp));
  auto f = OfRule(Run(WithGeo()), kFirstSeen);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kLow);  // what travel looks like
  EXPECT_THAT(f[0].details_json, HasSubstr("network 89.160.20.0/24 (AS29518 Bredband2 AB)"));
  EXPECT_THAT(f[0].details_json, HasSubstr("\"country\":\"SE\""));
  EXPECT_THAT(f[0].details_json, HasSubstr("\"as_org\":\"Bredband2 AB\""));
  // The same IP then creates a forwarding rule: high-risk change from it.
  Push(Cmdlet(kAfterBaseline + kMinute, "New-InboxRule", "a@contoso.com", kSwedenIp,
              {{"Name", "x"}, {"ForwardTo", "drop@evil.example"}}));
  f = OfRule(Run(WithGeo()), kFirstSeen);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
}

TEST_F(NetworkTest, BaselineDelegatesAndPrivateIpsAreNotFirstSeen) {
  Baseline("a@contoso.com", kOfficeIp);
  Push(Read(kDay0 + 3 * kDay, "a@contoso.com", kHomeIp));  // inside the baseline
  Push(Read(kAfterBaseline, "a@contoso.com", "10.1.2.3"));
  Push(MailboxEvent(kAfterBaseline, "MailItemsAccessed", "a@contoso.com", "b@contoso.com", kEvilIp,
                    kLogonDelegate));
  EXPECT_THAT(OfRule(Run(), kFirstSeen), IsEmpty());
}

TEST_F(NetworkTest, LondonToChangchunInAnHourIsImpossibleTravel) {
  Baseline("a@contoso.com", kLondonIp);
  const Event& london = Push(Read(kAfterBaseline, "a@contoso.com", kLondonIp));
  const Event& china = Push(Read(kAfterBaseline + kHour, "a@contoso.com", kChinaIp));
  std::vector<Finding> f;
  for (const Finding& x : OfRule(Run(WithGeo()), kTravel)) {
    if (x.details_json.find("max_speed_kmh") != std::string::npos) f.push_back(x);
  }
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_EQ(f[0].actor, "a@contoso.com");
  EXPECT_THAT(AnchorIds(f[0]), ElementsAre(london.record_id, china.record_id));
  EXPECT_THAT(f[0].details_json, HasSubstr("\"max_distance_km\":8184"));
  EXPECT_THAT(f[0].details_json, HasSubstr("\"places\":[\"Changchun, CN\",\"London, GB\"]"));
}

TEST_F(NetworkTest, PlausibleTravelUnknownPlacesAndNoGeoNeverTrigger) {
  Baseline("a@contoso.com", kLondonIp);
  // London -> Linköping (1,258 km) in 3 hours: 419 km/h.
  Push(Read(kAfterBaseline, "a@contoso.com", kLondonIp));
  Push(Read(kAfterBaseline + 3 * kHour, "a@contoso.com", kSwedenIp));
  // Unknown locations (documentation ranges) one minute apart.
  Push(Read(kAfterBaseline + 4 * kHour, "a@contoso.com", kEvilIp));
  Push(Read(kAfterBaseline + 4 * kHour + kMinute, "a@contoso.com", kHomeIp));
  for (const Finding& x : OfRule(Run(WithGeo()), kTravel)) {
    EXPECT_EQ(x.details_json.find("max_speed_kmh"), std::string::npos) << x.details_json;
  }
  // London -> Changchun within minutes but without the databases: nothing.
  Push(Read(kAfterBaseline + 5 * kHour, "a@contoso.com", kChinaIp));
  EXPECT_THAT(OfRule(Run(), kTravel), IsEmpty());
}

TEST_F(NetworkTest, CountryNewForTheActorIsLowWithTheUsualClientMediumWithANewOne) {
  Baseline("a@contoso.com", kLondonIp);
  Push(Read(kAfterBaseline, "a@contoso.com", kSwedenIp));
  auto f = OfRule(Run(WithGeo()), kTravel);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kLow);
  EXPECT_THAT(f[0].details_json, HasSubstr("\"country\":\"SE\""));
  events_.back().client_info = "Client=REST;Client=RESTSystem;;";
  f = OfRule(Run(WithGeo()), kTravel);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);
}

TEST_F(NetworkTest, NewIpInsideTheIdentitysAsnIsNotFirstSeen) {
  // A home line's new lease: another /24 of the same ISP (Comcast, AS7922).
  Baseline("a@contoso.com", "73.12.34.56");
  Push(Read(kAfterBaseline, "a@contoso.com", "73.200.1.9"));
  EXPECT_THAT(OfRule(Run(WithGeo()), kFirstSeen), IsEmpty());
  // Without the ASN database the new /24 is a new network: low.
  auto f = OfRule(Run(), kFirstSeen);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kLow);
}

// The tuning file's trusted IPs / CIDRs (and ASNs) are the organization's
// networks for the baselines: never new, so no first-seen-ip from them.
TEST_F(NetworkTest, TrustedNetworksOfTheTuningFileAreNeverNew) {
  Baseline("a@contoso.com", kOfficeIp);
  Push(Read(kAfterBaseline, "a@contoso.com", kHomeIp));
  AnalyzeOptions trusted;
  trusted.tuning.trusted_networks = {"198.51.100.0/28"};
  EXPECT_THAT(OfRule(Run(trusted), kFirstSeen), IsEmpty());
  AnalyzeOptions single_ip;
  single_ip.tuning.trusted_networks = {kHomeIp};
  EXPECT_THAT(OfRule(Run(single_ip), kFirstSeen), IsEmpty());
  AnalyzeOptions trusted_asn = WithGeo();
  trusted_asn.tuning.trusted_asns = {29518};  // Bredband2, the Swedish test IP
  Push(Read(kAfterBaseline, "a@contoso.com", kSwedenIp));
  auto f = OfRule(Run(trusted_asn), kFirstSeen);
  ASSERT_EQ(f.size(), 1u);  // the home IP only
  EXPECT_THAT(f[0].client_ips, ElementsAre(kHomeIp));
  // A trusted range that does not hold the address changes nothing.
  AnalyzeOptions elsewhere;
  elsewhere.tuning.trusted_networks = {"198.51.100.128/25"};
  EXPECT_EQ(OfRule(Run(elsewhere), kFirstSeen).size(), 1u);
}

}  // namespace
}  // namespace tern::detect::testing
