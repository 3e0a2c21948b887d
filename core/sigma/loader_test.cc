#include "core/sigma/loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/sigma/sigma_test_util.h"

namespace tern::sigma {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing_util::Admin;
using testing_util::Compile;
using testing_util::Messages;

TEST(LoaderTest, ReadsMetadata) {
  RuleLoad load;
  LoadText(R"(title: Forwarding set
id: 0a1b2c3d-0000-4000-8000-000000000001
status: test
description: Detects forwarding.
author: tern tests
level: high
tags:
    - attack.collection
    - attack.t1114.003
    - attack.T1020
falsepositives:
    - Approved forwarding
logsource:
    product: m365
    service: exchange
detection:
    selection:
        Operation: Set-Mailbox
    condition: selection
)",
           "rules/fwd.yml", load);
  Link(load);
  ASSERT_THAT(Messages(load), IsEmpty());
  ASSERT_EQ(load.rules.size(), 1u);
  const Rule& r = load.rules[0];
  EXPECT_EQ(r.id, "0a1b2c3d-0000-4000-8000-000000000001");
  EXPECT_EQ(r.title, "Forwarding set");
  EXPECT_EQ(r.level, Severity::kHigh);
  EXPECT_THAT(r.attack, ElementsAre("T1114.003", "T1020"));
  EXPECT_THAT(r.falsepositives, ElementsAre("Approved forwarding"));
  EXPECT_EQ(r.source, "rules/fwd.yml");
  EXPECT_EQ(r.line, 1);
}

TEST(LoaderTest, LevelsMapToSeverities) {
  for (auto [level, severity] :
       {std::pair{"informational", Severity::kInfo}, std::pair{"low", Severity::kLow},
        std::pair{"critical", Severity::kCritical}}) {
    Rule r = Compile(std::string("detection:\n  s:\n    Operation: x\n  condition: s\nlevel: ") +
                     level + "\n");
    EXPECT_EQ(r.level, severity) << level;
  }
}

TEST(LoaderTest, AcceptsM365AndAzureServicesAndSkipsOthersWithANote) {
  auto load_with = [](std::string logsource) {
    RuleLoad load;
    LoadText("title: t\nid: x1\nlevel: low\nlogsource:\n" + logsource +
                 "detection:\n  s:\n    Operation: x\n  condition: s\n",
             "f.yml", load);
    return load;
  };
  for (std::string ok :
       {"  product: m365\n", "  product: m365\n  service: audit\n",
        "  product: azure\n  service: m365\n", "  product: azure\n  service: exchange\n",
        "  product: m365\n  service: threat_management\n"}) {
    EXPECT_EQ(load_with(ok).rules.size(), 1u) << ok;
  }
  for (std::string skip : {"  product: windows\n  service: security\n",
                           "  product: m365\n  service: threat_detection\n",
                           "  product: azure\n  service: signinlogs\n"}) {
    RuleLoad load = load_with(skip);
    EXPECT_THAT(load.rules, IsEmpty()) << skip;
    EXPECT_FALSE(load.has_errors());
    EXPECT_THAT(Messages(load), ElementsAre(HasSubstr("note: skipped: log source")));
  }
}

TEST(LoaderTest, ErrorsNameFileLineAndProblem) {
  RuleLoad load;
  LoadText(R"(title: Bad modifier
id: bad-1
level: high
logsource:
    product: m365
detection:
    selection:
        Operation|contians: Set-Mailbox
    condition: selection
)",
           "user/bad.yml", load);
  EXPECT_TRUE(load.has_errors());
  EXPECT_THAT(load.rules, IsEmpty());
  EXPECT_THAT(Messages(load),
              ElementsAre("user/bad.yml:8: error: unknown modifier 'contians' [bad-1]"));
}

TEST(LoaderTest, BadConditionIsAnError) {
  RuleLoad load;
  LoadText(
      "title: t\nid: c1\nlevel: low\nlogsource:\n  product: m365\ndetection:\n  sel:\n"
      "    Operation: x\n  condition: sel and filter\n",
      "c.yml", load);
  EXPECT_THAT(
      Messages(load),
      ElementsAre("c.yml:9: error: bad condition: unknown search identifier 'filter' [c1]"));
}

