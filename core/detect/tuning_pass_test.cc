// The tuning policy through Analyze(): disabled rules, overrides, VIP,
// service accounts, trusted networks, partner domains — each against the
// same evidence without tuning.
#include <string>
#include <vector>

#include "core/detect/detect_test_util.h"

namespace tern::detect::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kAudit[] = "audit-tampering";
constexpr char kForward[] = "mailbox-forwarding-external";

class TuningPassTest : public AnalyzerTest {
 protected:
  void SetUp() override {
    Baseline("cfo@contoso.com", kOfficeIp);
    Baseline("mallory@contoso.com", kHomeIp);
    Push(Cmdlet(kAfterBaseline, "Set-AdminAuditLogConfig", "mallory@contoso.com", kEvilIp,
                {{"AdminAuditLogEnabled", "False"}}));  // high
    Push(Cmdlet(kAfterBaseline, "Set-Mailbox", "mallory@contoso.com", kEvilIp,
                {{"Identity", "cfo@contoso.com"},
                 {"ForwardingSmtpAddress", "smtp:ap@fabrikam.example"}}));  // high, external
  }
};

Severity Of(const std::vector<Finding>& f) { return f.empty() ? Severity::kInfo : f[0].severity; }

TEST_F(TuningPassTest, WithoutTuningBothAreHigh) {
  auto f = Run();
  EXPECT_EQ(Of(OfRule(f, kAudit)), Severity::kHigh);
  EXPECT_EQ(Of(OfRule(f, kForward)), Severity::kHigh);
}

TEST_F(TuningPassTest, DisabledRulesAreDropped) {
  AnalyzeOptions o;
  o.tuning.rules_disabled = {kAudit};
  auto f = Run(o);
  EXPECT_THAT(OfRule(f, kAudit), IsEmpty());
  EXPECT_EQ(OfRule(f, kForward).size(), 1u);
}

TEST_F(TuningPassTest, OverridesSetTheSeverityAndSayWhy) {
  AnalyzeOptions o;
  o.tuning.severity_overrides[kAudit] = Severity::kLow;
  auto f = OfRule(Run(o), kAudit);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kLow);
  EXPECT_THAT(f[0].details_json, HasSubstr("severity set by the tuning file"));
}

TEST_F(TuningPassTest, VipMailboxRaisesOneLevel) {
  AnalyzeOptions o;
  o.tuning.vip_mailboxes = {"cfo@contoso.com"};
  auto f = OfRule(Run(o), kForward);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kCritical);
  EXPECT_THAT(f[0].details_json, HasSubstr("VIP mailbox (tuning)"));
}

TEST_F(TuningPassTest, ServiceAccountsAndTrustedNetworksLowerOneLevel) {
  AnalyzeOptions svc;
  svc.tuning.service_accounts = {"mallory@contoso.com"};
  EXPECT_EQ(Of(OfRule(Run(svc), kAudit)), Severity::kMedium);
  AnalyzeOptions trusted;
  trusted.tuning.trusted_networks = {"192.0.2.0/24"};
  EXPECT_EQ(Of(OfRule(Run(trusted), kAudit)), Severity::kMedium);
  AnalyzeOptions other_net;
  other_net.tuning.trusted_networks = {"10.0.0.0/8"};
  EXPECT_EQ(Of(OfRule(Run(other_net), kAudit)), Severity::kHigh);
}

TEST_F(TuningPassTest, PartnerDomainsAreNotExternal) {
  AnalyzeOptions o;
  o.tuning.partner_domains = {"fabrikam.example"};
  auto f = OfRule(Run(o), kForward);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_LT(f[0].severity, Severity::kHigh);
}

}  // namespace
}  // namespace tern::detect::testing
