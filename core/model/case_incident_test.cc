#include "core/model/case_incident.h"

#include <string>

#include "gtest/gtest.h"

namespace tern {
namespace {

CaseIncident Full() {
  CaseIncident c;
  c.id = "I-001";
  c.severity = Severity::kHigh;
  c.title = "john.doe@northwind.example compromised";
  c.identities = {"john.doe@northwind.example"};
  c.other_identities = {"mary@northwind.example"};
  c.mailboxes = {{"2c7e4f1a", "john.doe@northwind.example"}};
  IncidentIp ip;
  ip.ip = "175.16.199.30";
  ip.geo.known = true;
  ip.geo.country_iso = "CN";
  ip.geo.asn = 4134;
  c.attacker_ips = {ip};
  c.first_seen = 1715333470000;
  c.last_seen = 1715334690000;
  c.findings = {"F-0001", "F-0003"};
  c.tactics = {"initial-access", "defense-evasion"};
  c.sign_ins = 1;
  c.failed_sign_ins = 2;
  c.timeline = {{"New-InboxRule",
                 "john.doe@northwind.example",
                 "john.doe@northwind.example",
                 "175.16.199.30",
                 "rule 'q'",
                 {"rec-1", 3, 7, 1715333775000}}};
  c.timeline_events = 20;
  c.exposure = {{"accessed",
                 "john.doe@northwind.example",
                 "\\Inbox",
                 "<m@x>",
                 "Hello",
                 "",
                 {"rec-2", 3, 9, 1715333580000}}};
  c.exposure_items = 5;
  c.counts.messages_accessed = 3;
  c.counts.folders_synced = {"\\Inbox"};
  c.counts.messages_sent = 1;
  c.counts.items_deleted = 1;
  c.counts.rules_created = 12;
  c.counts.throttled_records = 1;
  return c;
}

TEST(CaseIncidentCodecTest, RoundTripsEveryField) {
  const CaseIncident c = Full();
  absl::StatusOr<CaseIncident> got = DecodeCaseIncident(EncodeCaseIncident(c));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(EncodeCaseIncident(*got), EncodeCaseIncident(c));
  EXPECT_EQ(got->attacker_ips[0].geo.asn, 4134u);
  EXPECT_EQ(got->timeline[0].anchor.line, 7u);
  EXPECT_EQ(got->exposure[0].message_id, "<m@x>");
  EXPECT_EQ(got->counts.rules_created, 12u);
}

TEST(CaseIncidentCodecTest, TruncatedBytesAreDataLossNotACrash) {
  const std::string bytes = EncodeCaseIncident(Full());
  for (size_t n = 0; n < bytes.size(); ++n) {
    absl::StatusOr<CaseIncident> got = DecodeCaseIncident(bytes.substr(0, n));
    EXPECT_FALSE(got.ok()) << n;
  }
  EXPECT_FALSE(DecodeCaseIncident(bytes + "x").ok());
}

}  // namespace
}  // namespace tern
