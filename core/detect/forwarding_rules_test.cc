// mailbox-forwarding-external, inbox-rule-forward-external,
// transport-rule-redirect: positive and negative cases through Analyze().
#include <string>
#include <vector>

#include "core/detect/detect_test_util.h"

namespace tern::detect::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

class ForwardingTest : public AnalyzerTest {
 protected:
  void SetUp() override {
    Baseline("cfo@contoso.com", kOfficeIp);
    Baseline("alice@contoso.com", kOfficeIp);
  }
};

TEST_F(ForwardingTest, ExternalMailboxForwardingIsHigh) {
  const Event& set = Push(Cmdlet(kAfterBaseline, "Set-Mailbox", "admin@contoso.com", kEvilIp,
                                 {{"Identity", "cfo"},
                                  {"ForwardingSmtpAddress", "smtp:cfo.backup@gmail.com"},
                                  {"DeliverToMailboxAndForward", "False"}}));
  auto f = OfRule(Run(), "mailbox-forwarding-external");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_EQ(f[0].mailbox_guid, GuidOf("cfo@contoso.com"));
  EXPECT_EQ(f[0].mailbox_upn, "cfo@contoso.com");
  EXPECT_EQ(f[0].actor, "admin@contoso.com");
  EXPECT_THAT(f[0].client_ips, ElementsAre(kEvilIp));
  EXPECT_THAT(AnchorIds(f[0]), ElementsAre(set.record_id));
  EXPECT_EQ(f[0].evidence[0].evidence, 1u);
  EXPECT_EQ(f[0].evidence[0].line, set.provenance.line);
  EXPECT_EQ(f[0].evidence[0].time_ms, kAfterBaseline);
  EXPECT_THAT(f[0].details_json, HasSubstr("\"external_recipients\":[\"cfo.backup@gmail.com\"]"));
  EXPECT_THAT(f[0].details_json, HasSubstr("\"forward_only\":true"));
  EXPECT_THAT(f[0].title, HasSubstr("cfo.backup@gmail.com"));
}

TEST_F(ForwardingTest, InternalForwardingClearingAndOtherSettingsAreNotHigh) {
  Push(Cmdlet(
      kAfterBaseline, "Set-Mailbox", "admin@contoso.com", kOfficeIp,
      {{"Identity", "alice@contoso.com"}, {"ForwardingSmtpAddress", "smtp:cfo@contoso.com"}}));
  Push(Cmdlet(kAfterBaseline + kDay, "Set-Mailbox", "admin@contoso.com", kOfficeIp,
              {{"Identity", "cfo"}, {"ForwardingSmtpAddress", ""}}));
  Push(Cmdlet(kAfterBaseline, "Set-Mailbox", "admin@contoso.com", kOfficeIp,
              {{"Identity", "cfo"}, {"ProhibitSendQuota", "49GB"}}));
  // A failed attempt changes nothing.
  Push(Cmdlet(kAfterBaseline, "Set-Mailbox", "admin@contoso.com", kEvilIp,
              {{"Identity", "cfo"}, {"ForwardingSmtpAddress", "x@gmail.com"}}))
      .result_status = "False";
  auto f = OfRule(Run(), "mailbox-forwarding-external");
  ASSERT_EQ(f.size(), 2u);
  for (const Finding& finding : f) {
    EXPECT_EQ(finding.severity, Severity::kMedium) << finding.details_json;
    EXPECT_THAT(finding.client_ips, ElementsAre(kOfficeIp));
  }
  EXPECT_EQ(f[0].mailbox_upn, "alice@contoso.com");
  EXPECT_THAT(f[1].details_json, HasSubstr("\"cleared\":true"));
}

TEST_F(ForwardingTest, OrgDomainOptionDecidesWhatIsExternal) {
  Push(Cmdlet(kAfterBaseline, "Set-Mailbox", "admin@contoso.com", kOfficeIp,
              {{"Identity", "cfo"}, {"ForwardingSmtpAddress", "smtp:cfo@partner.example"}}));
  AnalyzeOptions options;
  options.org_domains = {"contoso.com", "partner.example"};
  auto f = OfRule(Run(options), "mailbox-forwarding-external");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);
  f = OfRule(Run(), "mailbox-forwarding-external");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
}

