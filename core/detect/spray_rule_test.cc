// password-spray [74b]: the threshold scaled to the tenant, the raise on a
// following sign-in, and the negative cases, through Analyze().
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/detect/detect_test_util.h"

namespace tern::detect::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kSpray[] = "password-spray";

class SprayTest : public AnalyzerTest {
 protected:
  // An Azure AD sign-in record (RecordType 15) of `user` from `ip`.
  static Event SignIn(TimeMs t, std::string op, std::string user, std::string ip) {
    Event e;
    e.time_ms = t;
    e.record_type = 15;
    e.operation = std::move(op);
    e.workload = "AzureActiveDirectory";
    e.result_status = e.operation == "UserLoginFailed" ? "Failed" : "Success";
    e.actor_upn = std::move(user);
    e.user_type = 0;
    e.client_ip = std::move(ip);
    return e;
  }
  static std::string User(int i) { return absl::StrCat("user", i, "@contoso.com"); }

  // A tenant of `n` people reading their mail during the baseline.
  void Tenant(int n) {
    for (int i = 0; i < n; ++i) Baseline(User(i), kOfficeIp, 1);
  }
  // Failed sign-ins for users first..first+count-1 from `ip`, a minute apart.
  void Spray(TimeMs t, int first, int count, const std::string& ip = kEvilIp,
             TimeMs step = kMinute / 2) {
    for (int i = 0; i < count; ++i) {
      Push(SignIn(t + i * step, "UserLoginFailed", User(first + i), ip));
    }
  }
};

TEST_F(SprayTest, FiveIdentitiesInASmallTenantAreASpray) {
  Tenant(10);  // 30 % of 10 is 3: the floor of 5 holds
  Spray(kAfterBaseline, 0, 5);
  auto f = OfRule(Run(), kSpray);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);
  EXPECT_THAT(f[0].client_ips, ElementsAre(kEvilIp));
  EXPECT_EQ(f[0].evidence.size(), 5u);
  EXPECT_THAT(f[0].details_json, HasSubstr("\"identities_in_window\":5"));
  EXPECT_THAT(f[0].details_json, HasSubstr("5 distinct identities in 5 minutes"));
}

TEST_F(SprayTest, ALargeTenantNeedsTen) {
  Tenant(60);  // 30 % of 60 is 18: Splunk's 10 is smaller
  Spray(kAfterBaseline, 0, 9);
  EXPECT_THAT(OfRule(Run(), kSpray), IsEmpty());
  Spray(kAfterBaseline + 9 * kMinute / 2, 9, 1);
  auto f = OfRule(Run(), kSpray);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_THAT(f[0].details_json, HasSubstr("10 distinct identities"));
}

TEST_F(SprayTest, TheThresholdIsTunable) {
  Tenant(60);
  Spray(kAfterBaseline, 0, 6);
  AnalyzeOptions o;
  o.spray_identities = 6;
  EXPECT_EQ(OfRule(Run(o), kSpray).size(), 1u);
  EXPECT_THAT(OfRule(Run(), kSpray), IsEmpty());
}

TEST_F(SprayTest, ASignInFromTheSameSourceAfterwardsIsHigh) {
  Tenant(10);
  Spray(kAfterBaseline, 0, 5);
  const Event& in = Push(SignIn(kAfterBaseline + kHour, "UserLoggedIn", User(3), kEvilIp));
  auto f = OfRule(Run(), kSpray);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_THAT(f[0].details_json, HasSubstr("\"signed_in\":[\"user3@contoso.com\"]"));
  EXPECT_EQ(f[0].evidence.back().record_id, in.record_id);
}

TEST_F(SprayTest, SignInsElsewhereOrOfOthersStayMedium) {
  Tenant(10);
  Spray(kAfterBaseline, 0, 5);
  Push(SignIn(kAfterBaseline + kHour, "UserLoggedIn", User(3), kHomeIp));  // another source
  Push(SignIn(kAfterBaseline + kHour, "UserLoggedIn", User(8), kEvilIp));  // not sprayed
  auto f = OfRule(Run(), kSpray);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);
}

TEST_F(SprayTest, SlowFailuresOrManySourcesAreNoSpray) {
  Tenant(10);
  Spray(kAfterBaseline, 0, 5, kEvilIp, 2 * kMinute);  // 8 minutes for five users
  for (int i = 0; i < 5; ++i) {                       // five users mistyping, each from home
    Push(SignIn(kAfterBaseline + kDay + i * kMinute / 2, "UserLoginFailed", User(i),
                absl::StrCat("198.51.100.", 20 + i)));
  }
  // One user failing ten times from one IP is a burst, not a spray.
  for (int i = 0; i < 10; ++i) {
    Push(SignIn(kAfterBaseline + 2 * kDay + i * 10000, "UserLoginFailed", User(1), kEvilIp));
  }
  EXPECT_THAT(OfRule(Run(), kSpray), IsEmpty());
}

// An attacker rotating addresses inside one IPv6 /64 or one ASN is one
// source: reported once, for the group, when no address did it alone.
TEST_F(SprayTest, AddressesRotatedInsideOneSlash64AreOneSource) {
  Tenant(10);
  for (int i = 0; i < 5; ++i) {
    Spray(kAfterBaseline + i * kMinute / 2, i, 1, absl::StrCat("2a02:26f0:1:2::", 10 + i));
  }
  // Five other /64s: five unrelated sources.
  for (int i = 0; i < 5; ++i) {
    Spray(kAfterBaseline + kDay + i * kMinute / 2, i, 1,
          absl::StrCat("2a02:26f0:1:", 10 + i, "::1"));
  }
  auto f = OfRule(Run(), kSpray);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].title, "Password spray from 2a02:26f0:1:2::/64 (5 addresses): 5 identities");
  EXPECT_EQ(f[0].client_ips.size(), 5u);
}

TEST_F(SprayTest, AddressesRotatedInsideOneAsnAreOneSourceWithGeo) {
  Tenant(10);
  for (int i = 0; i < 5; ++i) {  // AS35908 in the test ASN database
    Spray(kAfterBaseline + i * kMinute / 2, i, 1, absl::StrCat("67.43.156.", 10 + i));
  }
  auto f = OfRule(Run(WithGeo()), kSpray);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].title, "Password spray from AS35908 (5 addresses): 5 identities");
  // Without geo data there is no ASN to group by.
  EXPECT_THAT(OfRule(Run(), kSpray), IsEmpty());
}

TEST_F(SprayTest, OneAddressInsideAGroupIsReportedOnceForTheAddress) {
  Tenant(10);
  Spray(kAfterBaseline, 0, 5, "67.43.156.7");
  Spray(kAfterBaseline + kMinute / 4, 5, 1, "67.43.156.8");
  auto f = OfRule(Run(WithGeo()), kSpray);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].title, "Password spray from 67.43.156.7: 5 identities");
}

// Employees mistyping from home on the ISP the organization works from
// every day are no spray: that ASN is the organization's own.
TEST_F(SprayTest, TheOrganizationsOwnAsnIsNoGroup) {
  for (int i = 0; i < 10; ++i) Baseline(User(i), absl::StrCat("67.43.156.", 100 + i), 4);
  for (int i = 0; i < 5; ++i) {
    Spray(kAfterBaseline + i * kMinute / 2, i, 1, absl::StrCat("67.43.156.", 10 + i));
  }
  EXPECT_THAT(OfRule(Run(WithGeo()), kSpray), IsEmpty());
}

}  // namespace
}  // namespace tern::detect::testing
