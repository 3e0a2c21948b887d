#include "core/detect/incident_graph.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern::detect {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kAttacker[] = "175.16.199.30";
constexpr char kOffice[] = "81.2.69.142";
constexpr TimeMs kT0 = 1715331600000;  // 2024-05-10T09:00:00Z
constexpr TimeMs kMin = 60 * 1000;

Finding MakeFinding(std::string id, std::string rule, Severity s, std::string ip, TimeMs t,
                    std::string mailbox = "john@northwind.example") {
  Finding f;
  f.id = std::move(id);
  f.rule = std::move(rule);
  f.severity = s;
  f.title = f.rule;
  f.attack = {"T1564.008"};
  f.mailbox_upn = mailbox;
  f.actor = mailbox;
  f.client_ips = {std::move(ip)};
  f.first_seen = t;
  f.last_seen = t;
  return f;
}

Event MakeEvent(std::string op, std::string ip, TimeMs t, std::string id) {
  Event e;
  e.operation = std::move(op);
  e.client_ip = std::move(ip);
  e.time_ms = t;
  e.record_id = std::move(id);
  e.actor_upn = "john@northwind.example";
  e.record_type = 2;
  return e;
}

IncidentGraph Graph(const std::vector<Finding>& findings) {
  return IncidentGraph(
      findings, [](const std::string& ip) { return ip == kAttacker || ip == "175.16.199.31"; },
      [](const std::string& ip) {
        GeoInfo g;
        if (ip == kAttacker) {
          g.known = true;
          g.country_iso = "CN";
        }
        return g;
      });
}

const correlate::MailboxRef kJohn{"guid-john", "john@northwind.example"};

TEST(IncidentGraphTest, FindingsWithoutAnAttackerAddressOrBelowMediumOpenNothing) {
  IncidentGraph graph =
      Graph({MakeFinding("F-0001", "first-seen-ip", Severity::kHigh, kOffice, kT0),
             MakeFinding("F-0002", "send-as", Severity::kLow, kAttacker, kT0)});
  EXPECT_TRUE(graph.empty());
  EXPECT_THAT(graph.Finish(), IsEmpty());
}

TEST(IncidentGraphTest, TimelineHoldsEveryAttackerEventAndSessionInOrder) {
  IncidentGraph graph = Graph(
      {MakeFinding("F-0001", "inbox-rule-suspicious", Severity::kHigh, kAttacker, kT0 + 5 * kMin),
       MakeFinding("F-0002", "impossible-travel", Severity::kLow, kAttacker, kT0)});
  ASSERT_FALSE(graph.empty());
  // The admin resets John's password from the office: the lead-up.
  Event reset = MakeEvent("Reset user password.", kOffice, kT0 - 30 * kMin, "r-reset");
  reset.record_type = 8;
  reset.actor_upn = "admin@northwind.example";
  graph.OnEvent(reset, {}, "admin@northwind.example", "john@northwind.example", false);
  Event failed = MakeEvent("UserLoginFailed", kAttacker, kT0, "r-1");
  failed.record_type = 15;
  failed.actor_upn = "mary@northwind.example";
  graph.OnEvent(failed, {}, "mary@northwind.example", "", false);
  Event signin = MakeEvent("UserLoggedIn", kAttacker, kT0 + kMin, "r-2");
  signin.record_type = 15;
  signin.extra = {{"DeviceProperties.SessionId", "AAD-1"}};
  graph.OnEvent(signin, {}, "john@northwind.example", "", false);
  // Same Entra session from another address: still the attacker's.
  Event read = MakeEvent("MailItemsAccessed", "203.0.113.9", kT0 + 2 * kMin, "r-3");
  read.aad_session_id = "aad-1";
  read.operation_properties = {{"MailAccessType", "Bind"}};
  read.items = {{"Invoice", "\\Inbox", "<m1@x>", "", -1}, {"Payroll", "\\Inbox", "<m2@x>", "", -1}};
  graph.OnEvent(read, kJohn, "john@northwind.example", "", false);
  for (int i = 0; i < 3; ++i) {
    Event rule =
        MakeEvent("New-InboxRule", kAttacker, kT0 + (5 + i) * kMin, "r-rule" + std::to_string(i));
    rule.record_type = 1;
    rule.parameters = {{"Name", std::string(1, "qwe"[i])}, {"DeleteMessage", "True"}};
    graph.OnEvent(rule, kJohn, "john@northwind.example", "", false);
  }
  // Mary's own morning from the office is not the attacker's.
  graph.OnEvent(MakeEvent("MailItemsAccessed", kOffice, kT0 + 3 * kMin, "r-mary"),
                {"guid-mary", "mary@northwind.example"}, "mary@northwind.example", "", false);

  std::vector<CaseIncident> incidents = graph.Finish();
  ASSERT_EQ(incidents.size(), 1u);
  const CaseIncident& c = incidents[0];
  EXPECT_EQ(c.id, "I-001");
  EXPECT_EQ(c.severity, Severity::kHigh);
  EXPECT_THAT(c.identities, ElementsAre("john@northwind.example"));
  EXPECT_THAT(c.other_identities, ElementsAre("mary@northwind.example"));
  ASSERT_EQ(c.attacker_ips.size(), 1u);
  EXPECT_EQ(c.attacker_ips[0].geo.country_iso, "CN");
  EXPECT_THAT(c.findings, ElementsAre("F-0001", "F-0002"));
  EXPECT_EQ(c.sign_ins, 1u);
  EXPECT_EQ(c.failed_sign_ins, 1u);
  EXPECT_EQ(c.first_seen, kT0);
  std::vector<std::string> ids;
  for (const IncidentEvent& e : c.timeline) ids.push_back(e.anchor.record_id);
  EXPECT_THAT(ids, ElementsAre("r-reset", "r-1", "r-2", "r-3", "r-rule0", "r-rule1", "r-rule2"));
  EXPECT_EQ(c.timeline[4].summary, "rule 'q': DeleteMessage=True");
  EXPECT_EQ(c.counts.messages_accessed, 2u);
  EXPECT_EQ(c.counts.rules_created, 3u);
  EXPECT_EQ(c.exposure.size(), 5u);
  EXPECT_EQ(c.exposure[0].action, "accessed");
  EXPECT_EQ(c.exposure[0].message_id, "<m1@x>");
  // initial-access (the sign-in), defense-evasion (T1564), credential-access (failures).
  EXPECT_THAT(c.tactics, ElementsAre("initial-access", "defense-evasion", "credential-access"));
}

