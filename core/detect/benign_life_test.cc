// The benign patterns of a real tenant (issue 11) through Analyze(), with the
// MaxMind test databases: each must stay quiet (no finding, or a low one
// rolled up per identity), while the attack that resembles it is still found
// with the severity its combined evidence earns.
#include <string>
#include <vector>

#include "core/detect/detect_test_util.h"

namespace tern::detect::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kOutlook[] = "Client=MSExchangeRPC";
constexpr char kPhone[] = "Client=OutlookService;Outlook-iOS/2.0;";
constexpr char kOwaProxy[] = "Client=OWA;Action=ViaProxy";
// BT's IPv6 range in the ASN test database (AS5400): a phone carrier.
constexpr char kCarrierDay1[] = "2a00:2012:4a10:11::1";
constexpr char kCarrierLater[] = "2a00:2012:4a11:9e2:1:2:3:4";  // another /48, same ASN

class BenignLifeTest : public AnalyzerTest {
 protected:
  Event Access(TimeMs t, std::string owner, std::string ip, std::string client,
               std::string type = "Bind", std::string folder = "\\Inbox") {
    Event e = OwnerEvent(t, "MailItemsAccessed", owner, std::move(ip));
    e.client_info = std::move(client);
    e.operation_properties = {{"MailAccessType", std::move(type)}, {"IsThrottled", "False"}};
    e.folders = {std::move(folder)};
    e.session_id = owner + "-" + std::to_string(t);
    return e;
  }
  // Six colleagues at the London office every day: the office NAT.
  void Office(int days) {
    for (int u = 0; u < 6; ++u) {
      const std::string who = "colleague" + std::to_string(u) + "@contoso.com";
      for (int d = 0; d < days; ++d) {
        Push(Access(kDay0 + d * kDay + 9 * kHour + u * kMinute, who, kLondonIp, kOutlook));
      }
    }
  }
  // Rule, severity and details of each finding, for failure messages.
  static std::string Describe(const std::vector<Finding>& findings) {
    std::string out;
    for (const Finding& f : findings) {
      out += f.rule + " " + std::string(SeverityName(f.severity)) + " " + f.details_json + "\n";
    }
    return out;
  }
  static std::vector<Finding> AtLeast(const std::vector<Finding>& all, Severity s) {
    std::vector<Finding> out;
    for (const Finding& f : all) {
      if (f.severity >= s) out.push_back(f);
    }
    return out;
  }
};

TEST_F(BenignLifeTest, PhoneSyncingFromANewCarrierAddressEveryDayIsQuiet) {
  for (int d = 0; d < 14; ++d) {
    const std::string ip = d < 7 ? kCarrierDay1 : kCarrierLater;
    Push(Access(kDay0 + d * kDay + 7 * kHour, "ada@contoso.com", ip, kPhone, "Sync"));
  }
  EXPECT_THAT(Run(WithGeo()), IsEmpty());
}

TEST_F(BenignLifeTest, FirstOfficeDayInTheMiddleOfTheCaseIsQuiet) {
  Office(14);
  for (int d = 0; d < 10; ++d) {
    Push(Access(kDay0 + d * kDay + 9 * kHour, "hybrid@contoso.com", kSwedenIp, kOutlook));
  }
  // Day 10: first day at the office; a new Outlook profile syncs folders.
  const TimeMs t = kDay0 + 10 * kDay + 9 * kHour;
  for (const char* folder : {"\\Inbox", "\\Calendar", "\\Sent Items"}) {
    Push(Access(t, "hybrid@contoso.com", kLondonIp, kOutlook, "Sync", folder));
  }
  std::vector<Finding> all = Run(WithGeo());
  EXPECT_THAT(AtLeast(all, Severity::kLow), IsEmpty()) << Describe(all);
}

