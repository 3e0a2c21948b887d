#include "core/detect/remembered.h"

#include <string>

#include "core/detect/incident.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern::detect {
namespace {

using ::testing::ElementsAre;

const EvidenceAnchor kAnchor{"038b5782-ebed-417c-85fc-8a3e848654d9", 2, 31, 1700000000000};

TEST(RememberedTest, GivesBackTheIpAndSessionInEveryForm) {
  // Canonical IPs and tern session ids are packed; anything else is kept
  // as text; empty stays empty.
  for (const std::string ip :
       {"192.0.2.7", "2001:db8::1", "", "mail.contoso.com", "2001:DB8::1", "192.0.2.7:443"}) {
    for (const std::string session : {"S-0123456789ab", "", "S-0123456789AB", "abc"}) {
      const Remembered r(kAnchor, ip, session);
      EXPECT_EQ(r.ip(), ip);
      EXPECT_EQ(r.session(), session);
      EXPECT_EQ(r.time_ms(), kAnchor.time_ms);
      EXPECT_EQ(r.HasIp(ip), !ip.empty());
      EXPECT_FALSE(r.HasIp("198.51.100.1"));
      const Remembered copy = r;
      EXPECT_EQ(copy.ip(), ip);
      EXPECT_EQ(copy.session(), session);
    }
  }
}

// Rules keep one per event of their windows: the packing is the point.
TEST(RememberedTest, StaysPacked) {
  EXPECT_LE(sizeof(PackedAnchor), 48u);
  EXPECT_LE(sizeof(Remembered), 80u);
}

TEST(RememberedTest, AnIpv4AndItsMappedFormAreDifferentIps) {
  const Remembered r(kAnchor, "192.0.2.7", "");
  EXPECT_FALSE(r.HasIp("::ffff:192.0.2.7"));
  EXPECT_FALSE(r.HasIp(""));
}

TEST(RememberedTest, AddsItsEventToAnIncident) {
  Incident inc(&CatalogEntry("send-as"), /*max_anchors=*/10);
  const Remembered a(kAnchor, "2001:db8::1", "S-00000000002a");
  const Remembered b(EvidenceAnchor{"R-other", 0, 9, 1700000000500}, "", "rec-session");
  a.AddTo(inc);
  b.AddTo(inc);
  a.AddTo(inc);  // the same record counts once
  inc.Raise(Severity::kHigh);
  const Finding f = inc.Build();
  ASSERT_EQ(f.evidence.size(), 2u);
  EXPECT_EQ(f.evidence[0], kAnchor);
  EXPECT_EQ(f.evidence[1], (EvidenceAnchor{"R-other", 0, 9, 1700000000500}));
  EXPECT_THAT(f.client_ips, ElementsAre("2001:db8::1"));
  EXPECT_THAT(f.sessions, ElementsAre("S-00000000002a", "rec-session"));
  EXPECT_EQ(f.details_json, "{\"event_count\":2}");
}

TEST(RememberedTest, OfAnEventKeepsItsAnchorIpAndSession) {
  Event e;
  e.record_id = "R-7";
  e.time_ms = 1700000001234;
  e.client_ip = "2001:db8::9";
  e.provenance.evidence = 5;
  e.provenance.line = 77;
  EventContext ctx;
  ctx.event = &e;
  ctx.session = "S-0000000000ff";
  const Remembered r = Remembered::Of(ctx);
  EXPECT_EQ(r.ip(), "2001:db8::9");
  EXPECT_EQ(r.session(), "S-0000000000ff");
  Incident inc(&CatalogEntry("send-as"), /*max_anchors=*/10);
  r.AddTo(inc);
  inc.Raise(Severity::kHigh);
  const Finding f = inc.Build();
  ASSERT_EQ(f.evidence.size(), 1u);
  EXPECT_EQ(f.evidence[0], ctx.anchor());
}

}  // namespace
}  // namespace tern::detect
