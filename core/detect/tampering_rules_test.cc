// audit-tampering and ediscovery-search-export: positive and negative cases
// through Analyze().
#include <string>
#include <vector>

#include "core/detect/detect_test_util.h"

namespace tern::detect::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kAudit[] = "audit-tampering";
constexpr char kSearch[] = "ediscovery-search-export";

class TamperingTest : public AnalyzerTest {
 protected:
  void SetUp() override {
    Baseline("cfo@contoso.com", kOfficeIp);
    Baseline("mallory@contoso.com", kHomeIp);
  }
};

TEST_F(TamperingTest, AuditBypassIsCritical) {
  const Event& e =
      Push(Cmdlet(kAfterBaseline, "Set-MailboxAuditBypassAssociation", "mallory@contoso.com",
                  kEvilIp, {{"Identity", "mallory"}, {"AuditBypassEnabled", "True"}}));
  auto f = OfRule(Run(), kAudit);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kCritical);
  EXPECT_EQ(f[0].mailbox_upn, "mallory@contoso.com");
  EXPECT_THAT(AnchorIds(f[0]), ElementsAre(e.record_id));
  EXPECT_THAT(f[0].details_json, HasSubstr("\"blind_from\":\"2024-03-12T00:00:00Z\""));
}

TEST_F(TamperingTest, UnifiedAuditIngestionOffIsCriticalAdminAuditOffHigh) {
  Push(Cmdlet(kAfterBaseline, "Set-AdminAuditLogConfig", "mallory@contoso.com", kEvilIp,
              {{"UnifiedAuditLogIngestionEnabled", "False"}}));
  Push(Cmdlet(kAfterBaseline + kDay, "Set-AdminAuditLogConfig", "mallory@contoso.com", kEvilIp,
              {{"AdminAuditLogEnabled", "$false"}}));
  auto f = OfRule(Run(), kAudit);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].severity, Severity::kCritical);
  EXPECT_EQ(f[0].mailbox_guid, "");
  EXPECT_EQ(f[1].severity, Severity::kHigh);
}

TEST_F(TamperingTest, ReducedAuditSetsAndRetentionAreHigh) {
  Push(Cmdlet(kAfterBaseline, "Set-Mailbox", "mallory@contoso.com", kEvilIp,
              {{"Identity", "cfo"}, {"AuditOwner", "@{Remove=\"MailItemsAccessed\"}"}}));
  Push(Cmdlet(kAfterBaseline + kDay, "Set-Mailbox", "mallory@contoso.com", kEvilIp,
              {{"Identity", "cfo"}, {"AuditLogAgeLimit", "7.00:00:00"}}));
  Push(Cmdlet(kAfterBaseline + 2 * kDay, "Set-Mailbox", "mallory@contoso.com", kEvilIp,
              {{"Identity", "cfo"}, {"AuditDelegate", "Update, MoveToDeletedItems"}}));
  Push(Cmdlet(kAfterBaseline + 3 * kDay, "Set-OrganizationConfig", "mallory@contoso.com", kEvilIp,
              {{"AuditDisabled", "True"}}));
  auto f = OfRule(Run(), kAudit);
  ASSERT_EQ(f.size(), 4u);
  for (const Finding& finding : f) EXPECT_EQ(finding.severity, Severity::kHigh) << finding.title;
  EXPECT_THAT(f[1].details_json, HasSubstr("shortened to 7 days"));
  EXPECT_THAT(f[2].details_json, HasSubstr("AuditDelegate: audit set without MailItemsAccessed"));
}

TEST_F(TamperingTest, AuditEnabledFalseAloneIsMedium) {
  Push(Cmdlet(kAfterBaseline, "Set-Mailbox", "admin@contoso.com", kOfficeIp,
              {{"Identity", "cfo"}, {"AuditEnabled", "False"}}));
  auto f = OfRule(Run(), kAudit);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);
}

TEST_F(TamperingTest, RoutineAuditChangesAreNotTampering) {
  Push(Cmdlet(kAfterBaseline, "Set-Mailbox", "admin@contoso.com", kOfficeIp,
              {{"Identity", "cfo"}, {"AuditEnabled", "True"}, {"AuditLogAgeLimit", "365"}}));
  Push(Cmdlet(kAfterBaseline, "Set-Mailbox", "admin@contoso.com", kOfficeIp,
              {{"Identity", "cfo"}, {"AuditOwner", "@{Add=\"SearchQueryInitiated\"}"}}));
  Push(Cmdlet(kAfterBaseline, "Set-AdminAuditLogConfig", "admin@contoso.com", kOfficeIp,
              {{"UnifiedAuditLogIngestionEnabled", "True"}}));
  Push(Cmdlet(kAfterBaseline, "Set-MailboxAuditBypassAssociation", "admin@contoso.com", kOfficeIp,
              {{"Identity", "svc"}, {"AuditBypassEnabled", "True"}}))
      .result_status = "False";
  EXPECT_THAT(OfRule(Run(), kAudit), IsEmpty());
}

TEST_F(TamperingTest, SearchExportByNewOperatorIsHigh) {
  const Event& search =
      Push(Cmdlet(kAfterBaseline, "New-ComplianceSearch", "mallory@contoso.com", kEvilIp,
                  {{"Name", "q1"},
                   {"ExchangeLocation", "All"},
                   {"ContentMatchQuery", "subject:\"wire transfer\""}}));
  const Event& exp = Push(Cmdlet(kAfterBaseline + 10 * kMinute, "New-ComplianceSearchAction",
                                 "mallory@contoso.com", kEvilIp,
                                 {{"SearchName", "q1"}, {"Export", ""}, {"Format", "FxStream"}}));
  auto f = OfRule(Run(), kSearch);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_EQ(f[0].actor, "mallory@contoso.com");
  EXPECT_THAT(AnchorIds(f[0]), ElementsAre(search.record_id, exp.record_id));
  EXPECT_THAT(f[0].details_json, HasSubstr("\"keywords\":[\"wire\"]"));
}

TEST_F(TamperingTest, KnownOperatorSearchIsMediumLegacySearchMedium) {
  // The compliance officer searched during the baseline too.
  Push(Cmdlet(kDay0 + kDay, "New-ComplianceSearch", "legal@contoso.com", kOfficeIp,
              {{"Name", "hold"}, {"ContentMatchQuery", "project apollo"}}));
  Push(Cmdlet(kAfterBaseline, "New-ComplianceSearch", "legal@contoso.com", kOfficeIp,
              {{"Name", "hold2"}, {"ContentMatchQuery", "project apollo"}}));
  Push(Cmdlet(kAfterBaseline + kDay, "Search-Mailbox", "admin@contoso.com", kOfficeIp,
              {{"Identity", "cfo"}, {"SearchQuery", "apollo"}}));
  auto f = OfRule(Run(), kSearch);
  ASSERT_EQ(f.size(), 3u);
  for (const Finding& finding : f) EXPECT_EQ(finding.severity, Severity::kMedium);
  EXPECT_EQ(f[2].mailbox_upn, "cfo@contoso.com");
}

TEST_F(TamperingTest, PreviewActionsAndOtherCmdletsAreNotSearchFindings) {
  Push(Cmdlet(kAfterBaseline, "New-ComplianceSearchAction", "legal@contoso.com", kOfficeIp,
              {{"SearchName", "hold"}, {"Preview", "True"}}));
  Push(Cmdlet(kAfterBaseline, "Get-ComplianceSearch", "legal@contoso.com", kOfficeIp, {}));
  EXPECT_THAT(OfRule(Run(), kSearch), IsEmpty());
}

}  // namespace
}  // namespace tern::detect::testing
