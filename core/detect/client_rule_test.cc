// suspicious-client: positive and negative cases through Analyze().
#include <string>
#include <vector>

#include "core/detect/detect_test_util.h"

namespace tern::detect::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kRule[] = "suspicious-client";

class ClientTest : public AnalyzerTest {
 protected:
  void SetUp() override { Baseline("a@contoso.com", kOfficeIp); }
  Event SignIn(TimeMs t, std::string agent) {
    Event e;
    e.time_ms = t;
    e.record_type = 15;
    e.operation = "UserLoggedIn";
    e.workload = "AzureActiveDirectory";
    e.result_status = "Success";
    e.actor_upn = "a@contoso.com";
    e.user_type = 0;
    e.client_ip = kEvilIp;
    e.client_info = std::move(agent);
    return e;
  }
};

TEST_F(ClientTest, LegacyAuthAndOffensiveAgentsAreHigh) {
  const Event& e = Push(SignIn(kAfterBaseline, "BAV2ROPC"));
  auto f = OfRule(Run(), kRule);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_EQ(f[0].actor, "a@contoso.com");
  EXPECT_EQ(f[0].mailbox_upn, "a@contoso.com");  // sign-ins attach to the user's mailbox
  EXPECT_THAT(AnchorIds(f[0]), ElementsAre(e.record_id));
  EXPECT_THAT(f[0].details_json, HasSubstr("BAV2ROPC"));
}

TEST_F(ClientTest, NewScriptingAgentIsMediumFromANewNetworkHigh) {
  Event known = SignIn(kAfterBaseline, "python-requests/2.31.0");
  known.client_ip = kOfficeIp;
  Push(known);
  auto f = OfRule(Run(), kRule);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);
  Event mia = OwnerEvent(kAfterBaseline + kDay, "MailItemsAccessed", "a@contoso.com", kEvilIp);
  mia.client_info = "curl/8.4.0";
  Push(mia);
  f = OfRule(Run(), kRule);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1].severity, Severity::kHigh);
  EXPECT_THAT(f[1].details_json, HasSubstr("network 192.0.2.0/24 new for the identity"));
}

TEST_F(ClientTest, ScriptingAgentUsedSinceTheBaselineIsLow) {
  for (int d = 0; d < 10; ++d) {
    Event e = OwnerEvent(kDay0 + d * kDay, "MailItemsAccessed", "a@contoso.com", kOfficeIp);
    e.client_info = "python-requests/2.31.0";
    Push(e);
  }
  for (const Finding& f : OfRule(Run(), kRule)) EXPECT_EQ(f.severity, Severity::kLow);
}

TEST_F(ClientTest, OwaViaProxyAloneIsOrdinaryOwa) {
  Event e = OwnerEvent(kAfterBaseline, "MailItemsAccessed", "a@contoso.com", kOfficeIp);
  e.client_info = "Client=OWA;Action=ViaProxy";
  Push(e);
  EXPECT_THAT(OfRule(Run(), kRule), IsEmpty());
}

TEST_F(ClientTest, BlacklistedAppAndEmClientAreHigh) {
  Event e = OwnerEvent(kAfterBaseline, "MailItemsAccessed", "a@contoso.com", kEvilIp);
  e.client_app_id = "4761B959-9780-4C2D-87A3-512B4638F767";  // rclone
  e.client_info = "Client=REST;;";
  Push(e);
  auto f = OfRule(Run(), kRule);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_THAT(f[0].details_json, HasSubstr("blacklisted app"));
}

TEST_F(ClientTest, PowerShellMailboxLoginByRegularUserIsHigh) {
  Event e = OwnerEvent(kAfterBaseline, "MailboxLogin", "a@contoso.com", kEvilIp);
  e.client_info = "Client=Microsoft.Exchange.Powershell; Microsoft WinRM Client";
  Push(e);
  auto f = OfRule(Run(), kRule);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
}

TEST_F(ClientTest, NewProtocolAndNewAppAreLowRolledUpFromANewNetworkMedium) {
  Event pop = OwnerEvent(kAfterBaseline, "MailItemsAccessed", "a@contoso.com", kOfficeIp);
  pop.client_info = "Client=POP3/IMAP4;Protocol=POP3";
  Push(pop);
  Event app = OwnerEvent(kAfterBaseline + kDay, "MailItemsAccessed", "a@contoso.com", kOfficeIp);
  app.client_app_id = "11111111-2222-3333-4444-555555555555";
  Push(app);
  auto f = OfRule(Run(), kRule);
  ASSERT_EQ(f.size(), 1u);  // two low days of one identity: one finding
  EXPECT_EQ(f[0].severity, Severity::kLow);
  EXPECT_THAT(f[0].details_json, HasSubstr("protocol first used by the user: POP3"));
  EXPECT_THAT(f[0].details_json, HasSubstr("unusual application"));
  EXPECT_THAT(f[0].details_json, HasSubstr("\"rolled_up\":2"));
  events_.back().client_ip = kEvilIp;
  f = OfRule(Run(), kRule);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1].severity, Severity::kMedium);
}

TEST_F(ClientTest, OrdinaryClientsAndBaselineProtocolsAreNotSuspicious) {
  // EWS used from the start of the case is part of the user's normal life.
  for (int d = 0; d < 10; ++d) {
    Event ews = OwnerEvent(kDay0 + d * kDay, "MailItemsAccessed", "a@contoso.com", kOfficeIp);
    ews.client_info = "Client=WebServices;Microsoft Outlook 16.0";
    ews.client_app_id = "d3590ed6-52b3-4102-aeff-aad2292ab01c";  // Microsoft Office
    Push(ews);
  }
  Event outlook = OwnerEvent(kAfterBaseline, "MailItemsAccessed", "a@contoso.com", kOfficeIp);
  outlook.client_info = "Client=MSExchangeRPC";
  Push(outlook);
  Push(SignIn(kAfterBaseline, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edge/120"));
  Event system =
      MailboxEvent(kAfterBaseline, "Create", "a@contoso.com", "S-1-5-18", "::1", kLogonAdmin);
  system.client_info = "Client=WebServices;Action=ConfigureGroupMailbox";
  Push(system);
  EXPECT_THAT(OfRule(Run(), kRule), IsEmpty());
}

}  // namespace
}  // namespace tern::detect::testing
