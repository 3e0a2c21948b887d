// tern's own rule pack (rules/*.yml): it loads without a diagnostic, its ids
// are unique and distinct from the C++ catalog, and every rule has a
// positive and a negative case on real-shaped AuditData records (parsed by
// the parsers' normalizer, as ingest does).
#include "core/detect/builtin_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/detect/analyzer.h"
#include "core/detect/rule.h"
#include "core/sigma/evaluator.h"
#include "parsers/audit_data.h"

namespace tern::detect {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

TEST(BuiltinRulesTest, PackLoadsCleanAndIdsAreUnique) {
  sigma::RuleLoad load;
  LoadBuiltinRules(load);
  sigma::Link(load);
  std::vector<std::string> messages;
  for (const sigma::Diagnostic& d : load.diagnostics) messages.push_back(d.ToString());
  EXPECT_THAT(messages, IsEmpty());
  EXPECT_EQ(load.rules.size(), BuiltinSigmaRules().size());
  std::set<std::string> cpp;
  for (const CppRule& r : CppRules()) cpp.insert(r.info.id);
  std::set<std::string> catalog, inputs;
  for (const RuleInfo& info : RuleCatalog()) catalog.insert(info.id);
  for (const sigma::Rule& r : BuiltinSigmaRules()) {
    EXPECT_FALSE(cpp.contains(r.id)) << r.id << " is also a C++ rule";
    // The catalog lists the pack after the C++ rules; the correlation
    // inputs are not detections and stay out of it.
    if (r.input_only) {
      inputs.insert(r.id);
      EXPECT_FALSE(catalog.contains(r.id)) << r.id;
    } else {
      EXPECT_EQ(CatalogEntry(r.id).title, r.title);
    }
    EXPECT_EQ(r.source_sha256.size(), 64u) << r.id;
    EXPECT_TRUE(r.source.starts_with("builtin:rules/")) << r.source;
    EXPECT_TRUE(IsBuiltinSigmaRule(r)) << r.id;
  }
  EXPECT_THAT(inputs, UnorderedElementsAre("sign-in-failed", "user-deleted",
                                           "dlp-policy-removal-step", "mail-leaving-set-up"));
}

// The ids of the pack's rules that fire on `records` (JSON AuditData, in
// time order), correlations included.
std::vector<std::string> Fired(const std::vector<std::string>& records) {
  sigma::Evaluator evaluator(BuiltinSigmaRules());
  std::set<std::string> fired;
  auto on_match = [&](const sigma::Rule& r) { fired.insert(r.id); };
  auto on_hit = [&](const sigma::CorrelationHit& h) { fired.insert(h.rule->id); };
  for (const std::string& json : records) {
    Event e;
    absl::Status s = NormalizeAuditData(json, &e);
    EXPECT_TRUE(s.ok()) << s << "\n" << json;
    evaluator.OnEvent(e, on_match, on_hit);
  }
  evaluator.Finish(on_hit);
  return {fired.begin(), fired.end()};
}

std::string Admin(const std::string& time, const std::string& op, const std::string& params,
                  const std::string& status = "True") {
  return absl::StrCat(
      R"j({"CreationTime":")j", time, R"j(","Id":"0b9a8c7d-1111-4222-8333-)j",
      absl::Hex(std::hash<std::string>()(op) % 1000000000000, absl::kZeroPad12),
      R"j(","Operation":")j", op,
      R"j(","OrganizationId":"7c3d1f2e-4b5a-4c6d-8e9f-0a1b2c3d4e5f","RecordType":1,"ResultStatus":")j",
      status,
      R"j(","UserKey":"10032000A1B2C3D4","UserType":2,"Version":1,"Workload":"Exchange","ClientIP":"198.51.100.23:50123","ObjectId":"bob","UserId":"admin@contoso.example","AppId":"fb78d390-0c51-40cd-8e17-fdbfab77341b","ExternalAccess":false,"OrganizationName":"contoso.onmicrosoft.com","OriginatingServer":"AM0PR07MB5763 (15.20.7452.000)","Parameters":[)j",
      params, R"j(]})j");
}

