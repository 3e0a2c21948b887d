// password-reset-new-asn on real-shaped Entra ID records (RecordType 8
// "Reset user password." with its Actor / Target arrays, RecordType 15
// UserLoggedIn / UserLoginFailed) normalized by the parsers as ingest does,
// through Analyze() with the MaxMind test databases.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/time.h"
#include "core/detect/detect_test_util.h"
#include "parsers/audit_data.h"

namespace tern::detect::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kRule[] = "password-reset-new-asn";
constexpr char kJohn[] = "john.doe@contoso.example";
constexpr char kMary[] = "mary.major@contoso.example";
constexpr char kAdmin[] = "it.admin@contoso.example";
constexpr char kJohnOid[] = "f757cb79-dd91-4a5c-8d2f-3b1e6a9c0d42";
// The user's usual line (SE, AS29518) and another address in it.
constexpr char kHomeLine[] = "89.160.20.112";
constexpr char kHomeLineOther[] = "89.160.20.113";
constexpr char kUsIp[] = "216.160.83.58";  // US, AS209
constexpr char kGoogleAsIp[] = "1.0.0.1";  // AS15169, no country
// The reset, on day 8 (after the 7-day baseline).
constexpr TimeMs kReset = kAfterBaseline + 10 * kHour;

class IdentityRulesTest : public AnalyzerTest {
 protected:
  // Normalizes one AuditData record and adds it.
  const Event& PushJson(const std::string& json) {
    Event e;
    const absl::Status s = NormalizeAuditData(json, &e);
    EXPECT_TRUE(s.ok()) << s << "\n" << json;
    return Push(std::move(e));
  }

  std::string NextId() { return absl::StrCat("0b9a8c7d-1111-4222-8333-", 100000000000 + ++ids_); }

  const Event& SignIn(TimeMs t, const std::string& upn, const std::string& ip, bool ok = true) {
    return PushJson(absl::StrCat(
        R"({"CreationTime":")", FormatRfc3339(t), R"(","Id":")", NextId(), R"(","Operation":")",
        ok ? "UserLoggedIn" : "UserLoginFailed",
        R"(","OrganizationId":"6d4c1a2b-3e4f-4a5b-8c6d-7e8f9a0b1c2d","RecordType":15,)",
        R"("ResultStatus":")", ok ? "Success" : "Failed",
        R"(","UserKey":"10032001A1B2C3D4","UserType":0,"Version":1,)",
        R"("Workload":"AzureActiveDirectory","UserId":")", upn, R"(","ClientIP":")", ip,
        R"(","ObjectId":"00000002-0000-0ff1-ce00-000000000000","AzureActiveDirectoryEventType":1,)",
        R"("ExtendedProperties":[{"Name":"ResultStatusDetail","Value":")",
        ok ? "Success" : "InvalidUserNameOrPassword",
        R"("},{"Name":"UserAgent","Value":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) )",
        R"(AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"},)",
        R"({"Name":"RequestType","Value":"OAuth2:Authorize"}],"ModifiedProperties":[],)",
        R"("Actor":[{"ID":")", upn, R"(","Type":5}],"ActorIpAddress":")", ip,
        R"(","Target":[{"ID":"00000002-0000-0ff1-ce00-000000000000","Type":0}],)",
        R"("ApplicationId":"00000002-0000-0ff1-ce00-000000000000",)",
        R"("DeviceProperties":[{"Name":"OS","Value":"Windows 10"},)",
        R"({"Name":"BrowserType","Value":"Chrome"}],"ErrorNumber":")", ok ? "0" : "50126",
        R"("})"));
  }

  // "Reset user password." of John by `actor` (Entra ID writes the target
  // by object id, UPN and PUID in the Target array).
  const Event& ResetOfJohn(TimeMs t, const std::string& op = "Reset user password.",
                           const std::string& actor = kAdmin,
                           const std::string& status = "Success") {
    return PushJson(absl::StrCat(
        R"({"CreationTime":")", FormatRfc3339(t), R"(","Id":")", NextId(), R"(","Operation":")", op,
        R"(","OrganizationId":"6d4c1a2b-3e4f-4a5b-8c6d-7e8f9a0b1c2d","RecordType":8,)",
        R"("ResultStatus":")", status, R"(","UserKey":"10032001FFEE0001@contoso.example",)",
        R"("UserType":0,"Version":1,"Workload":"AzureActiveDirectory","UserId":")", actor,
        R"(","ClientIP":"81.2.69.142","ObjectId":")", kJohn,
        R"(","AzureActiveDirectoryEventType":1,"ExtendedProperties":[{"Name":)",
        R"("extendedAuditEventCategory","Value":"User"}],"ModifiedProperties":[],)",
        R"("Actor":[{"ID":")", actor, R"(","Type":5},{"ID":"10032001FFEE0001","Type":3}],)",
        R"("ActorIpAddress":"81.2.69.142","Target":[{"ID":"User_)", kJohnOid,
        R"(","Type":2},{"ID":")", kJohnOid, R"(","Type":2},{"ID":"User","Type":2},)", R"({"ID":")",
        kJohn, R"(","Type":5},{"ID":"10032001A1B2C3D4","Type":3}]})"));
  }

  // Eight days of sign-ins from the home line for John and Mary.
  void Baseline() {
    for (int d = 0; d < 8; ++d) {
      SignIn(kDay0 + d * kDay + 8 * kHour, kJohn, kHomeLine);
      SignIn(kDay0 + d * kDay + 9 * kHour, kMary, kHomeLine);
    }
  }

  std::vector<Finding> Findings(const AnalyzeOptions& options) {
    return OfRule(Run(options), kRule);
  }

  int ids_ = 0;
};