TEST_F(ForwardingTest, ExternalForwardingInboxRuleIsHigh) {
  const Event& rule = Push(Cmdlet(
      kAfterBaseline, "New-InboxRule", "cfo@contoso.com", kEvilIp,
      {{"Name", "Sync"}, {"ForwardTo", "attacker@evil.example"}, {"DeleteMessage", "True"}},
      "EURPR01A001.prod.outlook.com/Microsoft Exchange Hosted Organizations/contoso.onmicrosoft."
      "com/cfo\\Sync"));
  auto f = OfRule(Run(), "inbox-rule-forward-external");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_EQ(f[0].mailbox_upn, "cfo@contoso.com");
  EXPECT_EQ(f[0].actor, "cfo@contoso.com");
  EXPECT_THAT(AnchorIds(f[0]), ElementsAre(rule.record_id));
  EXPECT_THAT(f[0].details_json, HasSubstr("\"external_recipients\":[\"attacker@evil.example\"]"));
  EXPECT_THAT(f[0].details_json, HasSubstr("\"deletes_or_stops_processing\":true"));
  EXPECT_THAT(f[0].details_json, HasSubstr("\"rule_names\":[\"Sync\"]"));
}

TEST_F(ForwardingTest, OutlookClientForwardRuleIsHigh) {
  Event e = OwnerEvent(kAfterBaseline, "UpdateInboxRules", "alice@contoso.com", kEvilIp);
  e.operation_properties = {
      {"RuleOperation", "AddMailboxRule"},
      {"RuleName", "x"},
      {"RuleActions",
       "[{\"ActionType\":\"Forward\",\"Recipients\":[\"drop@evil.example\"],\"ForwardFlags\":"
       "\"None\"}]"}};
  const Event& added = Push(e);
  auto f = OfRule(Run(), "inbox-rule-forward-external");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_EQ(f[0].mailbox_upn, "alice@contoso.com");
  EXPECT_THAT(AnchorIds(f[0]), ElementsAre(added.record_id));
}

TEST_F(ForwardingTest, SeveralMailboxesForwardingToOneDestinationAreOneFinding) {
  const Event& a = Push(Cmdlet(kAfterBaseline, "New-InboxRule", "cfo@contoso.com", kEvilIp,
                               {{"Name", "a"}, {"ForwardTo", "collect@evil.example"}}));
  const Event& b = Push(Cmdlet(kAfterBaseline + kDay, "New-InboxRule", "alice@contoso.com", kEvilIp,
                               {{"Name", "b"}, {"RedirectTo", "collect@evil.example"}}));
  std::vector<Finding> all = OfRule(Run(), "inbox-rule-forward-external");
  ASSERT_EQ(all.size(), 3u);  // one per mailbox plus the shared destination
  const Finding* shared = nullptr;
  for (const Finding& f : all) {
    if (f.details_json.find("\"destination\"") != std::string::npos) shared = &f;
  }
  ASSERT_NE(shared, nullptr);
  EXPECT_EQ(shared->severity, Severity::kHigh);
  EXPECT_EQ(shared->mailbox_guid, "");
  EXPECT_THAT(AnchorIds(*shared), ElementsAre(a.record_id, b.record_id));
  EXPECT_THAT(shared->details_json,
              HasSubstr("\"mailboxes\":[\"alice@contoso.com\",\"cfo@contoso.com\"]"));
}