std::string Aad(
    const std::string& time, const std::string& op, const std::string& modified,
    const std::string& extended = R"j({"Name":"extendedAuditEventCategory","Value":"User"})j",
    const std::string& user = "admin@contoso.example",
    const std::string& object = "bob@contoso.example") {
  return absl::StrCat(
      R"j({"CreationTime":")j", time, R"j(","Id":"1c2d3e4f-2222-4333-8444-)j",
      absl::Hex(std::hash<std::string>()(absl::StrCat(time, op, object)) % 1000000000000,
                absl::kZeroPad12),
      R"j(","Operation":")j", op,
      R"j(","OrganizationId":"7c3d1f2e-4b5a-4c6d-8e9f-0a1b2c3d4e5f","RecordType":8,"ResultStatus":"Success","UserKey":"10032000A1B2C3D4@contoso.example","UserType":0,"Version":1,"Workload":"AzureActiveDirectory","ObjectId":")j",
      object, R"j(","UserId":")j", user,
      R"j(","AzureActiveDirectoryEventType":1,"ExtendedProperties":[)j", extended,
      R"j(],"ModifiedProperties":[)j", modified, R"j(],"Actor":[{"ID":")j", user,
      R"j(","Type":5}],"ActorContextId":"7c3d1f2e-4b5a-4c6d-8e9f-0a1b2c3d4e5f","InterSystemsId":"0f9e8d7c-0000-4000-8000-000000000001","IntraSystemId":"1a2b3c4d-0000-4000-8000-000000000002","SupportTicketId":"","Target":[{"ID":"User_9a8b7c6d","Type":2},{"ID":")j",
      object, R"j(","Type":5}],"TargetContextId":"7c3d1f2e-4b5a-4c6d-8e9f-0a1b2c3d4e5f"})j");
}

std::string Failed(const std::string& time, const std::string& user, const std::string& ip) {
  return absl::StrCat(
      R"j({"CreationTime":")j", time, R"j(","Id":"2d3e4f5a-3333-4444-8555-)j",
      absl::Hex(std::hash<std::string>()(absl::StrCat(time, user, ip)) % 1000000000000,
                absl::kZeroPad12),
      R"j(","Operation":"UserLoginFailed","OrganizationId":"7c3d1f2e-4b5a-4c6d-8e9f-0a1b2c3d4e5f","RecordType":15,"ResultStatus":"Failed","UserKey":"00000000-0000-0000-0000-000000000000","UserType":0,"Version":1,"Workload":"AzureActiveDirectory","ClientIP":")j",
      ip, R"j(","ObjectId":"00000003-0000-0ff1-ce00-000000000000","UserId":")j", user,
      R"j(","AzureActiveDirectoryEventType":1,"ExtendedProperties":[{"Name":"ResultStatusDetail","Value":"Success"},{"Name":"UserAgent","Value":"Mozilla/5.0"},{"Name":"RequestType","Value":"OAuth2:Token"}],"ModifiedProperties":[],"Actor":[{"ID":")j",
      user, R"j(","Type":5}],"ActorIpAddress":")j", ip,
      R"j(","LogonError":"InvalidUserNameOrPassword","ApplicationId":"00000002-0000-0ff1-ce00-000000000000"})j");
}

TEST(BuiltinRulesTest, CasMailboxProtocolEnabled) {
  EXPECT_THAT(Fired({Admin(
                  "2024-06-03T09:00:00", "Set-CASMailbox",
                  R"j({"Name":"Identity","Value":"bob"},{"Name":"ImapEnabled","Value":"True"})j")}),
              ElementsAre("casmailbox-protocol-enabled"));
  EXPECT_THAT(
      Fired({Admin(
          "2024-06-03T09:00:00", "Set-CASMailbox",
          R"j({"Name":"Identity","Value":"bob"},{"Name":"ActiveSyncAllowedDeviceIDs","Value":"ABCDEF0123"})j")}),
      ElementsAre("casmailbox-protocol-enabled"));
  // Turning IMAP off, or a failed attempt, is not reported.
  EXPECT_THAT(
      Fired(
          {Admin("2024-06-03T09:00:00", "Set-CASMailbox",
                 R"j({"Name":"Identity","Value":"bob"},{"Name":"ImapEnabled","Value":"False"})j")}),
      IsEmpty());
  EXPECT_THAT(
      Fired({Admin("2024-06-03T09:00:00", "Set-CASMailbox",
                   R"j({"Name":"Identity","Value":"bob"},{"Name":"PopEnabled","Value":"True"})j",
                   "False")}),
      IsEmpty());
}

