#include "core/detect/incident.h"

#include <string>
#include <vector>

#include "core/detect/rules.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern::detect {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Event MakeEvent(std::string id, TimeMs t, std::string ip) {
  Event e;
  e.record_id = std::move(id);
  e.time_ms = t;
  e.client_ip = std::move(ip);
  e.provenance = {3, 40, 2};
  return e;
}

EventContext Ctx(const Event& e, std::string session) {
  static const correlate::GeoResult kNoGeo;
  EventContext ctx;
  ctx.event = &e;
  ctx.mailbox = {"guid-cfo", "cfo@contoso.com"};
  ctx.actor = "mallory@contoso.com";
  ctx.session = std::move(session);
  ctx.geo = &kNoGeo;
  return ctx;
}

TEST(IncidentTest, BuildsAFindingWithSortedAnchorsAndDetails) {
  IncidentTable table(/*max_anchors=*/10);
  Incident& inc = table.Open("send-as", "k");
  const Event late = MakeEvent("b", 2000, "192.0.2.1");
  const Event early = MakeEvent("a", 1000, "192.0.2.2");
  inc.Add(Ctx(late, "S-2"));
  inc.Add(Ctx(early, "S-1"));
  inc.Add(Ctx(early, "S-1"));  // the same event twice counts once
  inc.Raise(Severity::kLow, "first");
  inc.Raise(Severity::kHigh, "second");
  inc.Raise(Severity::kMedium);  // never lowers
  inc.List("subjects", "z");
  inc.List("subjects", "a");
  inc.Count("n", 2);
  inc.Count("n");
  inc.Max("m", 5);
  inc.Max("m", 3);
  inc.Set("s", "x");
  inc.Flag("f");

  std::vector<Finding> findings = table.TakeFindings();
  ASSERT_EQ(findings.size(), 1u);
  const Finding& f = findings[0];
  EXPECT_EQ(f.id, "F-0001");
  EXPECT_EQ(f.rule, "send-as");
  EXPECT_EQ(f.severity, Severity::kHigh);
  EXPECT_EQ(f.title, CatalogEntry("send-as").title);
  EXPECT_EQ(f.attack, CatalogEntry("send-as").attack);
  EXPECT_EQ(f.mailbox_guid, "guid-cfo");
  EXPECT_EQ(f.actor, "mallory@contoso.com");
  EXPECT_THAT(f.client_ips, ElementsAre("192.0.2.1", "192.0.2.2"));
  EXPECT_THAT(f.sessions, ElementsAre("S-1", "S-2"));
  EXPECT_EQ(f.first_seen, 1000);
  EXPECT_EQ(f.last_seen, 2000);
  ASSERT_EQ(f.evidence.size(), 2u);
  EXPECT_EQ(f.evidence[0], (EvidenceAnchor{"a", 3, 40, 1000}));
  EXPECT_EQ(f.evidence[1].record_id, "b");
  EXPECT_EQ(f.details_json,
            "{\"event_count\":2,\"f\":true,\"m\":5,\"n\":3,\"reasons\":[\"first\",\"second\"],"
            "\"s\":\"x\",\"subjects\":[\"a\",\"z\"]}");
}

// Sessions of the sessionizer's form are kept as numbers, others as text;
// either way the finding lists them once each, sorted as text.
TEST(IncidentTest, SessionsComeOutOnceSortedAsTextWhateverTheirForm) {
  IncidentTable table(10);
  Incident& inc = table.Open("send-as", "k");
  inc.AddAnchor(EvidenceAnchor{"a", 1, 1, 1000}, "", "S-0000000000a0");
  inc.AddAnchor(EvidenceAnchor{"b", 1, 2, 1001}, "", "S-1");
  inc.AddAnchor(EvidenceAnchor{"c", 1, 3, 1002}, "", "S-00000000000f");
  inc.AddAnchor(EvidenceAnchor{"d", 1, 4, 1003}, "", "S-0000000000a0");
  inc.AddAnchor(EvidenceAnchor{"e", 1, 5, 1004}, "", "R-z");
  Incident& other = table.Open("send-as", "other");
  other.AddAnchor(EvidenceAnchor{"f", 1, 6, 1005}, "", "S-000000000010");
  other.AddAnchor(EvidenceAnchor{"g", 1, 7, 1006}, "", "S-1");
  inc.Absorb(other);
  table.EraseIf([&](Incident& i) { return &i == &other; });

  std::vector<Finding> findings = table.TakeFindings();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_THAT(findings[0].sessions,
              ElementsAre("R-z", "S-00000000000f", "S-000000000010", "S-0000000000a0", "S-1"));
}
TEST(IncidentTest, AnchorsAreCappedButCounted) {
  IncidentTable table(/*max_anchors=*/2);
  Incident& inc = table.Open("mass-deletion", "k");
  std::vector<Event> events;
  for (int i = 0; i < 5; ++i) events.push_back(MakeEvent("r" + std::to_string(i), i, ""));
  for (const Event& e : events) inc.Add(Ctx(e, ""));
  inc.Raise(Severity::kHigh);
  std::vector<Finding> findings = table.TakeFindings();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].evidence.size(), 2u);
  EXPECT_EQ(findings[0].last_seen, 4);
  EXPECT_EQ(findings[0].details_json, "{\"anchors_truncated\":true,\"event_count\":5}");
}

