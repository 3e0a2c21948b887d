// LoadActivity over a real case store with more IPs than it keeps: the rows
// kept are those report.html ranks first (findings, severity, events, then
// address), each aggregated over all its events; and SessionGeo gives rows
// and finding IPs the geo facts of their first session.
#include "reports/activity.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace tern {
namespace {

using ::testing::ElementsAre;

constexpr TimeMs kT0 = 1709690400000;  // 2024-03-06T02:00:00Z
constexpr TimeMs kMinute = 60000;
constexpr int kQuietIps = static_cast<int>(kActivityRowsKept) + 100;

std::string QuietIp(int i) {
  return "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256);
}

class ActivityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = CaseStore::Open(tmp_.path() + "/store", StoreMode::kReadWrite);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  void Add(const std::string& ip, const std::string& guid, const std::string& upn,
           const std::string& client, TimeMs t) {
    Event e;
    e.record_id = "r" + std::to_string(next_++);
    e.time_ms = t;
    e.operation = "MailItemsAccessed";
    e.client_ip = ip;
    e.mailbox_guid = guid;
    e.mailbox_upn = upn;
    e.actor_upn = upn;
    e.client_info = client;
    e.provenance = {1, next_, next_};
    ASSERT_TRUE(store_->AddEvent(e, "{}").ok());
  }

  // One event from each of kQuietIps addresses, five from 172.16.0.9 and
  // one from 192.168.77.1 (the address a finding names).
  void AddEvents() {
    for (int i = 0; i < kQuietIps; ++i) {
      const std::string n = std::to_string(i % 7);
      Add(QuietIp(i), "g" + n, "user" + n + "@x.example", "quiet", kT0 + i * kMinute);
    }
    for (int i = 0; i < 5; ++i) {
      const std::string n = std::to_string(i % 3);
      Add("172.16.0.9", "g" + n, "user" + n + "@x.example", i < 2 ? "agent-b" : "agent-a",
          kT0 - i * kMinute);
    }
    Add("192.168.77.1", "", "USER1@x.example", "curl", kT0 + kMinute);
    ASSERT_TRUE(store_->Commit().ok());
  }

  testing::TempDir tmp_;
  std::unique_ptr<CaseStore> store_;
  uint64_t next_ = 1;
};

const IpActivity* FindIp(const Activity& a, const std::string& ip) {
  for (const IpActivity& row : a.ips) {
    if (row.ip == ip) return &row;
  }
  return nullptr;
}

TEST_F(ActivityTest, KeepsTheRowsTheReportRanksFirstWithAllTheirEvents) {
  AddEvents();
  Finding f;
  f.id = "F-0001";
  f.severity = Severity::kHigh;
  f.client_ips = {"192.168.77.1"};
  auto activity = LoadActivity(*store_, {f});
  ASSERT_TRUE(activity.ok()) << activity.status();

  EXPECT_EQ(activity->ip_count, static_cast<uint64_t>(kQuietIps) + 2);
  ASSERT_EQ(activity->ips.size(), kActivityRowsKept);
  EXPECT_TRUE(std::is_sorted(activity->ips.begin(), activity->ips.end(),
                             [](const IpActivity& a, const IpActivity& b) { return a.ip < b.ip; }));
  // The finding's address first, then the busiest, then the quiet ones with
  // the smallest addresses.
  std::vector<std::string> quiet;
  for (int i = 0; i < kQuietIps; ++i) quiet.push_back(QuietIp(i));
  std::sort(quiet.begin(), quiet.end());
  quiet.resize(kActivityRowsKept - 2);
  quiet.push_back("172.16.0.9");
  quiet.push_back("192.168.77.1");
  std::sort(quiet.begin(), quiet.end());
  std::vector<std::string> kept;
  for (const IpActivity& row : activity->ips) kept.push_back(row.ip);
  EXPECT_EQ(kept, quiet);

  const IpActivity* busy = FindIp(*activity, "172.16.0.9");
  ASSERT_NE(busy, nullptr);
  EXPECT_EQ(busy->events, 5u);
  EXPECT_EQ(busy->first, kT0 - 4 * kMinute);
  EXPECT_EQ(busy->last, kT0);
  EXPECT_THAT(busy->mailboxes.values,
              ElementsAre("user0@x.example", "user1@x.example", "user2@x.example"));
  EXPECT_THAT(busy->client_infos.values, ElementsAre("agent-a", "agent-b"));
  EXPECT_FALSE(busy->client_infos.more);

  // The UPN-only event folds into user1's GUID-keyed mailbox.
  EXPECT_EQ(activity->mailbox_count, 7u);
  ASSERT_EQ(activity->mailboxes.size(), 7u);
  const MailboxActivity& user1 = activity->mailboxes[1];
  EXPECT_EQ(user1.guid, "g1");
  EXPECT_EQ(user1.upn, "user1@x.example");
  uint64_t quiet_of_user1 = 0;
  for (int i = 0; i < kQuietIps; ++i) quiet_of_user1 += i % 7 == 1 ? 1 : 0;
  EXPECT_EQ(user1.events, quiet_of_user1 + 2 + 1);
  EXPECT_TRUE(user1.ips.more);
  EXPECT_EQ(user1.ips.values.size(), kMaxListedValues);
}

TEST_F(ActivityTest, WithoutFindingsTheBusiestAddressesAreKept) {
  AddEvents();
  auto activity = LoadActivity(*store_, {});
  ASSERT_TRUE(activity.ok()) << activity.status();
  ASSERT_EQ(activity->ips.size(), kActivityRowsKept);
  EXPECT_NE(FindIp(*activity, "172.16.0.9"), nullptr);
  // 192.168.77.1 has one event like the quiet ones and sorts after them all.
  EXPECT_EQ(FindIp(*activity, "192.168.77.1"), nullptr);
}

TEST(SessionGeoTest, RowsAndFindingIpsGetTheGeoOfTheirFirstSessionWithAny) {
  Activity activity;
  activity.ips.resize(2);
  activity.ips[0].ip = "10.0.0.1";
  activity.ips[1].ip = "10.0.0.2";
  Finding f;
  f.client_ips = {"10.0.0.2", "203.0.113.5"};
  GeoInfo none;
  GeoInfo de;
  de.known = true;
  de.country_iso = "DE";
  GeoInfo fr = de;
  fr.country_iso = "FR";
  SessionGeo geo(activity, {f});
  geo.Add("10.0.0.2", none);
  geo.Add("10.0.0.2", de);
  geo.Add("10.0.0.2", fr);
  geo.Add("203.0.113.5", fr);
  geo.Add("198.51.100.7", de);  // neither a row nor named by a finding
  EXPECT_FALSE(activity.ips[0].geo.known);
  EXPECT_EQ(activity.ips[1].geo.country_iso, "DE");
  ASSERT_EQ(activity.finding_ip_geo.size(), 2u);
  EXPECT_EQ(activity.finding_ip_geo["10.0.0.2"].country_iso, "DE");
  EXPECT_EQ(activity.finding_ip_geo["203.0.113.5"].country_iso, "FR");
}

TEST(RankRowTest, FindingsThenSeverityThenEvents) {
  std::vector<Finding> findings(2);
  findings[0].severity = Severity::kLow;
  findings[1].severity = Severity::kCritical;
  EXPECT_GT(RankRow(findings, {0}, 1), RankRow(findings, {}, 1000));
  EXPECT_GT(RankRow(findings, {0, 1}, 1), RankRow(findings, {0}, 1000));
  EXPECT_GT(RankRow(findings, {}, 2), RankRow(findings, {}, 1));
}

}  // namespace
}  // namespace tern
