#include "core/sigma/evaluator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "core/sigma/sigma_test_util.h"

namespace tern::sigma {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing_util::Admin;
using testing_util::Compile;
using testing_util::Login;
using testing_util::Messages;

constexpr TimeMs kT0 = 1'700'000'000'000;
constexpr TimeMs kMin = 60'000;

bool Match(const std::string& detection, const Event& e) {
  Rule r = Compile("detection:\n" + detection);
  FieldValues scratch;
  return r.Matches(e, scratch);
}

Event ForwardingEvent() {
  return Admin("Set-Mailbox", {{"Identity", "bob@contoso.com"},
                               {"ForwardingSmtpAddress", "smtp:drop@evil.example"},
                               {"DeliverToMailboxAndForward", "False"}});
}

// --- field addressing

TEST(SigmaMatchTest, TopLevelFieldsAndCaseInsensitiveValues) {
  Event e = ForwardingEvent();
  EXPECT_TRUE(Match("  s:\n    Operation: set-mailbox\n  condition: s\n", e));
  EXPECT_FALSE(Match("  s:\n    Operation: Set-MailboxX\n  condition: s\n", e));
  EXPECT_TRUE(Match("  s:\n    Workload: Exchange\n    ResultStatus: 'true'\n  condition: s\n", e));
}

TEST(SigmaMatchTest, NameValueListsByName) {
  Event e = ForwardingEvent();
  EXPECT_TRUE(
      Match("  s:\n    Parameters.ForwardingSmtpAddress|endswith: '@evil.example'\n"
            "  condition: s\n",
            e));
  EXPECT_TRUE(
      Match("  s:\n    Parameters.FORWARDINGSMTPADDRESS|contains: EVIL\n  condition: s\n", e));
  EXPECT_FALSE(Match("  s:\n    Parameters.ForwardingAddress|contains: evil\n  condition: s\n", e));
  // The whole list: every name and value.
  EXPECT_TRUE(Match("  s:\n    Parameters|contains: DeliverToMailbox\n  condition: s\n", e));
  EXPECT_TRUE(Match("  s:\n    Parameters|contains: drop@\n  condition: s\n", e));
}

TEST(SigmaMatchTest, ExtraFieldsByDottedPathAndPrefix) {
  Event e = Admin("Disable Strong Authentication.");
  e.extra.push_back({"ModifiedProperties.StrongAuthenticationRequirement.NewValue", "[]"});
  e.extra.push_back(
      {"ModifiedProperties.StrongAuthenticationRequirement.OldValue", "[{\"State\":1}]"});
  e.extra.push_back({"Target.ID", "bob@contoso.com"});
  e.extra.push_back({"Target.ID", "User_1234"});
  EXPECT_TRUE(
      Match("  s:\n    ModifiedProperties.StrongAuthenticationRequirement.NewValue: '[]'\n"
            "  condition: s\n",
            e));
  EXPECT_TRUE(Match("  s:\n    ModifiedProperties|contains: State\n  condition: s\n", e));
  EXPECT_TRUE(Match("  s:\n    Target.ID: user_1234\n  condition: s\n", e));
  // A prefix matches only at a '.' boundary.
  EXPECT_FALSE(Match("  s:\n    Target.I: bob@contoso.com\n  condition: s\n", e));
}

TEST(SigmaMatchTest, NormalizedFieldsWhereTheRuleNamesTheRawOne) {
  Event e = ForwardingEvent();
  EXPECT_TRUE(Match("  s:\n    ClientIP: 203.0.113.5\n  condition: s\n", e));
  EXPECT_TRUE(Match("  s:\n    ClientIP|cased: 203.0.113.5\n  condition: s\n", e));
  EXPECT_TRUE(Match("  s:\n    UserId|cased: admin@contoso.com\n  condition: s\n", e));
  e.logon_type = 2;
  EXPECT_TRUE(Match("  s:\n    LogonType: 2\n  condition: s\n", e));
  EXPECT_TRUE(Match("  s:\n    LogonType: Delegate\n  condition: s\n", e));
  EXPECT_TRUE(Match("  s:\n    RecordType: ExchangeAdmin\n  condition: s\n", e));
  EXPECT_TRUE(Match("  s:\n    RecordType: 1\n  condition: s\n", e));
}

TEST(SigmaMatchTest, ItemsAndFolders) {
  Event e;
  e.operation = "MoveToDeletedItems";
  e.items.push_back(MailItem{"Invoice overdue", "\\Inbox", "<m1@x>", "item1", 1234});
  e.folders = {"\\Inbox"};
  EXPECT_TRUE(Match("  s:\n    AffectedItems.Subject|contains: invoice\n  condition: s\n", e));
  EXPECT_TRUE(Match("  s:\n    Item.ParentFolder.Path: '\\Inbox'\n  condition: s\n", e));
  EXPECT_TRUE(Match("  s:\n    Folder.Path|endswith: Inbox\n  condition: s\n", e));
  EXPECT_TRUE(Match("  s:\n    Item.SizeInBytes|gt: 1000\n  condition: s\n", e));
}

// --- every modifier through the loader

TEST(SigmaMatchTest, ContainsStartswithEndswithAll) {
  Event e = Admin(
      "New-InboxRule",
      {{"Name", "..."}, {"DeleteMessage", "True"}, {"SubjectContainsWords", "invoice;payment"}});
  EXPECT_TRUE(Match("  s:\n    Operation|startswith: new-\n  condition: s\n", e));
  EXPECT_TRUE(Match("  s:\n    Operation|endswith: RULE\n  condition: s\n", e));
  EXPECT_TRUE(
      Match("  s:\n    Parameters.SubjectContainsWords|contains|all:\n"
            "      - invoice\n      - payment\n  condition: s\n",
            e));
  EXPECT_FALSE(
      Match("  s:\n    Parameters.SubjectContainsWords|contains|all:\n"
            "      - invoice\n      - wire\n  condition: s\n",
            e));
  EXPECT_TRUE(
      Match("  s:\n    Parameters.SubjectContainsWords|contains:\n"
            "      - invoice\n      - wire\n  condition: s\n",
            e));
}

TEST(SigmaMatchTest, WildcardsInValues) {
  Event e = Admin("Set-InboxRule");
  EXPECT_TRUE(Match("  s:\n    Operation: '*-InboxRule'\n  condition: s\n", e));
  EXPECT_TRUE(Match("  s:\n    Operation: 'Set-?nboxRule'\n  condition: s\n", e));
  EXPECT_FALSE(Match("  s:\n    Operation: 'New-*'\n  condition: s\n", e));
}

TEST(SigmaMatchTest, RegexModifierAndFlags) {
  Event e = Admin("Set-InboxRule");
  EXPECT_TRUE(Match("  s:\n    Operation|re: '^(New|Set)-InboxRule$'\n  condition: s\n", e));
  EXPECT_FALSE(Match("  s:\n    Operation|re: '^set-inboxrule$'\n  condition: s\n", e));
  EXPECT_TRUE(Match("  s:\n    Operation|re|i: '^set-inboxrule$'\n  condition: s\n", e));
}

TEST(SigmaMatchTest, CidrModifier) {
  Event e = ForwardingEvent();
  EXPECT_TRUE(
      Match("  s:\n    ClientIP|cidr:\n      - 10.0.0.0/8\n      - 203.0.113.0/24\n"
            "  condition: s\n",
            e));
  EXPECT_FALSE(Match("  s:\n    ClientIP|cidr: 10.0.0.0/8\n  condition: s\n", e));
}

TEST(SigmaMatchTest, ExistsModifier) {
  Event e = ForwardingEvent();
  EXPECT_TRUE(
      Match("  s:\n    Parameters.ForwardingSmtpAddress|exists: true\n  condition: s\n", e));
  EXPECT_FALSE(Match("  s:\n    Parameters.ForwardingAddress|exists: true\n  condition: s\n", e));
  EXPECT_TRUE(Match("  s:\n    Parameters.ForwardingAddress|exists: false\n  condition: s\n", e));
  // {"Name":"X"} without a Value exists.
  Event bare = Admin("Remove-InboxRule", {NameValue{"AlwaysDeleteOutlookRulesBlob", "", false}});
  EXPECT_TRUE(Match(
      "  s:\n    Parameters.AlwaysDeleteOutlookRulesBlob|exists: true\n  condition: s\n", bare));
}

TEST(SigmaMatchTest, NullMatchesAbsentOrEmpty) {
  Event e = ForwardingEvent();
  EXPECT_TRUE(Match("  s:\n    Parameters.ForwardingAddress: null\n  condition: s\n", e));
  EXPECT_FALSE(Match("  s:\n    Parameters.ForwardingSmtpAddress: null\n  condition: s\n", e));
  e.parameters.push_back({"ForwardingAddress", ""});
  EXPECT_TRUE(Match("  s:\n    Parameters.ForwardingAddress: null\n  condition: s\n", e));
  EXPECT_TRUE(Match("  s:\n    Parameters.ForwardingAddress: ''\n  condition: s\n", e));
}

TEST(SigmaMatchTest, WindashModifier) {
  Event e = Admin("Invoke");
  e.client_info = "cmd /enc ZQ==";
  EXPECT_TRUE(Match("  s:\n    ClientInfoString|windash|contains: ' -enc '\n  condition: s\n", e));
  EXPECT_FALSE(Match("  s:\n    ClientInfoString|contains: ' -enc '\n  condition: s\n", e));
}

TEST(SigmaMatchTest, Base64AndBase64OffsetModifiers) {
  Event e = Admin("Invoke");
  e.parameters.push_back({"Command", "powershell -e " + Base64("xIEX (New-Object Net.WebClient)")});
  EXPECT_TRUE(
      Match("  s:\n    Parameters.Command|base64offset|contains: 'IEX (New-Object'\n"
            "  condition: s\n",
            e));
  EXPECT_FALSE(
      Match("  s:\n    Parameters.Command|base64offset|contains: 'Invoke-Mimikatz'\n"
            "  condition: s\n",
            e));
  Event exact = Admin("Invoke");
  exact.parameters.push_back({"Blob", Base64("secret")});
  EXPECT_TRUE(Match("  s:\n    Parameters.Blob|base64: secret\n  condition: s\n", exact));
  // Base64 text is case-sensitive.
  exact.parameters.back().value = "c2vjcmv0";
  EXPECT_FALSE(Match("  s:\n    Parameters.Blob|base64: secret\n  condition: s\n", exact));
  Event wide = Admin("Invoke");
  wide.parameters.push_back({"Blob", Base64(Utf16("whoami", false, false))});
  EXPECT_TRUE(Match("  s:\n    Parameters.Blob|wide|base64: whoami\n  condition: s\n", wide));
}

TEST(SigmaMatchTest, NumericModifiers) {
  Event e = Admin("Set-Mailbox", {{"AuditLogAgeLimit", "30"}});
  EXPECT_TRUE(Match("  s:\n    Parameters.AuditLogAgeLimit|lt: 90\n  condition: s\n", e));
  EXPECT_FALSE(Match("  s:\n    Parameters.AuditLogAgeLimit|gte: 90\n  condition: s\n", e));
}

TEST(SigmaMatchTest, KeywordsSearchEveryValue) {
  Event e = Login("UserLoginFailed", "bob@contoso.com", "198.51.100.1", kT0);
  EXPECT_TRUE(
      Match("  keywords:\n    - python-requests\n    - nothing\n  condition: keywords\n", e));
  EXPECT_FALSE(Match("  keywords:\n    - azurehound\n  condition: keywords\n", e));
}

// --- condition forms on records

TEST(SigmaMatchTest, ConditionForms) {
  Event e = ForwardingEvent();
  const std::string sels =
      "  sel_op:\n    Operation: Set-Mailbox\n"
      "  sel_fwd:\n    Parameters.ForwardingSmtpAddress|exists: true\n"
      "  filter_internal:\n    Parameters.ForwardingSmtpAddress|endswith: '@contoso.com'\n"
      "  filter_other:\n    Operation: New-InboxRule\n";
  EXPECT_TRUE(Match(sels + "  condition: sel_op and sel_fwd\n", e));
  EXPECT_TRUE(Match(sels + "  condition: all of sel_*\n", e));
  EXPECT_TRUE(Match(sels + "  condition: all of sel_* and not 1 of filter_*\n", e));
  EXPECT_FALSE(Match(sels + "  condition: 1 of filter_*\n", e));
  EXPECT_TRUE(Match(sels + "  condition: 2 of them\n", e));
  EXPECT_FALSE(Match(sels + "  condition: 3 of them\n", e));
  EXPECT_TRUE(Match(sels + "  condition: filter_other or (sel_op and not filter_internal)\n", e));
  EXPECT_FALSE(Match(sels + "  condition: not (sel_op or filter_other)\n", e));
  // A list of conditions: any of them.
  EXPECT_TRUE(Match(sels + "  condition:\n    - filter_other\n    - sel_fwd\n", e));
}

TEST(SigmaMatchTest, ListOfMapsIsAnyMap) {
  Event e = ForwardingEvent();
  EXPECT_TRUE(
      Match("  s:\n    - Operation: New-InboxRule\n    - Parameters.Identity: bob@contoso.com\n"
            "  condition: s\n",
            e));
  EXPECT_FALSE(
      Match("  s:\n    - Operation: New-InboxRule\n    - Parameters.Identity: eve\n"
            "  condition: s\n",
            e));
}

// --- the evaluator and correlations

// Hits point at rules, so the load that owns them lives as long as the hits.
struct Collected {
  std::unique_ptr<RuleLoad> load = std::make_unique<RuleLoad>();
  std::vector<std::string> matches;
  std::vector<CorrelationHit> hits;
};

Collected RunRules(const std::string& yaml, const std::vector<Event>& events) {
  Collected out;
  RuleLoad& load = *out.load;
  LoadText(yaml, "corr.yml", load);
  Link(load);
  for (const std::string& m : Messages(load)) ADD_FAILURE() << m;
  Evaluator ev(load.rules);
  auto corr = [&](const CorrelationHit& h) { out.hits.push_back(h); };
  for (const Event& e : events) {
    ev.OnEvent(
        e, [&](const Rule& r) { out.matches.push_back(r.id + ":" + e.record_id); }, corr);
  }
  ev.Finish(corr);
  return out;
}

constexpr char kFailedLogin[] = R"(title: Failed login
id: failed-login
level: low
logsource:
    product: m365
detection:
    s:
        Operation: UserLoginFailed
    condition: s
---
)";

