// inbox-rule-suspicious: positive and negative cases through Analyze().
#include <string>
#include <vector>

#include "core/detect/detect_test_util.h"

namespace tern::detect::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kRule[] = "inbox-rule-suspicious";

class InboxRuleTest : public AnalyzerTest {
 protected:
  void SetUp() override { Baseline("cfo@contoso.com", kOfficeIp); }
  Event& NewRule(TimeMs t, std::vector<NameValue> params) {
    return Push(Cmdlet(t, "New-InboxRule", "cfo@contoso.com", kEvilIp, std::move(params)));
  }
};

TEST_F(InboxRuleTest, HidingRuleAloneIsMedium) {
  const Event& e =
      NewRule(kAfterBaseline,
              {{"Name", "Move to RSS"}, {"MoveToFolder", "RSS Feeds"}, {"MarkAsRead", "True"}});
  auto f = OfRule(Run(), kRule);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);
  EXPECT_EQ(f[0].mailbox_upn, "cfo@contoso.com");
  EXPECT_THAT(AnchorIds(f[0]), ElementsAre(e.record_id));
  EXPECT_THAT(f[0].details_json, HasSubstr("\"actions\":[\"mark-as-read\",\"move-to:RSS Feeds\"]"));
}

TEST_F(InboxRuleTest, HidingRuleKeyedOnFinanceWordsIsHigh) {
  NewRule(kAfterBaseline, {{"Name", "Clean up"},
                           {"SubjectOrBodyContainsWords", "invoice;wire transfer"},
                           {"DeleteMessage", "True"}});
  auto f = OfRule(Run(), kRule);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_THAT(f[0].details_json, HasSubstr("\"keywords\":[\"invoice\"]"));
}

TEST_F(InboxRuleTest, ObfuscatedNameWithHidingActionIsHigh) {
  NewRule(kAfterBaseline, {{"Name", ".."}, {"MoveToFolder", "Conversation History"}});
  auto f = OfRule(Run(), kRule);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_THAT(f[0].details_json, HasSubstr("\"obfuscated_name\":true"));
}

TEST_F(InboxRuleTest, ObfuscatedNameAloneIsMedium) {
  NewRule(kAfterBaseline, {{"Name", "x1"}, {"MoveToFolder", "Projects"}});
  auto f = OfRule(Run(), kRule);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);
}

TEST_F(InboxRuleTest, ClientRuleStartingAnApplicationIsCritical) {
  Event e = OwnerEvent(kAfterBaseline, "UpdateInboxRules", "cfo@contoso.com", kEvilIp);
  e.operation_properties = {
      {"RuleOperation", "AddMailboxRule"},
      {"RuleActions",
       "[{\"ActionType\":\"ID_ACTION_CUSTOM\",\"Command\":\"\\\\\\\\x\\\\a.exe\"}]"}};
  Push(e);
  auto f = OfRule(Run(), kRule);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kCritical);
}

TEST_F(InboxRuleTest, RuleSendAndArchiveMoveSequenceIsHigh) {
  const TimeMs t = kAfterBaseline;
  const Event& rule = NewRule(t, {{"Name", "Payroll"}, {"From", "hr@contoso.com"}});
  Event send = OwnerEvent(t + 3 * kMinute, "Send", "cfo@contoso.com", kEvilIp);
  send.items = {{"Updated bank details", "\\Sent Items", "<m1@x>", "", -1}};
  const Event& sent = Push(send);
  Event move = OwnerEvent(t + 5 * kMinute, "Move", "cfo@contoso.com", kEvilIp);
  move.record_type = 3;
  move.folders = {"\\Sent Items", "\\Archive"};
  move.items = {{"Updated bank details", "\\Sent Items", "<m1@x>", "", -1}};
  const Event& moved = Push(move);
  auto f = OfRule(Run(), kRule);
  ASSERT_EQ(f.size(), 1u);  // the rule itself (no hiding action) is not suspicious
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_THAT(AnchorIds(f[0]), ElementsAre(rule.record_id, sent.record_id, moved.record_id));
  EXPECT_THAT(f[0].details_json, HasSubstr("Updated bank details"));
}

TEST_F(InboxRuleTest, SequenceOutsideTheWindowOrOtherSubjectDoesNotFire) {
  const TimeMs t = kAfterBaseline;
  NewRule(t, {{"Name", "Payroll"}, {"From", "hr@contoso.com"}});
  Event send = OwnerEvent(t + 30 * kMinute, "Send", "cfo@contoso.com", kEvilIp);
  send.items = {{"Lunch", "\\Sent Items", "<m1@x>", "", -1}};
  Push(send);
  Event move = OwnerEvent(t + 31 * kMinute, "Move", "cfo@contoso.com", kEvilIp);
  move.folders = {"\\Sent Items", "\\Archive"};
  move.items = {{"Lunch", "\\Sent Items", "<m1@x>", "", -1}};
  Push(move);
  Event send2 = OwnerEvent(t + 2 * kMinute, "Send", "cfo@contoso.com", kEvilIp);
  send2.items = {{"Other", "\\Sent Items", "<m2@x>", "", -1}};
  Push(send2);
  EXPECT_THAT(OfRule(Run(), kRule), IsEmpty());
}

TEST_F(InboxRuleTest, OrdinaryRulesAndFailuresAreNotSuspicious) {
  NewRule(kAfterBaseline, {{"Name", "Newsletters to folder"},
                           {"MoveToFolder", "Newsletters"},
                           {"From", "news@vendor.example"}});
  NewRule(kAfterBaseline, {{"Name", "Delete spam"}, {"DeleteMessage", "True"}}).result_status =
      "False";
  Event client = OwnerEvent(kAfterBaseline, "UpdateInboxRules", "cfo@contoso.com", kOfficeIp);
  client.operation_properties = {{"RuleOperation", "RemoveMailboxRule"},
                                 {"RuleActions", "[{\"ActionType\":\"Delete\"}]"}};
  Push(client);
  EXPECT_THAT(OfRule(Run(), kRule), IsEmpty());
}

}  // namespace
}  // namespace tern::detect::testing
