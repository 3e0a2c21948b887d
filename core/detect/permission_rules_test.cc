// mailbox-permission-grant and impersonation-role-grant: positive and
// negative cases through Analyze().
#include <string>
#include <vector>

#include "core/detect/detect_test_util.h"

namespace tern::detect::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kGrant[] = "mailbox-permission-grant";
constexpr char kRole[] = "impersonation-role-grant";

class PermissionTest : public AnalyzerTest {
 protected:
  void SetUp() override {
    Baseline("cfo@contoso.com", kOfficeIp);
    Baseline("mallory@contoso.com", kHomeIp);
  }
};

TEST_F(PermissionTest, FullAccessGrantIsHigh) {
  const Event& e =
      Push(Cmdlet(kAfterBaseline, "Add-MailboxPermission", "mallory@contoso.com", kEvilIp,
                  {{"Identity", "cfo@contoso.com"},
                   {"User", "mallory@contoso.com"},
                   {"AccessRights", "FullAccess"},
                   {"InheritanceType", "All"}}));
  auto f = OfRule(Run(), kGrant);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_EQ(f[0].mailbox_upn, "cfo@contoso.com");
  EXPECT_EQ(f[0].actor, "mallory@contoso.com");
  EXPECT_THAT(AnchorIds(f[0]), ElementsAre(e.record_id));
  EXPECT_THAT(f[0].details_json, HasSubstr("\"grantee\":\"mallory@contoso.com\""));
  EXPECT_THAT(f[0].details_json, HasSubstr("\"rights\":[\"FullAccess\"]"));
}

TEST_F(PermissionTest, SendAsAndSendOnBehalfGrantsAreHigh) {
  Push(Cmdlet(kAfterBaseline, "Add-RecipientPermission", "admin@contoso.com", kEvilIp,
              {{"Identity", "cfo"}, {"Trustee", "mallory"}, {"AccessRights", "SendAs"}}));
  Push(Cmdlet(kAfterBaseline + kDay, "Set-Mailbox", "admin@contoso.com", kEvilIp,
              {{"Identity", "cfo"}, {"GrantSendOnBehalfTo", "mallory@contoso.com"}}));
  auto f = OfRule(Run(), kGrant);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_THAT(f[0].details_json, HasSubstr("SendAs"));
  EXPECT_EQ(f[1].severity, Severity::kHigh);
  EXPECT_THAT(f[1].details_json, HasSubstr("SendOnBehalf"));
}

TEST_F(PermissionTest, InboxFolderReadGrantIsHighOtherFoldersMedium) {
  Push(Cmdlet(kAfterBaseline, "Add-MailboxFolderPermission", "admin@contoso.com", kEvilIp,
              {{"Identity", "cfo@contoso.com:\\Inbox"},
               {"User", "mallory"},
               {"AccessRights", "Reviewer"}}));
  Push(Cmdlet(kAfterBaseline + kDay, "Add-MailboxFolderPermission", "admin@contoso.com", kOfficeIp,
              {{"Identity", "cfo@contoso.com:\\Calendar"},
               {"User", "alice"},
               {"AccessRights", "Reviewer"}}));
  auto f = OfRule(Run(), kGrant);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_THAT(f[0].details_json, HasSubstr("\"folders\":[\"Inbox\"]"));
  EXPECT_EQ(f[1].severity, Severity::kMedium);
}

TEST_F(PermissionTest, InboxSharedWithDefaultInMailboxAuditIsHigh) {
  Event e = OwnerEvent(kAfterBaseline, "ModifyFolderPermissions", "cfo@contoso.com", kEvilIp);
  e.items = {{"", "\\Inbox", "", "", -1}};
  e.extra = {{"MemberUpn", "Default"}, {"MemberRights", "ReadAny, Create"}};
  Push(e);
  Event calendar =
      OwnerEvent(kAfterBaseline, "ModifyFolderPermissions", "cfo@contoso.com", kOfficeIp);
  calendar.items = {{"", "\\Calendar", "", "", -1}};
  calendar.extra = {{"MemberUpn", "alice@contoso.com"}, {"MemberRights", "ReadAny"}};
  Push(calendar);
  auto f = OfRule(Run(), kGrant);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_THAT(f[0].details_json, HasSubstr("\"grantees\":[\"Default\"]"));
}

