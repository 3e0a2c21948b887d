#include "core/correlate/pivots.h"

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace tern::correlate {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;

absl::StatusOr<std::unique_ptr<CaseStore>> OpenStore(const tern::testing::TempDir& dir,
                                                     std::string_view name) {
  return CaseStore::Open(dir / name, StoreMode::kReadWrite);
}

// Every stored entry of `kind`, for comparing two stores.
std::vector<std::pair<std::string, std::string>> Stored(CaseStore& store, std::string_view kind) {
  std::vector<std::pair<std::string, std::string>> out;
  EXPECT_TRUE(store
                  .ScanDerived(kind,
                               [&](std::string_view k, std::string_view v) {
                                 out.emplace_back(std::string(k), std::string(v));
                                 return true;
                               })
                  .ok());
  return out;
}

TEST(PivotBuilderTest, GroupsByIpAndByActor) {
  PivotBuilder b;
  GeoInfo se;
  se.known = true;
  se.country_iso = "SE";
  se.latitude = 58.4167;
  se.longitude = 15.6167;
  se.asn = 29518;
  const MailboxRef cfo{"guid-cfo", "cfo@contoso.com"};
  const MailboxRef ceo{"guid-ceo", "ceo@contoso.com"};
  b.Add(300, "89.160.20.112", ceo, "mallory@contoso.com", se);
  b.Add(100, "89.160.20.112", cfo, "mallory@contoso.com", se);
  b.Add(200, "89.160.20.112", cfo, "mallory@contoso.com", se);
  b.Add(150, "", cfo, "cfo@contoso.com", {});  // no IP: actor pivot only

  tern::testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<CaseStore>> store = OpenStore(dir, "store");
  ASSERT_TRUE(store.ok()) << store.status();
  absl::StatusOr<PivotBuilder::Written> written = b.WriteTo(**store);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->ip_pivots, 1u);
  EXPECT_EQ(written->actor_pivots, 2u);

  const auto ips = Stored(**store, kIpPivotKind);
  ASSERT_EQ(ips.size(), 1u);
  EXPECT_EQ(ips[0].first, "89.160.20.112");
  absl::StatusOr<Pivot> ip = DecodePivot(ips[0].second);
  ASSERT_TRUE(ip.ok()) << ip.status();
  EXPECT_EQ(ip->key, "89.160.20.112");
  EXPECT_EQ(ip->first, 100);
  EXPECT_EQ(ip->last, 300);
  EXPECT_EQ(ip->events, 3u);
  EXPECT_TRUE(ip->geo.known);
  EXPECT_EQ(ip->geo.asn, 29518u);
  EXPECT_DOUBLE_EQ(ip->geo.latitude, 58.4167);
  ASSERT_EQ(ip->links.size(), 2u);
  EXPECT_EQ(ip->links[0].mailbox_guid, "guid-ceo");  // sorted by mailbox key
  EXPECT_EQ(ip->links[1].mailbox_guid, "guid-cfo");
  EXPECT_EQ(ip->links[1].first, 100);
  EXPECT_EQ(ip->links[1].last, 200);
  EXPECT_EQ(ip->links[1].events, 2u);
  EXPECT_EQ(ip->links[1].actor, "mallory@contoso.com");

  const auto actors = Stored(**store, kActorPivotKind);
  ASSERT_EQ(actors.size(), 2u);
  EXPECT_EQ(actors[0].first, "cfo@contoso.com");
  EXPECT_EQ(actors[1].first, "mallory@contoso.com");
  absl::StatusOr<Pivot> m = DecodePivot(actors[1].second);
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->geo.known);
  EXPECT_THAT(m->links, ElementsAre(Field(&PivotLink::mailbox_upn, "ceo@contoso.com"),
                                    Field(&PivotLink::mailbox_upn, "cfo@contoso.com")));
  EXPECT_EQ(m->links[0].ip, "89.160.20.112");
}

// A day of a small tenant: rotating mobile IPs, a shared office address,
// mailboxes known by GUID only until their UPN shows up, events out of key
// order.
void AddTenantDay(PivotBuilder& b) {
  GeoInfo geo;
  geo.known = true;
  geo.country_iso = "DE";
  for (int i = 0; i < 3000; ++i) {
    const int user = i % 37;
    const MailboxRef mailbox{absl::StrCat("guid-", user),
                             i < 1500 ? "" : absl::StrCat("u", user, "@contoso.com")};
    const std::string ip =
        i % 3 == 0 ? "198.51.100.7" : absl::StrCat("10.", user, ".", (i * 7) % 50, ".", i % 4);
    const std::string actor =
        i % 11 == 0 ? "svc@contoso.com" : absl::StrCat("u", user, "@contoso.com");
    b.Add(100000 - i * 13 % 977 + i, i % 29 == 0 ? "" : ip, mailbox, actor, geo);
  }
}

