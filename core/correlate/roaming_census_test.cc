#include "core/correlate/roaming_census.h"

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace tern::correlate {
namespace {

TEST(ClientFamilyTextTest, TakesTheClientOrTheProduct) {
  EXPECT_EQ(ClientFamilyText("Client=OWA;Mozilla/5.0 (Windows NT 10.0)"), "client=owa");
  EXPECT_EQ(ClientFamilyText("  client=REST;Client=RESTSystem;  "), "client=rest");
  EXPECT_EQ(ClientFamilyText("python-requests/2.31"), "python-requests");
  EXPECT_EQ(ClientFamilyText("Microsoft Office/16.0 (Windows NT 10.0)"), "microsoft");
  EXPECT_EQ(ClientFamilyText(""), "");
}

TEST(RoamingCensusTest, KeepsOnlyIdsSeenFromSeveralIpsOrFamilies) {
  RoamingCensus census;
  for (int i = 0; i < 1000; ++i) {
    // One IP and one family per id, several events each: not moving.
    const std::string sid = absl::StrCat("steady-", i);
    census.Observe(sid, static_cast<uint32_t>(i), "Client=OWA;Mozilla/5.0");
    census.Observe(sid, static_cast<uint32_t>(i), "client=owa;Edge");
  }
  census.Observe("new-ip", 7, "Client=OWA");
  census.Observe("new-ip", 7, "Client=OWA");
  census.Observe("new-ip", 8, "Client=OWA");
  census.Observe("new-family", 9, "Client=OWA");
  census.Observe("new-family", 9, "python-requests/2.31");
  census.Observe("from-no-family", 10, "");
  census.Observe("from-no-family", 10, "Outlook-iOS/2.0");
  census.Observe("back-and-forth", 11, "Client=OWA");
  census.Observe("back-and-forth", 12, "Client=OWA");
  census.Observe("back-and-forth", 11, "Client=OWA");
  census.Freeze();

  EXPECT_EQ(census.moving(), 4u);
  for (const char* sid : {"new-ip", "new-family", "from-no-family", "back-and-forth"}) {
    EXPECT_TRUE(census.MayMove(sid)) << sid;
  }
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(census.MayMove(absl::StrCat("steady-", i)));
  EXPECT_FALSE(census.MayMove("never-seen"));
}

TEST(RoamingCensusTest, FreezeFreesThePerIdTable) {
  RoamingCensus census;
  for (int i = 0; i < 100000; ++i) {
    census.Observe(absl::StrCat("sid-", i), static_cast<uint32_t>(i % 5000), "Client=OWA");
  }
  census.Observe("sid-1", 4999, "Client=OWA");
  const size_t before = census.MemoryBytes();
  census.Freeze();
  EXPECT_GT(before, 100000u * 16);
  EXPECT_LT(census.MemoryBytes(), 1024u);
  EXPECT_TRUE(census.MayMove("sid-1"));
  EXPECT_FALSE(census.MayMove("sid-2"));
}

}  // namespace
}  // namespace tern::correlate
