#include "core/sigma/prefilter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/sigma/sigma_test_util.h"

namespace tern::sigma {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing_util::Admin;
using testing_util::Compile;

using Operations = std::optional<std::set<std::string>>;

Operations Required(const std::string& detection) {
  return RequiredOperations(Compile("detection:\n" + detection));
}

Operations Ops(std::initializer_list<const char*> ops) {
  std::set<std::string> out;
  for (const char* op : ops) out.insert(op);
  return out;
}

TEST(RequiredOperationsTest, ExactOperationValuesPinTheRuleIgnoringCase) {
  EXPECT_EQ(Required("  s:\n    Operation: Set-Mailbox\n  condition: s\n"), Ops({"set-mailbox"}));
  EXPECT_EQ(Required("  s:\n    Operation:\n      - New-InboxRule\n      - Set-InboxRule\n"
                     "  condition: s\n"),
            Ops({"new-inboxrule", "set-inboxrule"}));
  EXPECT_EQ(Required("  s:\n    Operation|cased: Set-Mailbox\n  condition: s\n"),
            Ops({"set-mailbox"}));
}

TEST(RequiredOperationsTest, PatternsThatAreNotWholeValuesLeaveTheRuleUnpinned) {
  for (const char* detection : {
           "  s:\n    Operation|contains: Inbox\n  condition: s\n",
           "  s:\n    Operation: Set-*\n  condition: s\n",
           "  s:\n    Operation|re: '^Set-'\n  condition: s\n",
           "  s:\n    Operation: null\n  condition: s\n",
           "  s:\n    Operation:\n      - Set-Mailbox\n      - null\n  condition: s\n",
           "  s:\n    Operation|exists: true\n  condition: s\n",
           "  s:\n    Workload: Exchange\n  condition: s\n",
           "  k:\n    - Set-Mailbox\n  condition: k\n",
       }) {
    EXPECT_EQ(Required(detection), std::nullopt) << detection;
  }
}

TEST(RequiredOperationsTest, ConditionsCombineWhatTheirSelectionsRequire) {
  const std::string sel =
      "  a:\n    Operation: New-InboxRule\n"
      "  b:\n    Operation:\n      - Set-InboxRule\n      - New-InboxRule\n"
      "  c:\n    Operation: Send\n"
      "  w:\n    Workload: Exchange\n";
  EXPECT_EQ(Required(sel + "  condition: a and w\n"), Ops({"new-inboxrule"}));
  EXPECT_EQ(Required(sel + "  condition: a and b\n"), Ops({"new-inboxrule"}));
  EXPECT_EQ(Required(sel + "  condition: a and c\n"), Ops({}));  // can never match
  EXPECT_EQ(Required(sel + "  condition: b and not a\n"), Ops({"new-inboxrule", "set-inboxrule"}));
  EXPECT_EQ(Required(sel + "  condition: a or c\n"), Ops({"new-inboxrule", "send"}));
  EXPECT_EQ(Required(sel + "  condition: a or w\n"), std::nullopt);
  EXPECT_EQ(Required(sel + "  condition: not a\n"), std::nullopt);
  EXPECT_EQ(Required(sel + "  condition: not (a or w)\n"), std::nullopt);
  EXPECT_EQ(Required(sel + "  condition: (a or c) and w\n"), Ops({"new-inboxrule", "send"}));
  EXPECT_EQ(Required(sel + "  condition: 1 of a*\n"), Ops({"new-inboxrule"}));
  EXPECT_EQ(Required(sel + "  condition: 1 of them\n"), std::nullopt);  // w pins nothing
  EXPECT_EQ(Required(sel + "  condition: all of them\n"), Ops({}));
}

TEST(RequiredOperationsTest, EachMapOfAListMustPinForTheSelectionToPin) {
  EXPECT_EQ(Required("  s:\n    - Operation: Set-Mailbox\n    - Operation: Send\n"
                     "  condition: s\n"),
            Ops({"send", "set-mailbox"}));
  EXPECT_EQ(Required("  s:\n    - Operation: Set-Mailbox\n    - Workload: Exchange\n"
                     "  condition: s\n"),
            std::nullopt);
}

// Each rule with an event it matches: the prefilter keeps the rule for that
// event's operation in any case, and for no operation it leaves out does the
// rule match the event.
TEST(OperationPrefilterTest, NeverLeavesOutARuleThatMatches) {
  const std::vector<std::string> detections = {
      "  s:\n    Operation: Set-Mailbox\n  condition: s\n",
      "  s:\n    Operation|contains: mailbox\n  condition: s\n",
      "  s:\n    Operation: Set-Mailbox\n  f:\n    Parameters.Identity: carol*\n"
      "  condition: s and not f\n",
      "  s:\n    Operation: New-InboxRule\n  w:\n    Workload: Exchange\n  condition: s or w\n",
      "  k:\n    - drop@evil\n  condition: k\n",
      "  a:\n    Operation: Send\n  b:\n    Operation: Set-Mailbox\n  condition: 1 of them\n",
      "  s:\n    Operation: Send\n  condition: not s\n",
  };
  std::vector<Rule> rules;
  for (size_t i = 0; i < detections.size(); ++i) {
    rules.push_back(Compile("id: r" + std::to_string(i) + "\ndetection:\n" + detections[i]));
  }
  OperationPrefilter prefilter(rules);
  Event e = Admin("Set-Mailbox", {{"Identity", "bob@contoso.com"},
                                  {"ForwardingSmtpAddress", "smtp:drop@evil.example"}});
  FieldValues scratch;
  for (const char* op : {"Set-Mailbox", "SET-MAILBOX", "set-mailbox", "Send", "New-InboxRule",
                         "MailItemsAccessed", ""}) {
    e.operation = op;
    const std::vector<int> candidates = prefilter.Candidates(op);
    EXPECT_TRUE(std::is_sorted(candidates.begin(), candidates.end()));
    for (size_t i = 0; i < rules.size(); ++i) {
      if (!rules[i].Matches(e, scratch)) continue;
      EXPECT_THAT(candidates, ::testing::Contains(static_cast<int>(i)))
          << "rule " << i << " matches operation '" << op << "'";
    }
  }
  // And it does leave rules out: r0 and r2 need Set-Mailbox, r5 Send or Set-Mailbox.
  EXPECT_THAT(prefilter.Candidates("MailItemsAccessed"), ElementsAre(1, 3, 4, 6));
  EXPECT_THAT(prefilter.Candidates("SEND"), ElementsAre(1, 3, 4, 5, 6));
  EXPECT_THAT(prefilter.Candidates("set-MAILBOX"), ElementsAre(0, 1, 2, 3, 4, 5, 6));
}

TEST(OperationPrefilterTest, CorrelationsAreNeverCandidates) {
  std::vector<Rule> rules = {
      Compile("id: base\ndetection:\n  s:\n    Operation: UserLoginFailed\n"
              "  condition: s\n")};
  RuleLoad load;
  LoadText(
      "title: Burst\nid: burst\ncorrelation:\n  type: event_count\n  rules: base\n"
      "  group-by: [ClientIP]\n  timespan: 10m\n  condition:\n    gte: 5\nlevel: high\n",
      "c.yml", load);
  ASSERT_EQ(load.rules.size(), 1u) << testing::PrintToString(testing_util::Messages(load));
  rules.push_back(load.rules.front());
  OperationPrefilter prefilter(rules);
  EXPECT_THAT(prefilter.Candidates("UserLoginFailed"), ElementsAre(0));
  EXPECT_THAT(prefilter.Candidates("anything"), IsEmpty());
}

}  // namespace
}  // namespace tern::sigma