std::vector<Event> Spray(const std::string& ip, int users, TimeMs start, TimeMs step) {
  std::vector<Event> events;
  for (int i = 0; i < users; ++i) {
    events.push_back(Login("UserLoginFailed", "user" + std::to_string(i) + "@contoso.com", ip,
                           start + i * step));
  }
  return events;
}

TEST(SigmaCorrelationTest, ValueCountFiresOncePerBurstAndSuppressesTheBaseRule) {
  const std::string yaml = std::string(kFailedLogin) + R"(title: Password spray
id: spray
level: high
correlation:
    type: value_count
    rules: [failed-login]
    group-by: [ClientIP]
    timespan: 10m
    condition:
        field: UserId
        gte: 5
)";
  std::vector<Event> events = Spray("198.51.100.7", 8, kT0, kMin);
  // Four users from another IP: below the threshold.
  for (const Event& e : Spray("192.0.2.1", 4, kT0, kMin)) events.push_back(e);
  std::sort(events.begin(), events.end(),
            [](const Event& a, const Event& b) { return a.time_ms < b.time_ms; });
  Collected c = RunRules(yaml, events);
  EXPECT_THAT(c.matches, IsEmpty());  // referenced with generate: false
  ASSERT_EQ(c.hits.size(), 4u);       // the 5th..8th user
  for (const CorrelationHit& h : c.hits) {
    EXPECT_EQ(h.rule->id, "spray");
    EXPECT_EQ(h.group, "198.51.100.7");
    EXPECT_EQ(h.key, c.hits[0].key);
  }
  EXPECT_EQ(c.hits[0].events.size(), 5u);  // the burst so far
  EXPECT_EQ(c.hits[0].count, 5);
  EXPECT_EQ(c.hits[3].events.size(), 1u);  // then one new event per hit
  EXPECT_EQ(c.hits[3].count, 8);
}