TEST(BuiltinRulesTest, AuditLicenceRemoved) {
  const std::string disabled =
      R"j({"Name":"additionalDetails","Value":"{\"DisabledPlans\":[\"M365_ADVANCED_AUDITING\"],\"SkuName\":\"ENTERPRISEPREMIUM\"}"},{"Name":"extendedAuditEventCategory","Value":"User"})j";
  EXPECT_THAT(Fired({Aad("2024-06-03T09:00:00", "Change user license.", "", disabled)}),
              ElementsAre("audit-licence-removed"));
  const std::string other =
      R"j({"Name":"additionalDetails","Value":"{\"DisabledPlans\":[\"YAMMER_ENTERPRISE\"],\"SkuName\":\"ENTERPRISEPREMIUM\"}"},{"Name":"extendedAuditEventCategory","Value":"User"})j";
  EXPECT_THAT(Fired({Aad("2024-06-03T09:00:00", "Change user license.", "", other)}), IsEmpty());
  // The licence as text in ModifiedProperties (AssignedLicense NewValue).
  const std::string text =
      R"j({"Name":"AssignedLicense","NewValue":"[\"[SkuName=ENTERPRISEPREMIUM, AccountId=7c3d1f2e, SkuId=c7df2760, DisabledPlans=[M365_ADVANCED_AUDITING, YAMMER_ENTERPRISE]]\"]","OldValue":"[\"[SkuName=ENTERPRISEPREMIUM, AccountId=7c3d1f2e, SkuId=c7df2760, DisabledPlans=[]]\"]"})j";
  EXPECT_THAT(Fired({Aad("2024-06-03T09:00:00", "Update user.", text)}),
              ElementsAre("audit-licence-removed"));
  const std::string enabled =
      R"j({"Name":"AssignedLicense","NewValue":"[\"[SkuName=ENTERPRISEPREMIUM, AccountId=7c3d1f2e, SkuId=c7df2760, DisabledPlans=[YAMMER_ENTERPRISE]]\"]","OldValue":""})j";
  EXPECT_THAT(Fired({Aad("2024-06-03T09:00:00", "Update user.", enabled)}), IsEmpty());
}

TEST(BuiltinRulesTest, DlpPolicyRemoved) {
  EXPECT_THAT(Fired({Admin("2024-06-03T09:00:00", "Remove-DlpCompliancePolicy",
                           R"j({"Name":"Identity","Value":"PII protection"})j")}),
              ElementsAre("dlp-policy-removed"));
  EXPECT_THAT(
      Fired({Admin("2024-06-03T09:00:00", "Set-DlpCompliancePolicy",
                   R"j({"Name":"Identity","Value":"PII"},{"Name":"Mode","Value":"Disable"})j")}),
      ElementsAre("dlp-policy-removed"));
  EXPECT_THAT(
      Fired({Admin("2024-06-03T09:00:00", "Set-DlpCompliancePolicy",
                   R"j({"Name":"Identity","Value":"PII"},{"Name":"Mode","Value":"Enable"})j")}),
      IsEmpty());
}

TEST(BuiltinRulesTest, EmailSecurityPolicyTampered) {
  EXPECT_THAT(Fired({Admin("2024-06-03T09:00:00", "Disable-SafeLinksRule",
                           R"j({"Name":"Identity","Value":"Default"})j")}),
              ElementsAre("email-security-policy-tampered"));
  EXPECT_THAT(
      Fired({Admin(
          "2024-06-03T09:00:00", "Set-DkimSigningConfig",
          R"j({"Name":"Identity","Value":"contoso.example"},{"Name":"Enabled","Value":"False"})j")}),
      ElementsAre("email-security-policy-tampered"));
  EXPECT_THAT(Fired({Admin("2024-06-03T09:00:00", "Enable-SafeLinksRule",
                           R"j({"Name":"Identity","Value":"Default"})j")}),
              IsEmpty());
}