TEST(IncidentTest, AnEventCountsOnceAcrossMovesOfTheIncident) {
  const RuleInfo& info = CatalogEntry("send-as");
  std::vector<Event> events;
  for (int i = 0; i < 100; ++i) events.push_back(MakeEvent("r" + std::to_string(i), i, ""));
  Incident first(&info, /*max_anchors=*/1000);
  for (const Event& e : events) first.Add(Ctx(e, ""));
  // The index of kept anchors must follow the incident, not the old object.
  Incident moved = std::move(first);
  for (const Event& e : events) moved.Add(Ctx(e, ""));
  moved.Add(Ctx(MakeEvent("r-new", 500, ""), ""));
  moved.Raise(Severity::kHigh);
  const Finding f = moved.Build();
  EXPECT_EQ(f.evidence.size(), 101u);
  EXPECT_EQ(f.details_json, "{\"event_count\":101}");
  EXPECT_EQ(f.last_seen, 500);
}

TEST(IncidentTest, EmptyIncidentsMakeNoFinding) {
  IncidentTable table(10);
  table.Open("send-as", "k").Raise(Severity::kHigh);
  EXPECT_TRUE(table.TakeFindings().empty());
}

TEST(IncidentTest, FindingsAreSortedTotallyAndNumbered) {
  IncidentTable table(10);
  const Event e1 = MakeEvent("x", 5000, "");
  const Event e2 = MakeEvent("y", 1000, "");
  const Event e3 = MakeEvent("z", 1000, "");
  table.Open("send-as", "late").Add(Ctx(e1, ""));
  table.Open("send-as", "b").Add(Ctx(e3, ""));
  table.Open("audit-tampering", "a").Add(Ctx(e2, ""));
  std::vector<Finding> f = table.TakeFindings();
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].rule, "audit-tampering");  // same time: rule id decides
  EXPECT_EQ(f[1].rule, "send-as");
  EXPECT_EQ(f[1].evidence[0].record_id, "z");
  EXPECT_EQ(f[2].evidence[0].record_id, "x");
  EXPECT_THAT((std::vector<std::string>{f[0].id, f[1].id, f[2].id}),
              ElementsAre("F-0001", "F-0002", "F-0003"));
  EXPECT_TRUE(FindingLess(f[0], f[1]));
  EXPECT_FALSE(FindingLess(f[1], f[0]));
  EXPECT_FALSE(FindingLess(f[1], f[1]));
}

TEST(CatalogTest, ListsTheCppRuleIdsWithMetadata) {
  std::vector<std::string> ids;
  for (const CppRule& rule : CppRules()) {
    const RuleInfo& r = CatalogEntry(rule.info.id);
    ids.push_back(r.id);
    EXPECT_NE(rule.make, nullptr) << r.id;
    EXPECT_FALSE(r.title.empty()) << r.id;
    EXPECT_FALSE(r.attack.empty()) << r.id;
    EXPECT_GT(r.description.size(), 100u) << r.id;
    EXPECT_EQ(r.title, rule.info.title);
  }
  EXPECT_THAT(
      ids, ElementsAre("mailbox-forwarding-external", "inbox-rule-forward-external",
                       "inbox-rule-suspicious", "mailbox-permission-grant", "delegate-access",
                       "send-as", "mass-deletion", "sent-then-deleted", "audit-tampering",
                       "impersonation-role-grant", "mailitemsaccessed-throttled",
                       "mailitemsaccessed-sync-bulk", "ip-multiple-mailboxes", "session-ip-change",
                       "suspicious-client", "first-seen-ip", "impossible-travel",
                       "ediscovery-search-export", "transport-rule-redirect",
                       "password-reset-new-asn", "password-spray"));
  // The catalog goes on with tern's rule pack; an id outside it is a defect.
  EXPECT_GT(RuleCatalog().size(), CppRules().size());
  for (const RuleInfo& r : RuleCatalog()) EXPECT_EQ(&CatalogEntry(r.id), &r);
  EXPECT_DEATH(CatalogEntry("no-such-rule"), "rule id 'no-such-rule' is not in the catalog");
}

