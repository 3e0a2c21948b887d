#include "core/model/finding.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern {
namespace {

using ::testing::HasSubstr;

uint64_t Bits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, sizeof(b));
  return b;
}

TEST(SeverityTest, NamesMatchTheFindingsContract) {
  EXPECT_EQ(SeverityName(Severity::kInfo), "info");
  EXPECT_EQ(SeverityName(Severity::kLow), "low");
  EXPECT_EQ(SeverityName(Severity::kMedium), "medium");
  EXPECT_EQ(SeverityName(Severity::kHigh), "high");
  EXPECT_EQ(SeverityName(Severity::kCritical), "critical");
}

Session FullSession() {
  Session s;
  s.id = "S-0123456789ab";
  s.mailbox_guid = "guid";
  s.mailbox_upn = "bob@contoso.example";
  s.actor = "alice@contoso.example";
  s.client_ip = "203.0.113.9";
  s.session_id = "sess";
  s.start = -1000;
  s.end = 1700000000123;
  s.events = 77;
  s.operations = {{"MailItemsAccessed", 70}, {"Send", 7}};
  s.logon_types = {-1, 0, 2};
  s.client_infos = {"Client=OWA"};
  s.folders = {"\\Inbox", "\\Archive"};
  s.items = 1234;
  s.first_seen_ip = true;
  s.geo.known = true;
  s.geo.country_iso = "DE";
  s.geo.country = "Germany";
  s.geo.city = "Berlin";
  s.geo.latitude = 52.520008;
  s.geo.longitude = -0.0;
  s.geo.accuracy_km = -3;
  s.geo.asn = 4294967295u;
  s.geo.as_org = "Example AS";
  return s;
}

void ExpectSessionsEqual(const Session& a, const Session& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.mailbox_guid, b.mailbox_guid);
  EXPECT_EQ(a.mailbox_upn, b.mailbox_upn);
  EXPECT_EQ(a.actor, b.actor);
  EXPECT_EQ(a.client_ip, b.client_ip);
  EXPECT_EQ(a.session_id, b.session_id);
  EXPECT_EQ(a.start, b.start);
  EXPECT_EQ(a.end, b.end);
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.operations, b.operations);
  EXPECT_EQ(a.logon_types, b.logon_types);
  EXPECT_EQ(a.client_infos, b.client_infos);
  EXPECT_EQ(a.folders, b.folders);
  EXPECT_EQ(a.items, b.items);
  EXPECT_EQ(a.first_seen_ip, b.first_seen_ip);
  EXPECT_EQ(a.geo.known, b.geo.known);
  EXPECT_EQ(a.geo.country_iso, b.geo.country_iso);
  EXPECT_EQ(a.geo.country, b.geo.country);
  EXPECT_EQ(a.geo.city, b.geo.city);
  // Bit patterns, so -0.0 and NaN payloads count.
  EXPECT_EQ(Bits(a.geo.latitude), Bits(b.geo.latitude));
  EXPECT_EQ(Bits(a.geo.longitude), Bits(b.geo.longitude));
  EXPECT_EQ(a.geo.accuracy_km, b.geo.accuracy_km);
  EXPECT_EQ(a.geo.asn, b.geo.asn);
  EXPECT_EQ(a.geo.as_org, b.geo.as_org);
}

TEST(SessionCodecTest, RoundTripsEveryFieldBitExactly) {
  const Session s = FullSession();
  absl::StatusOr<Session> got = DecodeSession(EncodeSession(s));
  ASSERT_TRUE(got.ok()) << got.status();
  ExpectSessionsEqual(*got, s);
  EXPECT_TRUE(std::signbit(got->geo.longitude));
}

TEST(SessionCodecTest, RoundTripsSpecialDoubles) {
  Session s;
  s.geo.latitude = std::numeric_limits<double>::quiet_NaN();
  s.geo.longitude = std::numeric_limits<double>::denorm_min();
  absl::StatusOr<Session> got = DecodeSession(EncodeSession(s));
  ASSERT_TRUE(got.ok()) << got.status();
  ExpectSessionsEqual(*got, s);
  s.geo.latitude = -std::numeric_limits<double>::infinity();
  s.geo.longitude = 0.1 + 0.2;
  got = DecodeSession(EncodeSession(s));
  ASSERT_TRUE(got.ok()) << got.status();
  ExpectSessionsEqual(*got, s);
}