TEST(BuiltinRulesTest, MfaDisabled) {
  EXPECT_THAT(
      Fired({Aad(
          "2024-06-03T09:00:00", "Disable Strong Authentication.",
          R"j({"Name":"StrongAuthenticationRequirement","NewValue":"[]","OldValue":"[{\"State\":1}]"})j")}),
      ElementsAre("mfa-disabled"));
  EXPECT_THAT(
      Fired({Aad(
          "2024-06-03T09:00:00", "Update user.",
          R"j({"Name":"StrongAuthenticationMethod","NewValue":"[]","OldValue":"[{\"MethodType\":6,\"Default\":true}]"},{"Name":"Included Updated Properties","NewValue":"StrongAuthenticationMethod","OldValue":""})j")}),
      ElementsAre("mfa-disabled"));
  // Registering a method is not disabling MFA.
  EXPECT_THAT(
      Fired({Aad(
          "2024-06-03T09:00:00", "Update user.",
          R"j({"Name":"StrongAuthenticationMethod","NewValue":"[{\"MethodType\":6,\"Default\":true}]","OldValue":"[]"})j")}),
      IsEmpty());
}

TEST(BuiltinRulesTest, AdminRoleGrantedAndRemoved) {
  auto role = [](const std::string& name, const std::string& side) {
    return absl::StrCat(
        R"j({"Name":"Role.DisplayName",")j", side == "new" ? "NewValue" : "OldValue", R"j(":")j",
        name, R"j(",")j", side == "new" ? "OldValue" : "NewValue",
        R"j(":""},{"Name":"Role.ObjectID","NewValue":"62e90394-69f5-4237-9190-012177145e10","OldValue":""})j");
  };
  EXPECT_THAT(Fired({Aad("2024-06-03T09:00:00", "Add member to role.",
                         role("Global Administrator", "new"))}),
              ElementsAre("admin-role-granted"));
  EXPECT_THAT(Fired({Aad("2024-06-03T09:00:00", "Add member to role.",
                         role("Exchange Administrator", "new"))}),
              ElementsAre("admin-role-granted-other"));
  EXPECT_THAT(
      Fired({Aad("2024-06-03T09:00:00", "Add member to role.", role("Directory Readers", "new"))}),
      IsEmpty());
  EXPECT_THAT(Fired({Aad("2024-06-03T09:00:00", "Remove member from role.",
                         role("Global Administrator", "old"))}),
              ElementsAre("admin-role-removed"));
  EXPECT_THAT(Fired({Aad("2024-06-03T09:00:00", "Remove member from role.",
                         role("Reports Reader", "old"))}),
              IsEmpty());
}

// K1: several administrators removed by one actor within an hour is high.
TEST(BuiltinRulesTest, SeveralAdminsRemovedWithinAnHour) {
  const std::string global =
      R"j({"Name":"Role.DisplayName","NewValue":"","OldValue":"Global Administrator"})j";
  const std::string extended = R"j({"Name":"extendedAuditEventCategory","Value":"User"})j";
  auto removal = [&](const std::string& time, const std::string& target,
                     const std::string& actor = "admin@contoso.example") {
    return Aad(time, "Remove member from role.", global, extended, actor, target);
  };
  EXPECT_THAT(Fired({removal("2024-06-03T09:00:00", "carol@contoso.example"),
                     removal("2024-06-03T09:40:00", "dave@contoso.example")}),
              ElementsAre("admin-role-removed", "admin-roles-removed"));
  // One removal, the same member twice, removals hours apart, or two actors
  // each removing one: each removal alone.
  EXPECT_THAT(Fired({removal("2024-06-03T09:00:00", "carol@contoso.example")}),
              ElementsAre("admin-role-removed"));
  EXPECT_THAT(Fired({removal("2024-06-03T09:00:00", "carol@contoso.example"),
                     removal("2024-06-03T09:10:00", "carol@contoso.example")}),
              ElementsAre("admin-role-removed"));
  EXPECT_THAT(Fired({removal("2024-06-03T09:00:00", "carol@contoso.example"),
                     removal("2024-06-03T12:00:00", "dave@contoso.example")}),
              ElementsAre("admin-role-removed"));
  EXPECT_THAT(Fired({removal("2024-06-03T09:00:00", "carol@contoso.example"),
                     removal("2024-06-03T09:10:00", "dave@contoso.example", "it@contoso.example")}),
              ElementsAre("admin-role-removed"));
}

TEST(BuiltinRulesTest, AppRegisteredAndConsent) {
  EXPECT_THAT(Fired({Aad("2024-06-03T09:00:00", "Add application.",
                         R"j({"Name":"AppAddress","NewValue":"[]","OldValue":""})j")}),
              ElementsAre("app-registered"));
  EXPECT_THAT(
      Fired({Aad(
          "2024-06-03T09:00:00", "Add service principal credentials.",
          R"j({"Name":"KeyDescription","NewValue":"[\"[KeyIdentifier=1f2e, KeyType=Password]\"]","OldValue":"[]"})j")}),
      ElementsAre("app-registered"));
  // Microsoft's own service principals maintaining apps.
  EXPECT_THAT(Fired({Aad("2024-06-03T09:00:00", "Add service principal.", "",
                         R"j({"Name":"extendedAuditEventCategory","Value":"ServicePrincipal"})j",
                         "ServicePrincipal_8f2c1d4e-0000-4000-8000-000000000001")}),
              IsEmpty());
  EXPECT_THAT(
      Fired({Aad(
          "2024-06-03T09:00:00", "Consent to application.",
          R"j({"Name":"ConsentContext.IsAdminConsent","NewValue":"False","OldValue":""},{"Name":"ConsentAction.Permissions","NewValue":"[] => [[Scope: Mail.Read offline_access]]","OldValue":""})j")}),
      ElementsAre("app-mail-access-granted", "consent-granted"));  // Mail.Read [73]
  EXPECT_THAT(
      Fired(
          {Aad("2024-06-03T09:00:00", "Update application.",
               R"j({"Name":"DisplayName","NewValue":"[\"HR portal\"]","OldValue":"[\"HR\"]"})j")}),
      IsEmpty());
}

// K2: a known collection tool registered, or an app registered and then
// consented to by the same actor within a day, is high.
TEST(BuiltinRulesTest, AppRegisteredRaises) {
  const std::string rclone =
      R"j({"Name":"DisplayName","NewValue":"[\"rclone\"]","OldValue":""},{"Name":"AppId","NewValue":"[\"4761b959-9780-4c2d-87a3-512b4638f767\"]","OldValue":""})j";
  EXPECT_THAT(Fired({Aad("2024-06-03T09:00:00", "Add service principal.", rclone)}),
              ElementsAre("app-registered", "app-registered-collection-tool"));
  const std::string portal =
      R"j({"Name":"DisplayName","NewValue":"[\"HR portal\"]","OldValue":""},{"Name":"AppId","NewValue":"[\"0b1c2d3e-0000-4000-8000-000000000009\"]","OldValue":""})j";
  const std::string added = Aad("2024-06-03T09:00:00", "Add application.", portal);
  EXPECT_THAT(Fired({added}), ElementsAre("app-registered"));
  const std::string user_read =
      R"j({"Name":"ConsentAction.Permissions","NewValue":"[] => [[Scope: User.Read]]","OldValue":""})j";
  EXPECT_THAT(
      Fired({added, Aad("2024-06-03T15:00:00", "Consent to application.", user_read)}),
      ElementsAre("app-registered", "app-registered-then-consented", "consent-granted"));
  // A consent two days later, or before the registration: no raise.
  EXPECT_THAT(Fired({added, Aad("2024-06-05T15:00:00", "Consent to application.", user_read)}),
              ElementsAre("app-registered", "consent-granted"));
  EXPECT_THAT(Fired({Aad("2024-06-03T08:00:00", "Consent to application.", user_read), added}),
              ElementsAre("app-registered", "consent-granted"));
}

// 73: full_access_as_app or Mail.Read granted to an application is critical.
TEST(BuiltinRulesTest, AppMailAccessGranted) {
  const std::string full_access =
      R"j({"Name":"AppRole.Id","NewValue":"dc890d15-9560-4a4c-9b7f-a736ec74ec40","OldValue":""},{"Name":"AppRole.Value","NewValue":"full_access_as_app","OldValue":""})j";
  EXPECT_THAT(
      Fired({Aad("2024-06-03T09:00:00", "Add app role assignment to service principal.",
                 full_access)}),
      ElementsAre("app-mail-access-granted", "consent-granted"));
  const std::string calendars =
      R"j({"Name":"AppRole.Id","NewValue":"798ee544-9d2d-430c-a058-570e29e34338","OldValue":""},{"Name":"AppRole.Value","NewValue":"Calendars.Read","OldValue":""})j";
  EXPECT_THAT(Fired({Aad("2024-06-03T09:00:00",
                         "Add app role assignment to service principal.", calendars)}),
              ElementsAre("consent-granted"));
}

// K5: a DLP policy removed by an actor who also sets up forwarding or an
// export within a day is high; the forwarding input never reports alone.
TEST(BuiltinRulesTest, DlpRemovedWithExfiltration) {
  const std::string removed = Admin("2024-06-03T09:00:00", "Remove-DlpCompliancePolicy",
                                    R"j({"Name":"Identity","Value":"PII protection"})j");
  const std::string forward =
      Admin("2024-06-03T11:00:00", "Set-Mailbox",
            R"j({"Name":"Identity","Value":"bob"},{"Name":"ForwardingSmtpAddress","Value":"smtp:drop@evil.example"})j");
  EXPECT_THAT(Fired({removed, forward}),
              ElementsAre("dlp-policy-removed", "dlp-removed-with-exfiltration"));
  const std::string exported =
      Admin("2024-06-03T08:00:00", "New-ComplianceSearchAction",
            R"j({"Name":"SearchName","Value":"all mail"},{"Name":"Export","Value":"True"})j");
  EXPECT_THAT(Fired({exported, removed}),
              ElementsAre("dlp-policy-removed", "dlp-removed-with-exfiltration"));
  EXPECT_THAT(Fired({forward}), IsEmpty());
  EXPECT_THAT(Fired({removed}), ElementsAre("dlp-policy-removed"));
  const std::string later =
      Admin("2024-06-05T11:00:00", "Set-Mailbox",
            R"j({"Name":"Identity","Value":"bob"},{"Name":"ForwardingSmtpAddress","Value":"smtp:drop@evil.example"})j");
  EXPECT_THAT(Fired({removed, later}), ElementsAre("dlp-policy-removed"));
}

TEST(BuiltinRulesTest, FederatedDomainChanged) {
  EXPECT_THAT(Fired({Aad("2024-06-03T09:00:00", "Set domain authentication.",
                         R"j({"Name":"LiveType","NewValue":"Federated","OldValue":"Managed"})j")}),
              ElementsAre("federated-domain-changed"));
  EXPECT_THAT(Fired({Aad("2024-06-03T09:00:00", "Verify domain.", "")}), IsEmpty());
}

TEST(BuiltinRulesTest, FailedLoginBurst) {
  // Ten failures of one user in a day: a burst.
  std::vector<std::string> burst;
  for (int i = 0; i < 10; ++i) {
    burst.push_back(
        Failed(absl::StrCat("2024-06-03T0", i, ":00:00"), "bob@contoso.example", "192.0.2.10"));
  }
  EXPECT_THAT(Fired(burst), ElementsAre("failed-login-burst"));
  burst.pop_back();
  EXPECT_THAT(Fired(burst), IsEmpty());
  // Failures of many users (a spray: the C++ rule password-spray) are no
  // one user's burst.
  std::vector<std::string> spray;
  for (int i = 0; i < 10; ++i) {
    spray.push_back(Failed(absl::StrCat("2024-06-03T10:0", i, ":00"),
                           absl::StrCat("user", i, "@contoso.example"), "203.0.113.66"));
  }
  EXPECT_THAT(Fired(spray), IsEmpty());
}

TEST(BuiltinRulesTest, MassUserDeletion) {
  std::vector<std::string> deletions;
  for (int i = 0; i < 5; ++i) {
    deletions.push_back(Aad(absl::StrCat("2024-06-03T09:0", i, ":00"), "Delete user.", "",
                            R"j({"Name":"extendedAuditEventCategory","Value":"User"})j",
                            "admin@contoso.example", absl::StrCat("user", i, "@contoso.example")));
  }
  EXPECT_THAT(Fired(deletions), ElementsAre("mass-user-deletion"));
  deletions.pop_back();
  EXPECT_THAT(Fired(deletions), IsEmpty());
}

}  // namespace
}  // namespace tern::detect