TEST(LoaderTest, UnknownFieldIsAWarningAndTheRuleLoads) {
  RuleLoad load;
  LoadText(
      "title: t\nid: w1\nlevel: low\nlogsource:\n  product: m365\n  service: "
      "threat_management\ndetection:\n  sel:\n    eventSource: SecurityComplianceCenter\n"
      "    Operation: x\n  condition: sel\n",
      "w.yml", load);
  EXPECT_FALSE(load.has_errors());
  EXPECT_EQ(load.rules.size(), 1u);
  EXPECT_THAT(Messages(load),
              ElementsAre(HasSubstr("w.yml:9: warning: field 'eventSource' is not a field of "
                                    "Microsoft 365 audit records")));
}

TEST(LoaderTest, KnownNestedFieldsDoNotWarn) {
  RuleLoad load;
  LoadText(R"(title: t
id: n1
level: low
logsource:
    product: m365
detection:
    sel:
        Parameters.ForwardingSmtpAddress|exists: true
        ModifiedProperties.StrongAuthenticationRequirement.NewValue: '[]'
        ExtendedProperties.UserAgent|contains: python
        Item.ParentFolder.Path|endswith: '\Inbox'
        AppAccessContext.AADSessionId: abc
    condition: sel
)",
           "n.yml", load);
  EXPECT_THAT(Messages(load), IsEmpty());
}

TEST(LoaderTest, OtherProblems) {
  auto messages = [](std::string text) {
    RuleLoad load;
    LoadText(text, "p.yml", load);
    Link(load);
    return Messages(load);
  };
  const std::string head = "title: t\nid: p1\nlevel: low\nlogsource:\n  product: m365\n";
  EXPECT_THAT(messages("title: [unclosed\n"), ElementsAre(HasSubstr("not valid YAML")));
  EXPECT_THAT(messages(head), ElementsAre(HasSubstr("no detection")));
  EXPECT_THAT(messages(head + "detection:\n  s:\n    Operation: x\n"),
              ElementsAre(HasSubstr("detection has no condition")));
  EXPECT_THAT(messages(head + "detection:\n  s:\n    ClientIP|cidr: 1.2.3.4/99\n  condition: s\n"),
              ElementsAre(HasSubstr("bad CIDR prefix length")));
  EXPECT_THAT(messages(head + "detection:\n  s:\n    Operation|re: '('\n  condition: s\n"),
              ElementsAre(HasSubstr("bad regular expression")));
  EXPECT_THAT(messages(head + "detection:\n  s:\n    Operation|exists: maybe\n  condition: s\n"),
              ElementsAre(HasSubstr("exists takes true or false")));
  EXPECT_THAT(
      messages(head + "detection:\n  s:\n    Operation|contains|startswith: x\n  condition: s\n"),
      ElementsAre(HasSubstr("exclude each other")));
  EXPECT_THAT(messages(head + "detection:\n  s:\n    - Operation: x\n    - kw\n  condition: s\n"),
              ElementsAre(HasSubstr("mixes field maps and keywords")));
  EXPECT_THAT(messages(head + "detection:\n  s:\n    Operation|wide: x\n  condition: s\n"),
              ElementsAre(HasSubstr("need base64")));
  EXPECT_THAT(messages("title: t\nlevel: low\nlogsource:\n  product: m365\ndetection:\n  s:\n"
                       "    Operation: x\n  condition: s\n"),
              ElementsAre(HasSubstr("no id")));
  EXPECT_THAT(messages(head + "detection:\n  s:\n    Operation: x\n  condition: s\n---\n" + head +
                       "detection:\n  s:\n    Operation: y\n  condition: s\n"),
              ElementsAre(HasSubstr("p.yml:11: error: duplicate rule id 'p1'")));
  EXPECT_THAT(messages("title: t\nid: x\nlogsource:\n  product: m365\ndetection:\n  s:\n"
                       "    Operation: x\n  condition: s\n"),
              ElementsAre(HasSubstr("warning: no level")));
  EXPECT_THAT(
      messages(head + "detection:\n  s:\n    Operation: x\n  timeframe: 5m\n  condition: s\n"),
      ElementsAre(HasSubstr("'timeframe' is deprecated")));
}