TEST(SessionCodecTest, EveryPrefixIsDataLoss) {
  const std::string bytes = EncodeSession(FullSession());
  for (size_t n = 0; n < bytes.size(); ++n) {
    absl::StatusOr<Session> got = DecodeSession(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(got.ok()) << "prefix of " << n << " bytes decoded";
    EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss);
  }
}

Finding FullFinding() {
  Finding f;
  f.id = "F-0001";
  f.rule = "inbox-rule-forward-external";
  f.severity = Severity::kCritical;
  f.title = "Inbox rule forwards to an external address";
  f.attack = {"T1114.003", "T1564.008"};
  f.mailbox_guid = "guid";
  f.mailbox_upn = "bob@contoso.example";
  f.actor = "alice@contoso.example";
  f.client_ips = {"198.51.100.1", "2001:db8::2"};
  f.first_seen = -7;
  f.last_seen = 1700000000000;
  f.sessions = {"S-1", "S-2"};
  f.details_json = R"({"forward_to":"x@evil.example"})";
  f.evidence = {{"rid-1", 3, 10, -7}, {"rid-2", 4, 0, 1700000000000}};
  return f;
}

void ExpectFindingsEqual(const Finding& a, const Finding& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.rule, b.rule);
  EXPECT_EQ(a.severity, b.severity);
  EXPECT_EQ(a.title, b.title);
  EXPECT_EQ(a.attack, b.attack);
  EXPECT_EQ(a.mailbox_guid, b.mailbox_guid);
  EXPECT_EQ(a.mailbox_upn, b.mailbox_upn);
  EXPECT_EQ(a.actor, b.actor);
  EXPECT_EQ(a.client_ips, b.client_ips);
  EXPECT_EQ(a.first_seen, b.first_seen);
  EXPECT_EQ(a.last_seen, b.last_seen);
  EXPECT_EQ(a.sessions, b.sessions);
  EXPECT_EQ(a.details_json, b.details_json);
  EXPECT_EQ(a.evidence, b.evidence);
}

TEST(FindingCodecTest, RoundTripsEveryField) {
  const Finding f = FullFinding();
  absl::StatusOr<Finding> got = DecodeFinding(EncodeFinding(f));
  ASSERT_TRUE(got.ok()) << got.status();
  ExpectFindingsEqual(*got, f);

  const Finding empty;
  got = DecodeFinding(EncodeFinding(empty));
  ASSERT_TRUE(got.ok()) << got.status();
  ExpectFindingsEqual(*got, empty);
  EXPECT_EQ(got->details_json, "{}");
}

TEST(FindingCodecTest, EveryPrefixIsDataLoss) {
  const std::string bytes = EncodeFinding(FullFinding());
  for (size_t n = 0; n < bytes.size(); ++n) {
    absl::StatusOr<Finding> got = DecodeFinding(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(got.ok()) << "prefix of " << n << " bytes decoded";
    EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss);
  }
}

TEST(FindingCodecTest, SeverityOutOfRangeIsDataLoss) {
  Finding f;
  f.severity = static_cast<Severity>(9);
  absl::StatusOr<Finding> got = DecodeFinding(EncodeFinding(f));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("severity"));
}

TEST(FindingCodecTest, SessionBytesAreRejectedOrDecodeWithoutCrashing) {
  // Feeding one type's bytes to another decoder exercises arbitrary layouts.
  const std::string s = EncodeSession(FullSession());
  for (size_t n = 0; n <= s.size(); ++n) (void)DecodeFinding(std::string_view(s).substr(0, n));
  const std::string f = EncodeFinding(FullFinding());
  for (size_t n = 0; n <= f.size(); ++n) (void)DecodeSession(std::string_view(f).substr(0, n));
}

}  // namespace
}  // namespace tern