TEST(IncidentGraphTest, SeedsShareAnIncidentByAddressOrIdentityOnly) {
  const TimeMs day = 24 * 60 * kMin;
  IncidentGraph graph =
      Graph({MakeFinding("F-0001", "inbox-rule-suspicious", Severity::kHigh, kAttacker, kT0),
             MakeFinding("F-0002", "send-as", Severity::kMedium, "175.16.199.31", kT0 + day),
             MakeFinding("F-0003", "mass-deletion", Severity::kHigh, "175.16.199.31",
                         kT0 + 20 * day, "bob@northwind.example")});
  std::vector<CaseIncident> incidents = graph.Finish();
  // F-0001 and F-0002 share John within 3 days; F-0003 shares F-0002's
  // address, so all three are one story.
  ASSERT_EQ(incidents.size(), 1u);
  EXPECT_THAT(incidents[0].findings, ElementsAre("F-0001", "F-0002", "F-0003"));

  IncidentGraph apart = Graph(
      {MakeFinding("F-0001", "inbox-rule-suspicious", Severity::kHigh, kAttacker, kT0),
       MakeFinding("F-0002", "mass-deletion", Severity::kHigh, "175.16.199.31", kT0 + 20 * day)});
  std::vector<CaseIncident> two = apart.Finish();
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].id, "I-001");
  EXPECT_THAT(two[0].findings, ElementsAre("F-0001"));
  EXPECT_THAT(two[1].findings, ElementsAre("F-0002"));
}

TEST(IncidentGraphTest, SyncAndThrottledRecordsAreExposureAndBlindSpots) {
  IncidentGraph graph = Graph(
      {MakeFinding("F-0001", "mailitemsaccessed-sync-bulk", Severity::kHigh, kAttacker, kT0)});
  Event sync = MakeEvent("MailItemsAccessed", kAttacker, kT0, "r-sync");
  sync.operation_properties = {{"MailAccessType", "Sync"}, {"IsThrottled", "True"}};
  sync.folders = {"\\Inbox", "\\Sent Items"};
  graph.OnEvent(sync, kJohn, "john@northwind.example", "", false);
  std::vector<CaseIncident> incidents = graph.Finish();
  ASSERT_EQ(incidents.size(), 1u);
  const CaseIncident& c = incidents[0];
  EXPECT_THAT(c.counts.folders_synced, ElementsAre("\\Inbox", "\\Sent Items"));
  EXPECT_EQ(c.counts.throttled_records, 1u);
  ASSERT_EQ(c.exposure.size(), 3u);
  EXPECT_EQ(c.exposure[0].action, "throttled");
  EXPECT_EQ(c.exposure[1].detail, "whole folder synchronized");
  EXPECT_EQ(c.timeline[0].summary,
            "Sync: whole folder synchronized in \\Inbox, \\Sent Items (throttled: not itemized)");
}

TEST(IncidentGraphTest, TacticsFollowTheKillChain) {
  EXPECT_THAT(TacticsOf({"T1485", "T1114.002", "T1078.004", "T1098"}),
              ElementsAre("initial-access", "persistence", "collection", "impact"));
  EXPECT_THAT(TacticsOf({"T9999"}), IsEmpty());
}

}  // namespace
}  // namespace tern::detect