TEST(SigmaCorrelationTest, ValueCountCountsDistinctValuesOnly) {
  const std::string yaml = std::string(kFailedLogin) + R"(title: Password spray
id: spray
level: high
correlation:
    type: value_count
    rules: [failed-login]
    group-by: [ClientIP]
    timespan: 10m
    condition: {field: UserId, gte: 3}
)";
  std::vector<Event> events;
  for (int i = 0; i < 6; ++i) {
    events.push_back(Login("UserLoginFailed", "same@contoso.com", "198.51.100.7", kT0 + i));
  }
  EXPECT_THAT(RunRules(yaml, events).hits, IsEmpty());
}

TEST(SigmaCorrelationTest, EventCountRespectsTheTimespan) {
  const std::string yaml = std::string(kFailedLogin) + R"(title: Brute force
id: brute
level: medium
correlation:
    type: event_count
    rules: [failed-login]
    group-by: [UserId]
    timespan: 5m
    condition: {gte: 3}
)";
  // Three failures 3 minutes apart never fall inside one 5-minute window.
  std::vector<Event> slow;
  for (int i = 0; i < 3; ++i) {
    slow.push_back(Login("UserLoginFailed", "bob@contoso.com", "198.51.100.7", kT0 + i * 3 * kMin));
  }
  EXPECT_THAT(RunRules(yaml, slow).hits, IsEmpty());
  std::vector<Event> fast;
  for (int i = 0; i < 3; ++i) {
    fast.push_back(Login("UserLoginFailed", "bob@contoso.com", "198.51.100.7", kT0 + i * kMin));
  }
  Collected c = RunRules(yaml, fast);
  ASSERT_EQ(c.hits.size(), 1u);
  EXPECT_EQ(c.hits[0].group, "bob@contoso.com");
  EXPECT_EQ(c.hits[0].count, 3);
  // Two bursts far apart are two hits with different keys.
  std::vector<Event> twice = fast;
  for (Event e : fast) {
    e.time_ms += 60 * kMin;
    e.record_id += "-later";
    twice.push_back(e);
  }
  Collected two = RunRules(yaml, twice);
  ASSERT_EQ(two.hits.size(), 2u);
  EXPECT_NE(two.hits[0].key, two.hits[1].key);
}