TEST(PivotBuilderTest, SpillingWritesTheSameBytes) {
  tern::testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<CaseStore>> whole = OpenStore(dir, "whole");
  absl::StatusOr<std::unique_ptr<CaseStore>> spilled = OpenStore(dir, "spilled");
  ASSERT_TRUE(whole.ok() && spilled.ok());

  PivotBuilder in_memory(whole->get(), 1 << 20);
  AddTenantDay(in_memory);
  absl::StatusOr<PivotBuilder::Written> a = in_memory.WriteTo(**whole);
  ASSERT_TRUE(a.ok()) << a.status();

  PivotBuilder small(spilled->get(), 300);  // spills every hundred events or so
  AddTenantDay(small);
  absl::StatusOr<PivotBuilder::Written> b = small.WriteTo(**spilled);
  ASSERT_TRUE(b.ok()) << b.status();

  EXPECT_EQ(a->ip_pivots, b->ip_pivots);
  EXPECT_EQ(a->actor_pivots, b->actor_pivots);
  EXPECT_GT(a->ip_pivots, 100u);
  EXPECT_EQ(Stored(**whole, kIpPivotKind), Stored(**spilled, kIpPivotKind));
  EXPECT_EQ(Stored(**whole, kActorPivotKind), Stored(**spilled, kActorPivotKind));
  // The scratch kinds are gone once the pivots are written.
  EXPECT_TRUE(Stored(**spilled, "ip_pivots.spill").empty());
  EXPECT_TRUE(Stored(**spilled, "actor_pivots.spill").empty());
  // Links merged across spills keep the UPN first seen for a GUID mailbox.
  bool upn_filled = false;
  EXPECT_TRUE(ScanPivots(**spilled, kIpPivotKind, [&](const Pivot& p) {
                if (p.key == "198.51.100.7") {
                  for (const PivotLink& l : p.links) upn_filled |= !l.mailbox_upn.empty();
                }
                return true;
              }).ok());
  EXPECT_TRUE(upn_filled);
}

// A NAT address of a whole office: thousands of links in each spill. Its
// partials are stored in parts of kSpillPartLinks links, so that reading
// every spill back at once holds a few kilobytes per spill, and they merge
// back to the bytes of a builder that never spilled.
TEST(PivotBuilderTest, SpillsABusyAddressInBoundedParts) {
  tern::testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<CaseStore>> whole = OpenStore(dir, "whole");
  absl::StatusOr<std::unique_ptr<CaseStore>> spilled = OpenStore(dir, "spilled");
  ASSERT_TRUE(whole.ok() && spilled.ok());
  GeoInfo geo;
  geo.known = true;
  geo.country = "DE";
  auto add_office = [&](PivotBuilder& b) {
    for (int i = 0; i < 6000; ++i) {
      const MailboxRef mailbox{absl::StrCat("guid-", i % 700),
                               absl::StrCat("m", i % 700, "@c.com")};
      b.Add(1000 + i, "203.0.113.1", mailbox, absl::StrCat("u", i % 900, "@c.com"), geo);
      b.Add(1000 + i, absl::StrCat("10.0.", i % 50, ".1"), mailbox, "svc@c.com", geo);
    }
  };
  PivotBuilder in_memory(whole->get(), 1 << 20);
  add_office(in_memory);
  PivotBuilder small(spilled->get(), 2500);
  add_office(small);

  size_t parts = 0;
  size_t largest = 0;
  for (const auto& [key, value] : Stored(**spilled, "ip_pivots.spill")) {
    if (key.find("203.0.113.1") == std::string::npos) continue;
    ++parts;
    largest = std::max(largest, value.size());
  }
  EXPECT_GT(parts, 20u);  // several spills, each in several parts
  EXPECT_LT(largest, kSpillPartLinks * 100);

  ASSERT_TRUE(in_memory.WriteTo(**whole).ok());
  ASSERT_TRUE(small.WriteTo(**spilled).ok());
  EXPECT_EQ(Stored(**whole, kIpPivotKind), Stored(**spilled, kIpPivotKind));
  EXPECT_EQ(Stored(**whole, kActorPivotKind), Stored(**spilled, kActorPivotKind));
  EXPECT_TRUE(ScanPivots(**spilled, kIpPivotKind, [&](const Pivot& p) {
                if (p.key == "203.0.113.1") {
                  EXPECT_EQ(p.events, 6000u);
                  EXPECT_EQ(p.links.size(), 6000u);  // (i % 700, i % 900) repeats after 6,300
                  EXPECT_EQ(p.geo.country, "DE");
                }
                return true;
              }).ok());
}

TEST(PivotBuilderTest, RefusesToWriteSpillsIntoAnotherStore) {
  tern::testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<CaseStore>> one = OpenStore(dir, "one");
  absl::StatusOr<std::unique_ptr<CaseStore>> two = OpenStore(dir, "two");
  ASSERT_TRUE(one.ok() && two.ok());
  PivotBuilder b(one->get(), 1000);
  AddTenantDay(b);
  EXPECT_EQ(b.WriteTo(**two).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PivotCodecTest, RejectsDamagedBytes) {
  Pivot p;
  p.key = "1.2.3.4";
  p.links.push_back({"g", "u", "a", "", 1, 2, 3});
  const std::string bytes = EncodePivot(p);
  ASSERT_TRUE(DecodePivot(bytes).ok());
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_EQ(DecodePivot(bytes.substr(0, n)).status().code(), absl::StatusCode::kDataLoss) << n;
  }
  EXPECT_EQ(DecodePivot(bytes + "x").status().code(), absl::StatusCode::kDataLoss);
  std::string wrong_version = bytes;
  wrong_version[0] = 9;
  EXPECT_EQ(DecodePivot(wrong_version).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace tern::correlate
