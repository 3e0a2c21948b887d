// ip-multiple-mailboxes, session-ip-change, first-seen-ip and
// impossible-travel: positive and negative cases through Analyze(), with the
// MaxMind test databases where geo matters.
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
  AnalyzeOptions WithGeo() {
    AnalyzeOptions o;
    o.geoip_city_path = GeoCity();
    o.geoip_asn_path = GeoAsn();
    return o;
  }
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

TEST_F(NetworkTest, SharedOfficeIpIsNotReportedAfterTheBaseline) {
  for (const char* u : {"a@contoso.com", "b@contoso.com", "c@contoso.com"}) {
    Baseline(u, kOfficeIp, 12);
    Baseline(u, "10.0.0.5", 12);  // private: never counted
  }
  std::vector<Finding> f = OfRule(Run(), kIpRule);
  ASSERT_FALSE(f.empty());
  for (const Finding& x : f) {
    EXPECT_EQ(x.severity, Severity::kLow);  // novelty unknown inside the baseline
    // From the third day on the office IP is a recurring shared egress.
    EXPECT_LT(x.first_seen, kDay0 + 2 * kDay);
    EXPECT_THAT(x.client_ips, ElementsAre(kOfficeIp));
  }
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

TEST_F(NetworkTest, SessionIdAcrossCountriesIsHighRoamingBetweenKnownIpsIsNot) {
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
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_THAT(f[0].details_json, HasSubstr("another country"));
  EXPECT_EQ(AnchorIds(f[0]).back(), sweden.record_id);
  EXPECT_THAT(OfRule(Run(), kSessionRule), IsEmpty());  // without geo: known IPs only
}

TEST_F(NetworkTest, IpAppearingDuringTheSessionInsideTheBaselineIsMedium) {
  Baseline("a@contoso.com", kOfficeIp);
  Push(Read(kDay0 + 2 * kDay + 12 * kHour, "a@contoso.com", kOfficeIp, "sess-b"));
  Push(Read(kDay0 + 2 * kDay + 13 * kHour, "a@contoso.com", kEvilIp, "sess-b"));
  auto f = OfRule(Run(), kSessionRule);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);
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

TEST_F(NetworkTest, ParallelSessionFromANewIpIsMedium) {
  Baseline("a@contoso.com", kOfficeIp);
  Push(Read(kAfterBaseline, "a@contoso.com", kOfficeIp, "sess-user"));
  Push(Read(kAfterBaseline + 5 * kMinute, "a@contoso.com", kEvilIp, "sess-other"));
  Push(Read(kAfterBaseline + 6 * kMinute, "a@contoso.com", kOfficeIp, "sess-user"));
  std::vector<Finding> f;
  for (const Finding& x : OfRule(Run(), kSessionRule)) {
    if (x.title.find("Parallel") != std::string::npos) f.push_back(x);
  }
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);
  EXPECT_THAT(f[0].details_json,
              HasSubstr("\"record_session_ids\":[\"sess-other\",\"sess-user\"]"));
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

TEST_F(NetworkTest, NewCountryIsMediumHighRiskChangesHigh) {
  Baseline("a@contoso.com", kLondonIp);
  Push(Read(kAfterBaseline, "a@contoso.com", kSwedenIp));
  auto f = OfRule(Run(WithGeo()), kFirstSeen);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);
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

TEST_F(NetworkTest, CountryNewForTheActorAfterTheBaselineIsMedium) {
  Baseline("a@contoso.com", kLondonIp);
  Push(Read(kAfterBaseline, "a@contoso.com", kSwedenIp));
  auto f = OfRule(Run(WithGeo()), kTravel);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);
  EXPECT_THAT(f[0].details_json, HasSubstr("\"country\":\"SE\""));
}

}  // namespace
}  // namespace tern::detect::testing