TEST(LoaderTest, CorrelationRules) {
  RuleLoad load;
  LoadText(R"(title: Failed login
id: failed-login
name: failed_login
level: low
logsource:
    product: m365
detection:
    s:
        Operation: UserLoginFailed
    condition: s
---
title: Password spray
id: spray-1
level: high
correlation:
    type: value_count
    rules:
        - failed_login
    group-by:
        - ClientIP
    timespan: 1h
    condition:
        gte: 10
        field: UserId
)",
           "spray.yml", load);
  Link(load);
  ASSERT_THAT(Messages(load), IsEmpty());
  ASSERT_EQ(load.rules.size(), 2u);
  const Correlation& c = *load.rules[1].correlation;
  EXPECT_EQ(c.type, Correlation::Type::kValueCount);
  EXPECT_THAT(c.rules, ElementsAre("failed_login"));
  EXPECT_EQ(c.timespan_ms, 3'600'000);
  EXPECT_EQ(c.gte, 10);
  EXPECT_EQ(c.value_field->name(), "UserId");
  EXPECT_TRUE(c.Holds(10));
  EXPECT_FALSE(c.Holds(9));
  // The failed-login rule only feeds the correlation: an input, not a detection.
  EXPECT_TRUE(load.rules[0].input_only);
  EXPECT_FALSE(load.rules[1].input_only);
}

TEST(LoaderTest, InputOnlyRules) {
  auto inputs = [](const std::string& generate) {
    RuleLoad load;
    LoadText(R"(title: Failed login
id: failed-login
name: failed_login
level: low
logsource: {product: m365}
detection: {s: {Operation: UserLoginFailed}, condition: s}
---
title: Sign-in
id: signed-in
level: low
logsource: {product: m365}
detection: {s: {Operation: UserLoggedIn}, condition: s}
---
title: Burst
id: burst
level: high
correlation:
    type: event_count
    rules: [failed_login]
    group-by: [UserId]
    timespan: 1h
    condition: {gte: 3}
)" + generate,
             "c.yml", load);
    Link(load);
    EXPECT_THAT(Messages(load), IsEmpty());
    std::vector<std::string> ids;
    for (const Rule& r : load.rules) {
      if (r.input_only) ids.push_back(r.id);
    }
    return ids;
  };
  EXPECT_THAT(inputs(""), ElementsAre("failed-login"));
  // generate: true lets the named rule report on its own: a detection too.
  EXPECT_THAT(inputs("    generate: true\n"), IsEmpty());
}

TEST(LoaderTest, CorrelationProblems) {
  auto messages = [](std::string corr) {
    RuleLoad load;
    LoadText("title: c\nid: c1\nlevel: high\ncorrelation:\n" + corr, "c.yml", load);
    Link(load);
    return Messages(load);
  };
  EXPECT_THAT(messages("  type: event_count\n  rules: [nope]\n  timespan: 5m\n  condition:\n"
                       "    gte: 3\n"),
              ElementsAre(HasSubstr("correlation names unknown rule 'nope'")));
  EXPECT_THAT(messages("  type: sum\n"), ElementsAre(HasSubstr("unknown correlation type 'sum'")));
  EXPECT_THAT(messages("  type: event_count\n  rules: [x]\n  timespan: soon\n  condition:\n"
                       "    gte: 3\n"),
              testing::Contains(HasSubstr("timespan must be")));
  EXPECT_THAT(messages("  type: value_count\n  rules: [x]\n  timespan: 5m\n  condition:\n"
                       "    gte: 3\n"),
              testing::Contains(HasSubstr("value_count needs condition.field")));
  EXPECT_THAT(messages("  type: event_count\n  rules: [x]\n  timespan: 5m\n"),
              testing::Contains(HasSubstr("needs a condition")));
  EXPECT_THAT(messages("  type: event_count\n  rules: [x]\n  timespan: 5m\n  condition:\n"
                       "    about: 3\n"),
              testing::Contains(HasSubstr("unknown condition operator 'about'")));
}

}  // namespace
}  // namespace tern::sigma

namespace tern::sigma {
namespace {

TEST(LoaderTest, EverySharedSampleRuleLoads) {
  RuleLoad load;
  LoadPath(std::string(TERN_FIXTURES_DIR) + "/sigma", load);
  Link(load);
  EXPECT_FALSE(load.has_errors()) << testing::PrintToString(testing_util::Messages(load));
  EXPECT_EQ(load.files.size(), 42u);
  // One sample is for service threat_detection: skipped with a note.
  EXPECT_EQ(load.rules.size(), 41u);
  int notes = 0;
  for (const Diagnostic& d : load.diagnostics) notes += d.level == Diagnostic::Level::kNote;
  EXPECT_EQ(notes, 1);
}

}  // namespace
}  // namespace tern::sigma
