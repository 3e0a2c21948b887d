#include "core/correlate/sessionizer.h"

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern::correlate {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

constexpr TimeMs kT0 = 1700000000000;  // 2023-11-14T22:13:20Z
constexpr TimeMs kMin = 60 * 1000;

Event Ev(TimeMs t, std::string op, std::string ip, std::string session = "") {
  Event e;
  e.time_ms = t;
  e.record_id = "r" + std::to_string(t);
  e.operation = std::move(op);
  e.actor_upn = "alice@contoso.com";
  e.mailbox_guid = "guid-alice";
  e.mailbox_upn = "alice@contoso.com";
  e.client_ip = std::move(ip);
  e.session_id = std::move(session);
  e.logon_type = kLogonOwner;
  return e;
}

class SessionizerTest : public ::testing::Test {
 protected:
  Sessionizer::Assignment Add(const Event& e) {
    s_.Advance(e.time_ms, [&](Session s) { closed_.push_back(std::move(s)); });
    return s_.Add(e, MailboxRef{"guid-alice", "alice@contoso.com"}, "alice@contoso.com", {});
  }
  void Finish() {
    s_.Finish([&](Session s) { closed_.push_back(std::move(s)); });
  }

  Sessionizer s_{30 * kMin};
  std::vector<Session> closed_;
};

TEST_F(SessionizerTest, InactivityGapSplitsSessions) {
  auto a = Add(Ev(kT0, "MailItemsAccessed", "81.2.69.142"));
  auto b = Add(Ev(kT0 + 29 * kMin, "Send", "81.2.69.142"));
  auto c = Add(Ev(kT0 + 29 * kMin + 30 * kMin + 1, "MailItemsAccessed", "81.2.69.142"));
  Finish();
  EXPECT_EQ(a.id, b.id);
  EXPECT_NE(a.id, c.id);
  ASSERT_EQ(closed_.size(), 2u);
  EXPECT_EQ(closed_[0].id, a.id);
  EXPECT_EQ(closed_[0].start, kT0);
  EXPECT_EQ(closed_[0].end, kT0 + 29 * kMin);
  EXPECT_EQ(closed_[0].events, 2u);
  EXPECT_THAT(closed_[0].operations, ElementsAre(Pair("MailItemsAccessed", 1), Pair("Send", 1)));
  EXPECT_THAT(closed_[0].logon_types, ElementsAre(kLogonOwner));
  EXPECT_EQ(closed_[1].id, c.id);
  EXPECT_EQ(closed_[1].events, 1u);
  // The IP was new for the mailbox in the first session only.
  EXPECT_TRUE(closed_[0].first_seen_ip);
  EXPECT_FALSE(closed_[1].first_seen_ip);
}

TEST_F(SessionizerTest, IpFirstSeenKeepsEverySpellingApart) {
  // Canonical addresses are kept as bytes, anything else as text: each
  // spelling is still its own IP, exactly as a text key would keep it.
  const std::vector<std::string> ips = {"81.2.69.142",  "::ffff:81.2.69.142", "2001:db8::1",
                                        "2001:DB8::1",  "cool.client.local",  "81.2.69.142x",
                                        "2001:db8::1:0"};
  for (size_t i = 0; i < ips.size(); ++i) {
    const auto a = Add(Ev(kT0 + static_cast<TimeMs>(i) * kMin, "MailItemsAccessed", ips[i]));
    EXPECT_TRUE(a.event_first_seen_ip) << ips[i];
    EXPECT_EQ(a.ip_first_seen, kT0 + static_cast<TimeMs>(i) * kMin) << ips[i];
  }
  const auto again = Add(Ev(kT0 + 60 * kMin, "Send", "2001:db8::1"));
  EXPECT_FALSE(again.event_first_seen_ip);
  EXPECT_EQ(again.ip_first_seen, kT0 + 2 * kMin);
  for (size_t i = 0; i < ips.size(); ++i) {
    EXPECT_EQ(s_.IpFirstSeen(ips[i]), kT0 + static_cast<TimeMs>(i) * kMin) << ips[i];
    EXPECT_EQ(s_.IpFirstSeen("guid-alice", ips[i]), kT0 + static_cast<TimeMs>(i) * kMin) << ips[i];
  }
  EXPECT_EQ(s_.IpFirstSeen("2001:db8::2"), kNoTime);
  EXPECT_EQ(s_.IpFirstSeen("other.host"), kNoTime);
  EXPECT_EQ(s_.IpFirstSeen(""), kNoTime);
  Finish();
  s_.ReleaseAllButIpFirstSeen();
  EXPECT_EQ(s_.IpFirstSeen("cool.client.local"), kT0 + 4 * kMin);
  EXPECT_EQ(s_.IpFirstSeen("2001:db8::1:0"), kT0 + 6 * kMin);
}

TEST_F(SessionizerTest, SessionIdSplitsConcurrentActivityFromOneIp) {
  auto a = Add(Ev(kT0, "MailItemsAccessed", "81.2.69.142", "sess-1"));
  auto b = Add(Ev(kT0 + kMin, "MailItemsAccessed", "81.2.69.142", "sess-2"));
  auto c = Add(Ev(kT0 + 2 * kMin, "Send", "81.2.69.142", "sess-1"));
  Finish();
  EXPECT_NE(a.id, b.id);
  EXPECT_EQ(a.id, c.id);
  ASSERT_EQ(closed_.size(), 2u);
  EXPECT_EQ(closed_[0].session_id, "sess-2");  // closed first: earlier last event
  EXPECT_EQ(closed_[1].session_id, "sess-1");
  EXPECT_EQ(closed_[1].events, 2u);
}

TEST_F(SessionizerTest, FirstSeenIpIsPerMailboxAndIp) {
  auto home = Add(Ev(kT0, "MailItemsAccessed", "81.2.69.142"));
  auto office = Add(Ev(kT0 + kMin, "MailItemsAccessed", "89.160.20.112"));
  auto home_again = Add(Ev(kT0 + 2 * kMin, "Send", "81.2.69.142"));
  EXPECT_TRUE(home.event_first_seen_ip);
  EXPECT_TRUE(office.event_first_seen_ip);
  EXPECT_FALSE(home_again.event_first_seen_ip);
  EXPECT_TRUE(home_again.session_first_seen_ip);  // same session as the first event
  EXPECT_EQ(home_again.ip_first_seen, kT0);
  EXPECT_EQ(s_.IpFirstSeen("guid-alice", "89.160.20.112"), kT0 + kMin);
  EXPECT_EQ(s_.IpFirstSeen("guid-bob", "89.160.20.112"), kNoTime);

  // Another mailbox seeing the same IP is first-seen for that mailbox.
  Event bob = Ev(kT0 + 3 * kMin, "MailItemsAccessed", "81.2.69.142");
  bob.mailbox_guid = "guid-bob";
  auto b = s_.Add(bob, MailboxRef{"guid-bob", "bob@contoso.com"}, "bob@contoso.com", {});
  EXPECT_TRUE(b.event_first_seen_ip);
}

TEST_F(SessionizerTest, EventsWithoutIpNeverCountAsFirstSeen) {
  auto a = Add(Ev(kT0, "MailItemsAccessed", ""));
  EXPECT_FALSE(a.event_first_seen_ip);
  EXPECT_EQ(a.ip_first_seen, kNoTime);
}

TEST_F(SessionizerTest, CollectsFoldersClientsAndItems) {
  Event e = Ev(kT0, "MailItemsAccessed", "81.2.69.142");
  e.folders = {"\\Inbox", "\\Archive"};
  e.client_info = "Client=MSExchangeRPC";
  e.extra.push_back({"OperationCount", "7"});
  Add(e);
  Event f = Ev(kT0 + kMin, "SoftDelete", "81.2.69.142");
  f.items = {{"a", "\\Inbox", "<1@x>", "", -1}, {"b", "\\Sent Items", "<2@x>", "", -1}};
  f.client_info = "Client=OWA;Mozilla/5.0";
  Add(f);
  Finish();
  ASSERT_EQ(closed_.size(), 1u);
  EXPECT_EQ(closed_[0].items, 9u);
  EXPECT_THAT(closed_[0].folders, ElementsAre("\\Archive", "\\Inbox", "\\Sent Items"));
  EXPECT_THAT(closed_[0].client_infos,
              ElementsAre("Client=MSExchangeRPC", "Client=OWA;Mozilla/5.0"));
}

// The analysis gives the sessionizer the IPs its first pass froze; every
// answer must be the one the sessionizer finds on its own.
TEST(SessionizerCatalogTest, AFrozenFirstPassCatalogGivesTheSameAnswers) {
  const std::vector<std::string> mailboxes = {"guid-alice", "guid-bob", "guid-carol"};
  const std::vector<std::string> ips = {"81.2.69.142", "89.160.20.112", "2001:db8::1",
                                        "2001:DB8::1", "host.example",  ""};
  std::mt19937 random(3);
  std::vector<Event> events;
  for (int i = 0; i < 400; ++i) {
    Event e = Ev(kT0 + i * 7 * kMin / 3, "MailItemsAccessed", ips[random() % ips.size()]);
    e.mailbox_guid = mailboxes[random() % mailboxes.size()];
    events.push_back(std::move(e));
  }
  IpCatalog catalog;
  for (const Event& e : events) {
    if (!e.client_ip.empty()) catalog.FindOrAdd(e.client_ip, e.time_ms);
  }
  catalog.Freeze();
  Sessionizer alone(30 * kMin);
  Sessionizer given(30 * kMin, std::move(catalog));
  std::vector<std::string> closed_alone;
  std::vector<std::string> closed_given;
  for (const Event& e : events) {
    const MailboxRef mailbox{e.mailbox_guid, ""};
    alone.Advance(e.time_ms, [&](Session s) { closed_alone.push_back(s.id); });
    given.Advance(e.time_ms, [&](Session s) { closed_given.push_back(s.id); });
    const auto a = alone.Add(e, mailbox, "alice@contoso.com", {});
    const auto b = given.Add(e, mailbox, "alice@contoso.com", {});
    ASSERT_EQ(a.id, b.id);
    EXPECT_EQ(a.start, b.start);
    EXPECT_EQ(a.session_first_seen_ip, b.session_first_seen_ip);
    EXPECT_EQ(a.event_first_seen_ip, b.event_first_seen_ip) << e.record_id;
    EXPECT_EQ(a.ip_first_seen, b.ip_first_seen) << e.record_id;
  }
  int pairs_seen = 0;
  for (const std::string& mailbox : mailboxes) {
    for (const std::string& ip : ips) {
      EXPECT_EQ(alone.IpFirstSeen(mailbox, ip), given.IpFirstSeen(mailbox, ip));
      pairs_seen += alone.IpFirstSeen(mailbox, ip) != kNoTime;
    }
  }
  EXPECT_EQ(pairs_seen, 15);  // every mailbox with every IP but the empty one
  alone.Finish([&](Session s) { closed_alone.push_back(s.id); });
  given.Finish([&](Session s) { closed_given.push_back(s.id); });
  EXPECT_EQ(closed_alone, closed_given);
  alone.ReleaseAllButIpFirstSeen();
  given.ReleaseAllButIpFirstSeen();
  for (const std::string& ip : ips) EXPECT_EQ(alone.IpFirstSeen(ip), given.IpFirstSeen(ip)) << ip;
  EXPECT_NE(given.IpFirstSeen("host.example"), kNoTime);
}

// 200,000 sessions hold a few pairs of ids with the same first 8 hex digits
// (about n^2 / 2^33): each later one is salted, and no two sessions share
// an id. Without the salt retry this fails on the shared prefixes.
TEST_F(SessionizerTest, SaltsIdsWhosePrefixWasGivenOut) {
  constexpr int kSessions = 200000;
  absl::flat_hash_set<std::string> ids;
  int salted = 0;
  for (int i = 0; i < kSessions; ++i) {
    const std::string ip = "10." + std::to_string(i >> 16) + "." + std::to_string(i >> 8 & 255) +
                           "." + std::to_string(i & 255);
    const TimeMs t = kT0 + i;
    const Sessionizer::Assignment a = Add(Ev(t, "MailItemsAccessed", ip));
    ASSERT_TRUE(ids.insert(a.id).second) << a.id;
    if (a.id != MakeSessionId("guid-alice", ip, "alice@contoso.com", "", t)) ++salted;
  }
  EXPECT_GE(salted, 1);
  EXPECT_LE(salted, 20);
}

TEST(SessionIdTest, StableFormatAndInputsMatter) {
  const std::string id = MakeSessionId("guid-alice", "81.2.69.142", "alice@contoso.com", "", kT0);
  ASSERT_EQ(id.size(), 14u);
  EXPECT_EQ(id.substr(0, 2), "S-");
  EXPECT_EQ(id, MakeSessionId("guid-alice", "81.2.69.142", "alice@contoso.com", "", kT0));
  EXPECT_NE(id, MakeSessionId("guid-alice", "81.2.69.142", "alice@contoso.com", "", kT0 + 1));
  EXPECT_NE(id, MakeSessionId("guid-alice", "81.2.69.143", "alice@contoso.com", "", kT0));
  EXPECT_NE(id, MakeSessionId("guid-alice", "81.2.69.142", "alice@contoso.com", "", kT0, 1));
  // FNV-1a reference values: empty input and "a".
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
}

}  // namespace
TEST(SessionIdTest, ValueAndTextRoundTrip) {
  const std::string id = MakeSessionId("mbx", "203.0.113.7", "a@x.test", "rs", 1700000000000);
  const std::optional<uint64_t> value = SessionIdValue(id);
  ASSERT_TRUE(value.has_value());
  EXPECT_LT(*value, uint64_t{1} << 48);
  EXPECT_EQ(SessionIdText(*value), id);
  EXPECT_EQ(SessionIdText(0), "S-000000000000");
  EXPECT_EQ(SessionIdValue("S-0000000000ff"), 255u);
}

TEST(SessionIdTest, OtherTextHasNoValue) {
  EXPECT_FALSE(SessionIdValue("S-0000000000FF").has_value());  // upper case is not its form
  EXPECT_FALSE(SessionIdValue("S-00000000000").has_value());
  EXPECT_FALSE(SessionIdValue("S-0000000000000").has_value());
  EXPECT_FALSE(SessionIdValue("X-000000000000").has_value());
  EXPECT_FALSE(SessionIdValue("S-00000000000g").has_value());
  EXPECT_FALSE(SessionIdValue("").has_value());
}

}  // namespace tern::correlate