TEST_F(PermissionTest, RoutineAdminAndSystemChangesAreNotHigh) {
  // The admin was active from the office during the baseline.
  Push(Cmdlet(kDay0 + kDay, "Set-Mailbox", "admin@contoso.com", kOfficeIp,
              {{"Identity", "cfo"}, {"ProhibitSendQuota", "49GB"}}));
  Push(Cmdlet(kAfterBaseline, "Add-MailboxPermission", "admin@contoso.com", kOfficeIp,
              {{"Identity", "cfo"}, {"User", "alice"}, {"AccessRights", "FullAccess"}}));
  // Read-only permission, a deny entry, the Discovery Search Mailbox and a
  // system principal are no grants to report.
  Push(Cmdlet(kAfterBaseline, "Add-MailboxPermission", "admin@contoso.com", kEvilIp,
              {{"Identity", "cfo"}, {"User", "alice"}, {"AccessRights", "ReadPermission"}}));
  Push(Cmdlet(
      kAfterBaseline, "Add-MailboxPermission", "admin@contoso.com", kEvilIp,
      {{"Identity", "cfo"}, {"User", "alice"}, {"AccessRights", "FullAccess"}, {"Deny", "True"}}));
  Push(Cmdlet(kAfterBaseline, "Add-MailboxPermission",
              "NT AUTHORITY\\SYSTEM (Microsoft.Exchange.ServiceHost)", "",
              {{"Identity", "DiscoverySearchMailbox{D919BA05-46A6-415f-80AD-7E09334BB852}"},
               {"User", "Discovery Management"},
               {"AccessRights", "FullAccess"}}));
  Push(OwnerEvent(kAfterBaseline, "UpdateCalendarDelegation", "cfo@contoso.com", kOfficeIp));
  auto f = OfRule(Run(), kGrant);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);  // the known admin's FullAccess grant
  EXPECT_THAT(f[0].details_json, HasSubstr("admin active during the baseline"));
  EXPECT_EQ(f[1].severity, Severity::kLow);  // calendar delegation
}

TEST_F(PermissionTest, ApplicationImpersonationIsCritical) {
  const Event& e =
      Push(Cmdlet(kAfterBaseline, "New-ManagementRoleAssignment", "mallory@contoso.com", kEvilIp,
                  {{"Role", "ApplicationImpersonation"},
                   {"User", "svc-sync@contoso.com"},
                   {"Name", "ApplicationImpersonation-svc"}}));
  auto f = OfRule(Run(), kRole);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kCritical);
  EXPECT_EQ(f[0].actor, "mallory@contoso.com");
  EXPECT_THAT(AnchorIds(f[0]), ElementsAre(e.record_id));
  EXPECT_THAT(f[0].details_json, HasSubstr("\"grantees\":[\"svc-sync@contoso.com\"]"));
}

TEST_F(PermissionTest, SensitiveRoleGroupIsHighOrdinaryRbacMedium) {
  Push(Cmdlet(kAfterBaseline, "Add-RoleGroupMember", "admin@contoso.com", kOfficeIp,
              {{"Identity", "Discovery Management"}, {"Member", "mallory"}}));
  Push(Cmdlet(kAfterBaseline + kDay, "New-ManagementRoleAssignment", "admin@contoso.com", kOfficeIp,
              {{"Role", "Mail Recipients"}, {"User", "helpdesk"}}));
  auto f = OfRule(Run(), kRole);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_EQ(f[1].severity, Severity::kMedium);
}

TEST_F(PermissionTest, NoRbacChangeNoRoleFinding) {
  Push(Cmdlet(kAfterBaseline, "Get-ManagementRoleAssignment", "admin@contoso.com", kOfficeIp,
              {{"Role", "ApplicationImpersonation"}}));
  Push(Cmdlet(kAfterBaseline, "New-ManagementRoleAssignment",
              "NT AUTHORITY\\SYSTEM (Microsoft.Exchange.ServiceHost)", "",
              {{"Role", "ApplicationImpersonation"}}));
  EXPECT_THAT(OfRule(Run(), kRole), IsEmpty());
}

}  // namespace
}  // namespace tern::detect::testing