TEST_F(ForwardingTest, InternalOrNonForwardingRulesAreNotHigh) {
  Push(Cmdlet(kAfterBaseline, "New-InboxRule", "cfo@contoso.com", kOfficeIp,
              {{"Name", "To assistant"}, {"ForwardTo", "alice@contoso.com"}}));
  Push(Cmdlet(kAfterBaseline, "New-InboxRule", "alice@contoso.com", kOfficeIp,
              {{"Name", "Newsletters"}, {"MoveToFolder", "Newsletters"}}));
  Event client = OwnerEvent(kAfterBaseline, "UpdateInboxRules", "alice@contoso.com", kOfficeIp);
  client.operation_properties = {{"RuleOperation", "AddMailboxRule"},
                                 {"RuleActions", "[{\"ActionType\":\"MoveToFolder\"}]"}};
  Push(client);
  auto f = OfRule(Run(), "inbox-rule-forward-external");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);
  EXPECT_EQ(f[0].mailbox_upn, "cfo@contoso.com");
}

TEST_F(ForwardingTest, RemovedClientForwardRuleIsLow) {
  Event e = OwnerEvent(kAfterBaseline, "UpdateInboxRules", "alice@contoso.com", kOfficeIp);
  e.operation_properties = {{"RuleOperation", "RemoveMailboxRule"},
                            {"RuleActions", "[{\"ActionType\":\"Forward\"}]"}};
  Push(e);
  auto f = OfRule(Run(), "inbox-rule-forward-external");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kLow);
}

TEST_F(ForwardingTest, ExternalTransportRuleCopyIsHigh) {
  const Event& e = Push(Cmdlet(kAfterBaseline, "New-TransportRule", "admin@contoso.com", kEvilIp,
                               {{"Name", "Compliance copy"},
                                {"BlindCopyTo", "archive@evil.example"},
                                {"SentToScope", "InOrganization"}}));
  auto f = OfRule(Run(), "transport-rule-redirect");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_EQ(f[0].mailbox_guid, "");
  EXPECT_EQ(f[0].actor, "admin@contoso.com");
  EXPECT_THAT(AnchorIds(f[0]), ElementsAre(e.record_id));
  EXPECT_THAT(f[0].details_json, HasSubstr("\"rule_names\":[\"Compliance copy\"]"));
}

TEST_F(ForwardingTest, InternalTransportCopiesRemovalsAndOtherRulesAreNotHigh) {
  Push(Cmdlet(kAfterBaseline, "New-TransportRule", "admin@contoso.com", kOfficeIp,
              {{"Name", "Journal"}, {"CopyTo", "records@contoso.com"}}));
  Push(Cmdlet(kAfterBaseline, "New-TransportRule", "admin@contoso.com", kOfficeIp,
              {{"Name", "Spam"}, {"SetSCL", "9"}}));
  Push(Cmdlet(kAfterBaseline + kDay, "Remove-TransportRule", "admin@contoso.com", kOfficeIp,
              {{"Identity", "Old rule"}}));
  Push(Cmdlet(kAfterBaseline + kDay, "Set-RemoteDomain", "admin@contoso.com", kOfficeIp,
              {{"Identity", "Default"}, {"AutoForwardEnabled", "True"}}));
  Push(Cmdlet(kAfterBaseline + kDay, "Set-RemoteDomain", "admin@contoso.com", kOfficeIp,
              {{"Identity", "Partner"}, {"AutoForwardEnabled", "False"}}));
  auto f = OfRule(Run(), "transport-rule-redirect");
  ASSERT_EQ(f.size(), 3u);
  for (const Finding& finding : f) {
    EXPECT_EQ(finding.severity, Severity::kMedium) << finding.details_json;
    EXPECT_THAT(finding.details_json, Not(HasSubstr("Spam")));
  }
}

TEST_F(ForwardingTest, BaselineOnlyTenantHasNoForwardingFindings) {
  auto all = Run();
  EXPECT_THAT(OfRule(all, "mailbox-forwarding-external"), IsEmpty());
  EXPECT_THAT(OfRule(all, "inbox-rule-forward-external"), IsEmpty());
  EXPECT_THAT(OfRule(all, "transport-rule-redirect"), IsEmpty());
}

}  // namespace
}  // namespace tern::detect::testing