TEST_F(BenignLifeTest, BusinessTravelWithTheUsualDevicesIsLowAndRolledUp) {
  for (int d = 0; d < 8; ++d) {
    Push(Access(kDay0 + d * kDay + 9 * kHour, "traveller@contoso.com", kLondonIp, kOutlook));
  }
  // Three days in Linköping, then two in San Diego, with the same laptop.
  for (int d = 9; d < 14; ++d) {
    const char* hotel = d < 12 ? "89.160.20.120" : "214.78.0.200";
    Push(Access(kDay0 + d * kDay + 8 * kHour, "traveller@contoso.com", hotel, kOutlook));
    Push(Access(kDay0 + d * kDay + 15 * kHour, "traveller@contoso.com", hotel, kOutlook));
  }
  std::vector<Finding> all = Run(WithGeo());
  EXPECT_THAT(AtLeast(all, Severity::kMedium), IsEmpty());
  std::vector<Finding> first_seen = OfRule(all, "first-seen-ip");
  ASSERT_EQ(first_seen.size(), 1u);  // one finding for both stays, not one per day
  EXPECT_EQ(first_seen[0].severity, Severity::kLow);
  EXPECT_THAT(first_seen[0].details_json, HasSubstr("\"rolled_up\":2"));
  EXPECT_THAT(first_seen[0].details_json, HasSubstr("country SE new for the identity"));
  EXPECT_THAT(first_seen[0].details_json, HasSubstr("country US new for the identity"));
  EXPECT_THAT(first_seen[0].details_json, HasSubstr("usual client (Outlook desktop)"));
  EXPECT_THAT(first_seen[0].details_json, HasSubstr("\"baseline\":"));
}

TEST_F(BenignLifeTest, TheSameTripWithAStrangersClientIsHigh) {
  for (int d = 0; d < 8; ++d) {
    Push(Access(kDay0 + d * kDay + 9 * kHour, "victim@contoso.com", kLondonIp, kOutlook));
  }
  Push(Access(kAfterBaseline, "victim@contoso.com", kChinaIp,
              "Client=REST;Client=RESTSystem;python-requests/2.31.0;"));
  std::vector<Finding> f = OfRule(Run(WithGeo()), "first-seen-ip");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_THAT(f[0].details_json, HasSubstr("client family new for the identity: scripted client"));
}

TEST_F(BenignLifeTest, OwaViaProxyIsOrdinaryOwa) {
  for (int d = 0; d < 12; ++d) {
    Push(Access(kDay0 + d * kDay + 20 * kHour, "owa@contoso.com", kLondonIp, kOwaProxy));
  }
  EXPECT_THAT(OfRule(Run(WithGeo()), "suspicious-client"), IsEmpty());
}

TEST_F(BenignLifeTest, SharedMailboxDelegatesOnTheOfficeNatAreNotAnIpPivot) {
  Office(12);
  for (int u = 0; u < 6; ++u) {
    const std::string who = "colleague" + std::to_string(u) + "@contoso.com";
    for (int d = 0; d < 12; ++d) {
      Event e = MailboxEvent(kDay0 + d * kDay + 11 * kHour + u * kMinute, "MailItemsAccessed",
                             "accounts-payable@contoso.com", who, kLondonIp, kLogonDelegate);
      e.client_info = kOutlook;
      Push(e);
    }
  }
  std::vector<Finding> all = Run(WithGeo());
  EXPECT_THAT(OfRule(all, "ip-multiple-mailboxes"), IsEmpty());
  EXPECT_THAT(AtLeast(all, Severity::kLow), IsEmpty());  // long-standing delegates are info
}

TEST_F(BenignLifeTest, SystemProvisioningIsNotAGrant) {
  Office(9);
  Event grant =
      Cmdlet(kAfterBaseline, "Add-MailboxPermission",
             "NT AUTHORITY\\SYSTEM (Microsoft.Exchange.ServiceHost)", "",
             {{"Identity", "DiscoverySearchMailbox{D919BA05-46A6-415f-80AD-7E09334BB852}"},
              {"User", "Discovery Management"},
              {"AccessRights", "FullAccess"}});
  grant.user_type = 3;
  Push(grant);
  Event install = Cmdlet(kAfterBaseline + kMinute, "Install-DefaultSharingPolicy",
                         "NT AUTHORITY\\SYSTEM (Microsoft.Exchange.ServiceHost)", "", {});
  install.user_type = 3;
  Push(install);
  EXPECT_THAT(AtLeast(Run(WithGeo()), Severity::kLow), IsEmpty());
}

}  // namespace
}  // namespace tern::detect::testing
