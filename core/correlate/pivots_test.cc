#include "core/correlate/pivots.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern::correlate {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;

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

  auto ips = b.TakeIpPivots();
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

  auto actors = b.TakeActorPivots();
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
