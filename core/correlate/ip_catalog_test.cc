#include "core/correlate/ip_catalog.h"

#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace tern::correlate {
namespace {

constexpr TimeMs kT0 = 1700000000000;

TEST(IpCatalogTest, KeepsTheFirstSightingOfEachSpelling) {
  const std::vector<std::string> ips = {"81.2.69.142",  "::ffff:81.2.69.142", "2001:db8::1",
                                        "2001:DB8::1",  "cool.client.local",  "81.2.69.142x",
                                        "2001:db8::1:0"};
  IpCatalog catalog;
  std::set<uint32_t> ids;
  for (size_t i = 0; i < ips.size(); ++i) {
    ids.insert(catalog.FindOrAdd(ips[i], kT0 + static_cast<TimeMs>(i)));
  }
  EXPECT_EQ(ids.size(), ips.size());
  EXPECT_EQ(catalog.FindOrAdd("2001:db8::1", kT0 + 100), catalog.Find("2001:db8::1"));
  for (bool frozen : {false, true}) {
    if (frozen) catalog.Freeze();
    ASSERT_EQ(catalog.size(), ips.size());
    for (size_t i = 0; i < ips.size(); ++i) {
      const uint32_t id = catalog.Find(ips[i]);
      ASSERT_NE(id, IpCatalog::kNone) << ips[i];
      EXPECT_EQ(catalog.FirstSeen(id), kT0 + static_cast<TimeMs>(i)) << ips[i];
    }
    EXPECT_EQ(catalog.Find("2001:db8::2"), IpCatalog::kNone);
    EXPECT_EQ(catalog.Find("81.2.69.143"), IpCatalog::kNone);
    EXPECT_EQ(catalog.Find("other.host"), IpCatalog::kNone);
    EXPECT_EQ(catalog.Find(""), IpCatalog::kNone);
  }
}

TEST(IpCatalogTest, FrozenIdsAreDenseInIpv4Ipv6TextOrder) {
  IpCatalog catalog;
  catalog.FindOrAdd("host.example", kT0);
  catalog.FindOrAdd("2001:db8::2", kT0 + 1);
  catalog.FindOrAdd("10.0.0.2", kT0 + 2);
  catalog.FindOrAdd("2001:db8::1", kT0 + 3);
  catalog.FindOrAdd("9.0.0.1", kT0 + 4);
  catalog.Freeze();
  EXPECT_EQ(catalog.Find("9.0.0.1"), 0u);  // 9.x sorts before 10.x as a number
  EXPECT_EQ(catalog.Find("10.0.0.2"), 1u);
  EXPECT_EQ(catalog.Find("2001:db8::1"), 2u);
  EXPECT_EQ(catalog.Find("2001:db8::2"), 3u);
  EXPECT_EQ(catalog.Find("host.example"), 4u);
  EXPECT_EQ(catalog.FirstSeen(1), kT0 + 2);
  EXPECT_EQ(catalog.FirstSeen(4), kT0);
}

TEST(IpCatalogTest, AddsAfterFreezeComeAfterTheFrozenAndFreezeAgainMerges) {
  IpCatalog catalog;
  catalog.FindOrAdd("81.2.69.142", kT0);
  catalog.Freeze();
  // Known: found, first sighting unchanged.
  EXPECT_EQ(catalog.FindOrAdd("81.2.69.142", kT0 + 5), 0u);
  EXPECT_EQ(catalog.FirstSeen(0), kT0);
  const uint32_t late = catalog.FindOrAdd("1.1.1.1", kT0 + 7);
  EXPECT_EQ(late, 1u);
  EXPECT_EQ(catalog.Find("1.1.1.1"), 1u);
  EXPECT_EQ(catalog.FirstSeen(late), kT0 + 7);
  catalog.Freeze();
  EXPECT_EQ(catalog.Find("1.1.1.1"), 0u);
  EXPECT_EQ(catalog.Find("81.2.69.142"), 1u);
  EXPECT_EQ(catalog.FirstSeen(0), kT0 + 7);
  EXPECT_EQ(catalog.FirstSeen(1), kT0);
}

TEST(IpCatalogTest, AnswersAsATextKeyedMapForManyRotatingAddresses) {
  std::mt19937_64 random(7);
  std::map<std::string, TimeMs> reference;
  IpCatalog catalog;
  auto random_ip = [&]() -> std::string {
    switch (random() % 3) {
      case 0:
        return absl::StrCat(random() % 256, ".", random() % 256, ".", random() % 4, ".1");
      case 1:
        return absl::StrCat("2a02:8108:", absl::Hex(random() % 4096), "::1");
      default:
        return absl::StrCat("host", random() % 512, ".example");
    }
  };
  TimeMs t = kT0;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 20000; ++i) {
      const std::string ip = random_ip();
      reference.try_emplace(ip, t);
      const uint32_t id = catalog.FindOrAdd(ip, t);
      ASSERT_EQ(catalog.FirstSeen(id), reference.at(ip)) << ip;
      t += static_cast<TimeMs>(random() % 3);
    }
    catalog.Freeze();
    ASSERT_EQ(catalog.size(), reference.size());
    std::set<uint32_t> ids;
    for (const auto& [ip, first_seen] : reference) {
      const uint32_t id = catalog.Find(ip);
      ASSERT_LT(id, catalog.size()) << ip;
      EXPECT_EQ(catalog.FirstSeen(id), first_seen) << ip;
      ids.insert(id);
    }
    EXPECT_EQ(ids.size(), reference.size());
  }
}

TEST(IpCatalogTest, FrozenIpv4TakesTwelveBytesAnAddress) {
  IpCatalog catalog;
  constexpr uint32_t kAddresses = 200000;
  for (uint32_t i = 0; i < kAddresses; ++i) {
    catalog.FindOrAdd(
        absl::StrCat(100 + i % 100, ".", i / 10000 % 256, ".", i / 100 % 100, ".", i % 100),
        kT0 + i);
  }
  ASSERT_EQ(catalog.size(), kAddresses);
  const size_t growing = catalog.MemoryBytes();
  catalog.Freeze();
  EXPECT_LE(catalog.MemoryBytes(), size_t{kAddresses} * 12);
  EXPECT_GT(growing, 3 * catalog.MemoryBytes());
}

}  // namespace
}  // namespace tern::correlate