TEST(SigmaCorrelationTest, EventCountUpperBoundIsJudgedWhenTheWindowCloses) {
  const std::string yaml = std::string(kFailedLogin) + R"(title: Few failures
id: few
level: low
correlation:
    type: event_count
    rules: [failed-login]
    group-by: [UserId]
    timespan: 5m
    condition: {lt: 3}
)";
  std::vector<Event> events;
  events.push_back(Login("UserLoginFailed", "alice@contoso.com", "198.51.100.7", kT0));
  for (int i = 0; i < 4; ++i) {
    events.push_back(Login("UserLoginFailed", "bob@contoso.com", "198.51.100.7", kT0 + i));
  }
  Collected c = RunRules(yaml, events);
  ASSERT_EQ(c.hits.size(), 1u);
  EXPECT_EQ(c.hits[0].group, "alice@contoso.com");
  EXPECT_EQ(c.hits[0].count, 1);
}

constexpr char kTemporalBase[] = R"(title: Failed login
id: failed-login
level: low
logsource:
    product: m365
detection:
    s:
        Operation: UserLoginFailed
    condition: s
---
title: Login
id: login-ok
level: low
logsource:
    product: m365
detection:
    s:
        Operation: UserLoggedIn
    condition: s
---
)";

TEST(SigmaCorrelationTest, TemporalNeedsEveryRuleInTheTimespan) {
  const std::string yaml = std::string(kTemporalBase) + R"(title: Failure then success
id: guessed
level: high
correlation:
    type: temporal
    rules: [failed-login, login-ok]
    group-by: [UserId]
    timespan: 10m
    generate: true
)";
  std::vector<Event> events = {
      Login("UserLoginFailed", "bob@contoso.com", "198.51.100.7", kT0),
      Login("UserLoggedIn", "bob@contoso.com", "198.51.100.7", kT0 + kMin),
      Login("UserLoggedIn", "carol@contoso.com", "198.51.100.7", kT0 + kMin),
      Login("UserLoginFailed", "dave@contoso.com", "198.51.100.7", kT0),
      Login("UserLoggedIn", "dave@contoso.com", "198.51.100.7", kT0 + 30 * kMin),
  };
  Collected c = RunRules(yaml, events);
  ASSERT_EQ(c.hits.size(), 1u);
  EXPECT_EQ(c.hits[0].group, "bob@contoso.com");
  EXPECT_EQ(c.hits[0].events.size(), 2u);
  // generate: true lets the named rules report on their own too.
  EXPECT_EQ(c.matches.size(), 5u);
}