TEST_F(IdentityRulesTest, ResetThenSignInFromNewAsnAndCountryIsHigh) {
  Baseline();
  const std::string reset = ResetOfJohn(kReset).record_id;
  SignIn(kReset + 20 * kMinute, kJohn, kUsIp, /*ok=*/false);
  const std::string signin = SignIn(kReset + 31 * kMinute, kJohn, kUsIp).record_id;
  const std::vector<Finding> f = Findings(WithGeo());
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_EQ(f[0].actor, kJohn);
  EXPECT_EQ(AnchorIds(f[0]), (std::vector<std::string>{reset, signin}));
  // The admin's address is not the attacker's.
  EXPECT_THAT(f[0].client_ips, ElementsAre(kUsIp));
  EXPECT_EQ(f[0].first_seen, kReset);
  EXPECT_THAT(f[0].details_json, HasSubstr("\"asn\":\"209\""));
  EXPECT_THAT(f[0].details_json, HasSubstr("\"country\":\"US\""));
  EXPECT_THAT(f[0].details_json,
              HasSubstr("the password was set by it.admin@contoso.example (Reset user password.); "
                        "31 minutes later the account signed in from 216.160.83.58, a network "
                        "(AS209) not in its baseline, in a country (US) not in it either"));
  EXPECT_THAT(f[0].details_json, HasSubstr("network 216.160.83.0/24 (AS209) new for the identity"));
}

TEST_F(IdentityRulesTest, NewAsnInNoNewCountryIsMedium) {
  Baseline();
  ResetOfJohn(kReset);
  SignIn(kReset + 2 * kHour, kJohn, kGoogleAsIp);
  const std::vector<Finding> f = Findings(WithGeo());
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);
  EXPECT_THAT(f[0].details_json, HasSubstr("AS15169"));
}

TEST_F(IdentityRulesTest, SelfServiceResetWithoutGeoUsesTheNetworkPrefix) {
  Baseline();
  // Without ASN data the /24 is the network; John changes his own password.
  ResetOfJohn(kReset, "Change password (self-service)", kJohn);
  SignIn(kReset + kHour, kJohn, kUsIp);
  const std::vector<Finding> f = Findings(AnalyzeOptions{});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);
  EXPECT_THAT(f[0].details_json, HasSubstr("(Change password (self-service))"));
}

TEST_F(IdentityRulesTest, SignInFromAKnownNetworkAfterAResetIsNotReported) {
  Baseline();
  ResetOfJohn(kReset);
  SignIn(kReset + 5 * kMinute, kJohn, kHomeLineOther);  // new IP, known /24 and ASN
  SignIn(kReset + 6 * kMinute, kJohn, "10.1.2.3");      // private
  EXPECT_THAT(Findings(WithGeo()), IsEmpty());
}

TEST_F(IdentityRulesTest, OnlyASuccessfulSignInOfTheResetIdentityInsideTheWindowCounts) {
  Baseline();
  ResetOfJohn(kReset);
  SignIn(kReset + kHour, kJohn, kUsIp, /*ok=*/false);  // failed
  SignIn(kReset + kHour, kMary, kUsIp);                // someone else
  SignIn(kReset + 25 * kHour, kJohn, kUsIp);           // after 24 hours
  EXPECT_THAT(Findings(WithGeo()), IsEmpty());
  // A 2-day window (the tuning threshold) takes the late sign-in in.
  AnalyzeOptions wide = WithGeo();
  wide.reset_signin_window_ms = 48 * kHour;
  EXPECT_EQ(Findings(wide).size(), 1u);
}

TEST_F(IdentityRulesTest, NoResetOrAFailedResetIsNotReported) {
  Baseline();
  ResetOfJohn(kReset, "Reset user password.", kAdmin, "Failure");
  SignIn(kReset + kHour, kJohn, kUsIp);
  SignIn(kReset + 2 * kHour, kMary, kUsIp);  // no reset at all
  EXPECT_THAT(Findings(WithGeo()), IsEmpty());
}

TEST_F(IdentityRulesTest, NewAccountWithoutBaselineIsLow) {
  // Mary fills the baseline; John's account is new (no activity before).
  for (int d = 0; d < 8; ++d) SignIn(kDay0 + d * kDay + 9 * kHour, kMary, kHomeLine);
  ResetOfJohn(kReset);
  SignIn(kReset + kHour, kJohn, kUsIp);
  const std::vector<Finding> f = Findings(WithGeo());
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kLow);
  EXPECT_THAT(f[0].details_json, HasSubstr("no activity in the baseline period"));
}

}  // namespace
}  // namespace tern::detect::testing
