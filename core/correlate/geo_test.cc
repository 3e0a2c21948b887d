#include "core/correlate/geo.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern::correlate {
namespace {

using ::testing::HasSubstr;

const std::string kCity = std::string(TERN_FIXTURES_DIR) + "/geoip/GeoLite2-City-Test.mmdb";
const std::string kAsn = std::string(TERN_FIXTURES_DIR) + "/geoip/GeoLite2-ASN-Test.mmdb";

TEST(GeoIpReaderTest, LooksUpCityAndAsnOfKnownAddresses) {
  std::vector<Warning> warnings;
  auto geo = GeoIpReader::Open(kCity, kAsn, &warnings);
  ASSERT_TRUE(warnings.empty()) << warnings[0].detail;
  ASSERT_TRUE(geo->has_city());
  ASSERT_TRUE(geo->has_asn());

  GeoResult se = geo->Resolve("89.160.20.112");
  EXPECT_TRUE(se.info.known);
  EXPECT_TRUE(se.has_location);
  EXPECT_EQ(se.info.country_iso, "SE");
  EXPECT_EQ(se.info.country, "Sweden");
  EXPECT_EQ(se.info.city, "Linköping");
  EXPECT_NEAR(se.info.latitude, 58.4167, 1e-4);
  EXPECT_NEAR(se.info.longitude, 15.6167, 1e-4);
  EXPECT_EQ(se.info.accuracy_km, 76);
  EXPECT_EQ(se.info.asn, 29518u);
  EXPECT_EQ(se.info.as_org, "Bredband2 AB");

  GeoInfo gb = geo->Lookup("81.2.69.142");
  EXPECT_TRUE(gb.known);
  EXPECT_EQ(gb.country_iso, "GB");
  EXPECT_EQ(gb.city, "London");
  EXPECT_EQ(gb.accuracy_km, 10);
  EXPECT_EQ(gb.asn, 0u);  // not in the ASN test database

  GeoInfo us = geo->Lookup("216.160.83.58");
  EXPECT_EQ(us.country_iso, "US");
  EXPECT_EQ(us.city, "Milton");
  EXPECT_EQ(us.asn, 209u);
  EXPECT_EQ(us.as_org, "");
}

TEST(GeoIpReaderTest, AsnOnlyEntryIsNotALocation) {
  std::vector<Warning> warnings;
  auto geo = GeoIpReader::Open(kCity, kAsn, &warnings);
  GeoResult google = geo->Resolve("1.0.0.1");
  EXPECT_FALSE(google.info.known);
  EXPECT_FALSE(google.has_location);
  EXPECT_EQ(google.info.asn, 15169u);
  EXPECT_EQ(google.info.as_org, "Google Inc.");
}

TEST(GeoIpReaderTest, UnknownPrivateAndNonIpAddressesAreUnknown) {
  std::vector<Warning> warnings;
  auto geo = GeoIpReader::Open(kCity, kAsn, &warnings);
  for (const char* ip :
       {"203.0.113.77", "10.1.2.3", "::1", "cool.client.local", "", "2001:db8::1"}) {
    GeoResult r = geo->Resolve(ip);
    EXPECT_FALSE(r.info.known) << ip;
    EXPECT_FALSE(r.has_location) << ip;
    EXPECT_EQ(r.info.asn, 0u) << ip;
  }
}

TEST(GeoIpReaderTest, MissingDatabaseWarnsAndLooksUpNothing) {
  std::vector<Warning> warnings;
  auto geo = GeoIpReader::Open("/nonexistent/GeoLite2-City.mmdb", "", &warnings);
  ASSERT_NE(geo, nullptr);
  EXPECT_FALSE(geo->has_city());
  EXPECT_FALSE(geo->has_asn());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].kind, "geoip-unavailable");
  EXPECT_EQ(warnings[0].source, "/nonexistent/GeoLite2-City.mmdb");
  EXPECT_THAT(warnings[0].detail, HasSubstr("City"));
  EXPECT_FALSE(geo->Lookup("89.160.20.112").known);
}

TEST(GeoIpReaderTest, NotAMaxMindFileWarns) {
  std::vector<Warning> warnings;
  auto geo = GeoIpReader::Open("", std::string(TERN_FIXTURES_DIR) + "/geoip/README.md", &warnings);
  EXPECT_FALSE(geo->has_asn());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].kind, "geoip-unavailable");
}

TEST(GeoIpReaderTest, SwappedDatabasesWarnAboutTheType) {
  std::vector<Warning> warnings;
  auto geo = GeoIpReader::Open(kAsn, "", &warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].kind, "geoip-unexpected-type");
  // Still used, but an ASN entry has no coordinates to offer.
  EXPECT_TRUE(geo->has_city());
  EXPECT_FALSE(geo->Resolve("89.160.20.112").has_location);
}

TEST(GeoIpReaderTest, NoPathsMeansNoGeoAndNoWarning) {
  std::vector<Warning> warnings;
  auto geo = GeoIpReader::Open("", "", &warnings);
  EXPECT_TRUE(warnings.empty());
  EXPECT_FALSE(geo->Lookup("81.2.69.142").known);
}

TEST(HaversineTest, KnownDistances) {
  EXPECT_NEAR(HaversineKm(51.5142, -0.0931, 51.5142, -0.0931), 0.0, 1e-9);
  // London -> Linköping and London -> Changchun, reference values computed
  // independently with the same formula and radius.
  EXPECT_NEAR(HaversineKm(51.5142, -0.0931, 58.4167, 15.6167), 1258.08, 0.01);
  EXPECT_NEAR(HaversineKm(51.5142, -0.0931, 43.88, 125.3228), 8184.36, 0.01);
  // Symmetric, and antipodes are half the circumference (pi * 6372.795).
  EXPECT_DOUBLE_EQ(HaversineKm(10, 20, -30, 40), HaversineKm(-30, 40, 10, 20));
  EXPECT_NEAR(HaversineKm(0, 0, 0, 180), 20020.6, 0.5);
}

}  // namespace
}  // namespace tern::correlate