TEST(SigmaCorrelationTest, TemporalOrderedNeedsTheOrder) {
  const std::string yaml = std::string(kTemporalBase) + R"(title: Failure then success
id: guessed
level: high
correlation:
    type: temporal_ordered
    rules: [failed-login, login-ok]
    group-by: [UserId]
    timespan: 10m
)";
  std::vector<Event> wrong_order = {
      Login("UserLoggedIn", "bob@contoso.com", "198.51.100.7", kT0),
      Login("UserLoginFailed", "bob@contoso.com", "198.51.100.7", kT0 + kMin),
  };
  EXPECT_THAT(RunRules(yaml, wrong_order).hits, IsEmpty());
  std::vector<Event> right_order = {
      Login("UserLoginFailed", "bob@contoso.com", "198.51.100.7", kT0),
      Login("UserLoggedIn", "bob@contoso.com", "198.51.100.7", kT0 + kMin),
  };
  EXPECT_EQ(RunRules(yaml, right_order).hits.size(), 1u);
}

TEST(SigmaCorrelationTest, DetectionRulesReportMatches) {
  Collected c = RunRules(std::string(kFailedLogin),
                         {Login("UserLoginFailed", "bob@contoso.com", "198.51.100.7", kT0),
                          Login("UserLoggedIn", "bob@contoso.com", "198.51.100.7", kT0)});
  EXPECT_THAT(c.matches, ElementsAre("failed-login:login-bob@contoso.com-1700000000000"));
}

}  // namespace
}  // namespace tern::sigma
