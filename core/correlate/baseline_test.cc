#include "core/correlate/baseline.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace tern::correlate {
namespace {

constexpr TimeMs kDay = 24LL * 60 * 60 * 1000;

Event At(TimeMs t, std::string ip, std::string client) {
  Event e;
  e.time_ms = t;
  e.client_ip = std::move(ip);
  e.client_info = std::move(client);
  return e;
}

GeoInfo Geo(std::string country, uint32_t asn) {
  GeoInfo g;
  g.country_iso = std::move(country);
  g.asn = asn;
  return g;
}

TEST(NetworkOfTest, PrefixesNotAddresses) {
  EXPECT_EQ(NetworkOf("81.2.69.142"), "81.2.69.0/24");
  EXPECT_EQ(NetworkOf("2a00:2012:4a10:1:2:3:4:5"), "2a00:2012:4a10::/48");
  EXPECT_EQ(NetworkOf("2a00:2012:4a10:ffff::1"), NetworkOf("2a00:2012:4a10:1::9"));
  EXPECT_EQ(NetworkOf("10.1.2.3"), "");
  EXPECT_EQ(NetworkOf("host.example"), "");
  EXPECT_EQ(NetworkOf(""), "");
}

TEST(ClassifyClientTest, Families) {
  EXPECT_EQ(ClassifyClient(At(0, "", "Client=MSExchangeRPC")), ClientFamily::kOutlook);
  EXPECT_EQ(ClassifyClient(At(0, "", "Client=OWA;Action=ViaProxy")), ClientFamily::kOwa);
  EXPECT_EQ(ClassifyClient(At(0, "", "Client=OutlookService;Outlook-iOS/2.0;")),
            ClientFamily::kMobile);
  EXPECT_EQ(ClassifyClient(At(0, "", "Client=REST;Client=RESTSystem;;")), ClientFamily::kRest);
  EXPECT_EQ(ClassifyClient(At(0, "", "Client=REST;Client=RESTSystem;python-requests/2.31.0;")),
            ClientFamily::kScript);
}

TEST(DeviceOfTest, ViaProxyTellsNoDevice) {
  EXPECT_EQ(DeviceOf(At(0, "", "Client=OWA;Action=ViaProxy")), "");
  EXPECT_EQ(DeviceOf(At(0, "", "Client=MSExchangeRPC")), "client=msexchangerpc");
}

TEST(OrgInfrastructureTest, SharedOnSeveralDaysByManyIsTheOrganizations) {
  OrgInfrastructure org(3, 2);
  for (int user = 0; user < 4; ++user) {
    for (int day = 0; day < 3; ++day) {
      org.Observe("u" + std::to_string(user), "81.2.69.142", 2856, day * kDay);
    }
  }
  // An attacker's network touching each of many victims once, over several
  // days, is not infrastructure.
  for (int user = 0; user < 9; ++user) {
    org.Observe("v" + std::to_string(user), "175.16.199." + std::to_string(20 + user), 0,
                (10 + user) * kDay);
  }
  org.Finish();
  EXPECT_TRUE(org.IsOrgNetwork("81.2.69.0/24"));
  EXPECT_TRUE(org.IsOrgAsn(2856));
  EXPECT_FALSE(org.IsOrgNetwork("175.16.199.0/24"));
  EXPECT_FALSE(org.IsOrgAsn(0));
}

TEST(IdentityBaselinesTest, TheOrganizationsNetworkIsNeverNewForAnyone) {
  OrgInfrastructure org(3, 2);
  for (int user = 0; user < 4; ++user) {
    for (int day = 0; day < 3; ++day) {
      org.Observe("u" + std::to_string(user), "81.2.69.142", 0, day * kDay);
    }
  }
  org.Finish();
  ASSERT_TRUE(org.IsOrgIp("81.2.69.7", 0));
  EXPECT_FALSE(org.IsOrgIp("89.160.20.120", 0));
  IdentityBaselines b(7 * kDay, &org);
  b.Observe("ada", At(kDay, "89.160.20.120", "Client=MSExchangeRPC"), Geo("SE", 0));
  // Ada's first visit to the office network, another /24 host, after the
  // baseline: the organization's, so neither a new network nor a new country.
  Novelty office =
      b.Observe("ada", At(9 * kDay, "81.2.69.7", "Client=MSExchangeRPC"), Geo("GB", 0));
  EXPECT_TRUE(office.org_network);
  EXPECT_FALSE(office.network_new);
  EXPECT_FALSE(office.country_new);
  Novelty elsewhere =
      b.Observe("ada", At(9 * kDay, "175.16.199.20", "Client=MSExchangeRPC"), Geo("CN", 0));
  EXPECT_FALSE(elsewhere.org_network);
  EXPECT_TRUE(elsewhere.network_new);
}

TEST(IdentityBaselinesTest, PhoneAddressesChangingInsideTheCarrierAreNotNew) {
  OrgInfrastructure org(5, 3);
  org.Finish();
  IdentityBaselines b(7 * kDay, &org);
  const std::string phone = "Client=OutlookService;Outlook-iOS/2.0;";
  b.Observe("ada", At(kDay, "2a00:2012:4a10:1::1", phone), Geo("", 5400));
  // Another /48 of the same carrier after the baseline: ASN known.
  Novelty n = b.Observe("ada", At(9 * kDay, "2a00:2012:4a11:7::9", phone), Geo("", 5400));
  EXPECT_FALSE(n.network_new);
  EXPECT_FALSE(n.client_new());
  EXPECT_EQ(n.anomalies(), 0);
}

TEST(IdentityBaselinesTest, NewPlaceAndNewClientAreTwoAnomalies) {
  IdentityBaselines b(7 * kDay, nullptr);
  b.Observe("ada", At(kDay, "81.2.69.160", "Client=MSExchangeRPC"), Geo("GB", 0));
  Novelty travel =
      b.Observe("ada", At(9 * kDay, "89.160.20.120", "Client=MSExchangeRPC"), Geo("SE", 29518));
  EXPECT_TRUE(travel.network_new);
  EXPECT_TRUE(travel.country_new);
  EXPECT_FALSE(travel.client_new());
  Novelty attacker =
      b.Observe("ada", At(10 * kDay, "175.16.199.20", "python-requests/2.31"), Geo("CN", 0));
  EXPECT_TRUE(attacker.network_new);
  EXPECT_TRUE(attacker.country_new);
  EXPECT_TRUE(attacker.family_new);
  EXPECT_EQ(attacker.anomalies(), 3);
  EXPECT_EQ(b.DaysInCountryWithKnownDevice("ada", "SE"), 1);
  EXPECT_EQ(b.DaysInCountryWithKnownDevice("ada", "CN"), 0);
}

TEST(IdentityBaselinesTest, ClientFamiliesAreClassifyClientsWhateverTheMemoHolds) {
  IdentityBaselines b(7 * kDay, nullptr);
  auto expect_family = [&](const Event& e) {
    EXPECT_EQ(b.Observe("ada", e, GeoInfo()).family, ClassifyClient(e))
        << e.client_info << " | " << (e.extra.empty() ? "" : e.extra[0].value);
  };
  auto with_agent = [](Event e, std::string agent) {
    e.extra.push_back(NameValue{"UserAgent", std::move(agent)});
    return e;
  };
  const std::vector<std::string> known = {"Client=MSExchangeRPC",
                                          "Client=OWA;Action=ViaProxy",
                                          "Client=OutlookService;Outlook-iOS/2.0;",
                                          "Client=REST;Client=RESTSystem;;",
                                          "Client=POP3",
                                          ""};
  for (int round = 0; round < 2; ++round) {
    for (const std::string& client : known) {
      expect_family(At(kDay, "81.2.69.160", client));
      // The same client string with a user agent that decides otherwise.
      expect_family(with_agent(At(kDay, "81.2.69.160", client), "python-requests/2.31"));
      expect_family(with_agent(At(kDay, "81.2.69.160", client), "Mozilla/5.0 (iPhone)"));
    }
    // More distinct strings than the memo keeps, some scripted.
    for (int i = 0; i < 5000; ++i) {
      expect_family(At(kDay, "81.2.69.160",
                       absl::StrCat(i % 7 == 0 ? "Client=REST;python/" : "Client=REST;app/", i)));
    }
  }
}

TEST(IdentityBaselinesTest, UsedDuringTheBaselineIsNeverNew) {
  IdentityBaselines b(7 * kDay, nullptr);
  Novelty first = b.Observe("ada", At(kDay, "175.16.199.20", "Client=OWA;x"), Geo("CN", 0));
  EXPECT_FALSE(first.network_new);
  EXPECT_FALSE(first.country_new);
  Novelty later = b.Observe("ada", At(20 * kDay, "175.16.199.21", "Client=OWA;x"), Geo("CN", 0));
  EXPECT_EQ(later.anomalies(), 0);
}

TEST(IdentityBaselinesTest, DaysInACountryCountDistinctDaysUpTo31PerIdentity) {
  IdentityBaselines b(kDay, nullptr);
  // A device first used during the baseline is known; one first used after
  // it is new on every use, so its days are not counted.
  for (int day = 0; day < 40; ++day) {
    for (int visit = 0; visit < 2; ++visit) {
      b.Observe("ada", At(day * kDay + visit * 3600000, "81.2.69.160", "Client=MSExchangeRPC"),
                Geo("SE", 29518));
    }
    if (day < 5) {
      b.Observe("bob", At(day * kDay, "81.2.69.161", "Client=MSExchangeRPC"), Geo("SE", 29518));
      b.Observe("bob", At(day * kDay + 1, "89.160.20.120", "Client=MSExchangeRPC"),
                Geo("GB", 2856));
    }
    if (day >= 3 && day < 6) {
      b.Observe("carol", At(day * kDay, "81.2.69.162", "Client=MSExchangeRPC"), Geo("SE", 29518));
    }
  }
  EXPECT_EQ(b.DaysInCountryWithKnownDevice("ada", "SE"), 31);
  EXPECT_EQ(b.DaysInCountryWithKnownDevice("bob", "SE"), 5);
  EXPECT_EQ(b.DaysInCountryWithKnownDevice("bob", "GB"), 5);
  EXPECT_EQ(b.DaysInCountryWithKnownDevice("ada", "GB"), 0);
  EXPECT_EQ(b.DaysInCountryWithKnownDevice("carol", "SE"), 0);
  EXPECT_EQ(b.DaysInCountryWithKnownDevice("dave", "SE"), 0);
}

TEST(IdentityBaselinesTest, AnIdentityRemembersAtMost512NetworksAndTheFirstStayKnown) {
  IdentityBaselines b(kDay, nullptr);
  auto network = [](int i) { return absl::StrCat(81 + i / 256, ".", i % 256, ".7.9"); };
  // 600 /24 networks after the baseline: the first 512 are remembered; the
  // others cannot be, so they are not called new.
  for (int i = 0; i < 600; ++i) {
    const Novelty n = b.Observe("ada", At(2 * kDay + i, network(i), "Client=OWA;x"), Geo("", 0));
    EXPECT_EQ(n.network_new, i < 512) << i;
  }
  // Remembered networks stay new (first seen after the baseline).
  EXPECT_TRUE(b.Observe("ada", At(3 * kDay, network(5), "Client=OWA;x"), Geo("", 0)).network_new);
  EXPECT_TRUE(b.Observe("ada", At(3 * kDay, network(511), "Client=OWA;x"), Geo("", 0)).network_new);
  EXPECT_FALSE(
      b.Observe("ada", At(3 * kDay, network(512), "Client=OWA;x"), Geo("", 0)).network_new);
  EXPECT_FALSE(
      b.Observe("ada", At(3 * kDay, network(599), "Client=OWA;x"), Geo("", 0)).network_new);
  // Another identity has its own room.
  EXPECT_TRUE(b.Observe("bob", At(3 * kDay, network(599), "Client=OWA;x"), Geo("", 0)).network_new);
}

}  // namespace
}  // namespace tern::correlate