TEST(CatalogTest, EachRowIsTheRulesOnlyDefinition) {
  for (const CppRule& rule : CppRules()) {
    EXPECT_EQ(FindCppRule(rule.info.id), &rule) << rule.info.id;
    // Why it is C++ and not a rules/*.yml file, in words.
    EXPECT_THAT(rule.info.description, HasSubstr("Stays C++: ")) << rule.info.id;
  }
  EXPECT_EQ(FindCppRule("admin-role-granted"), nullptr);  // a pack rule
  EXPECT_EQ(FindCppRule("no-such-rule"), nullptr);
  // The attacker-context roles and escalations come from the rows.
  EXPECT_EQ(FindCppRule("audit-tampering")->roles, kAttackerBehaviour | kHighRiskChange);
  EXPECT_EQ(FindCppRule("mass-deletion")->roles, kAttackerBehaviour);
  EXPECT_EQ(FindCppRule("impossible-travel")->roles, kNoRole);
  EXPECT_NE(FindCppRule("send-as")->escalate, nullptr);
  EXPECT_EQ(FindCppRule("audit-tampering")->escalate, nullptr);
}

TEST(CatalogTest, AttackerContextComesFromTheRowsRoles) {
  auto run = [](std::string_view context_rule) {
    IncidentTable table(/*max_anchors=*/10);
    const Event attack = MakeEvent("a", 1000, "192.0.2.66");
    const Event send = MakeEvent("b", 2000, "192.0.2.66");
    Incident& high = table.Open(context_rule, "x");
    high.Add(Ctx(attack, "S-1"));
    high.Raise(Severity::kHigh, "attack");
    Incident& sent = table.Open("send-as", "y");
    sent.Add(Ctx(send, "S-2"));
    sent.Raise(Severity::kMedium, "new sender");
    EscalateAttackerContext(table, [](const std::string&) { return true; });
    return table.Find("send-as", "y")->severity();
  };
  EXPECT_EQ(run("mass-deletion"), Severity::kHigh);        // kAttackerBehaviour
  EXPECT_EQ(run("impossible-travel"), Severity::kMedium);  // no role
}

TEST(IncidentTest, RollUpMergesLowIncidentsOfOneRuleAndIdentity) {
  IncidentTable table(/*max_anchors=*/10);
  const Event day1 = MakeEvent("a", 1000, "192.0.2.1");
  const Event day2 = MakeEvent("b", 2000, "192.0.2.2");
  const Event day3 = MakeEvent("c", 3000, "192.0.2.3");
  Incident& first = table.Open("first-seen-ip", "day1");
  first.Add(Ctx(day1, "S-1"));
  first.Raise(Severity::kLow, "new network");
  first.List("networks", "192.0.2.0/24");
  first.Count("n", 1);
  first.Max("max_x", 4);
  Incident& second = table.Open("first-seen-ip", "day2");
  second.Add(Ctx(day2, "S-2"));
  second.Raise(Severity::kInfo, "seen");
  second.List("networks", "198.51.100.0/24");
  second.Count("n", 2);
  second.Max("max_x", 9);
  // A medium incident of the same identity and a low one of another rule stay.
  Incident& medium = table.Open("first-seen-ip", "day3");
  medium.Add(Ctx(day3, "S-3"));
  medium.Raise(Severity::kMedium, "new place and client");
  Incident& other = table.Open("mailitemsaccessed-sync-bulk", "x");
  other.Add(Ctx(day3, "S-3"));
  other.Raise(Severity::kLow, "sync from a new place");

  EXPECT_EQ(table.RollUp(Severity::kLow), 1u);
  std::vector<Finding> findings = table.TakeFindings();
  ASSERT_EQ(findings.size(), 3u);
  const Finding& rolled = findings[0];
  EXPECT_EQ(rolled.severity, Severity::kLow);
  EXPECT_EQ(rolled.evidence.size(), 2u);
  EXPECT_EQ(rolled.first_seen, 1000);
  EXPECT_EQ(rolled.last_seen, 2000);
  EXPECT_THAT(rolled.client_ips, ElementsAre("192.0.2.1", "192.0.2.2"));
  EXPECT_THAT(rolled.details_json, ::testing::HasSubstr("\"n\":3"));
  EXPECT_THAT(rolled.details_json, ::testing::HasSubstr("\"max_x\":9"));
  EXPECT_THAT(rolled.details_json, ::testing::HasSubstr("\"rolled_up\":2"));
  EXPECT_THAT(rolled.details_json,
              ::testing::HasSubstr("\"networks\":[\"192.0.2.0/24\",\"198.51.100.0/24\"]"));
  EXPECT_EQ(findings[1].rule, "first-seen-ip");
  EXPECT_EQ(findings[1].severity, Severity::kMedium);
  EXPECT_EQ(findings[2].rule, "mailitemsaccessed-sync-bulk");
}

}  // namespace
}  // namespace tern::detect
