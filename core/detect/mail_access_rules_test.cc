// mailitemsaccessed-throttled and mailitemsaccessed-sync-bulk: positive and
// negative cases through Analyze().
#include <string>
#include <vector>

#include "core/detect/detect_test_util.h"

namespace tern::detect::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kThrottled[] = "mailitemsaccessed-throttled";
constexpr char kSync[] = "mailitemsaccessed-sync-bulk";

class MailAccessTest : public AnalyzerTest {
 protected:
  void SetUp() override { Baseline("cfo@contoso.com", kOfficeIp); }

  Event Access(TimeMs t, std::string type, std::string ip, std::string folder,
               std::string actor = "cfo@contoso.com", int32_t logon = kLogonOwner) {
    Event e = MailboxEvent(t, "MailItemsAccessed", "cfo@contoso.com", std::move(actor),
                           std::move(ip), logon);
    e.client_info = "Client=MSExchangeRPC";
    e.operation_properties = {{"MailAccessType", std::move(type)}, {"IsThrottled", "False"}};
    e.folders = {std::move(folder)};
    return e;
  }
};

TEST_F(MailAccessTest, ThrottlingOpensOneBlindWindowFinding) {
  Event a = Access(kAfterBaseline, "Bind", kOfficeIp, "\\Inbox");
  a.operation_properties[1].value = "True";
  const Event& first = Push(a);
  Event b = Access(kAfterBaseline + 2 * kHour, "Bind", kOfficeIp, "\\Inbox");
  b.operation_properties[1].value = "True";
  const Event& second = Push(b);
  Event c = Access(kAfterBaseline + 30 * kHour, "Bind", kOfficeIp, "\\Inbox");
  c.operation_properties[1].value = "True";
  Push(c);
  auto f = OfRule(Run(), kThrottled);
  ASSERT_EQ(f.size(), 2u);  // the third event starts a new 24-hour window
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_EQ(f[0].mailbox_upn, "cfo@contoso.com");
  EXPECT_THAT(AnchorIds(f[0]), ElementsAre(first.record_id, second.record_id));
  EXPECT_THAT(f[0].details_json, HasSubstr("\"blind_until\":\"2024-03-13T00:00:00Z\""));
}

TEST_F(MailAccessTest, UnthrottledAccessIsNotThrottled) {
  Push(Access(kAfterBaseline, "Bind", kOfficeIp, "\\Inbox"));
  EXPECT_THAT(OfRule(Run(), kThrottled), IsEmpty());
}

TEST_F(MailAccessTest, SyncFromANewNetworkIsLowWithANewClientMedium) {
  Event known = Access(kAfterBaseline, "Sync", kEvilIp, "\\Inbox");
  known.client_info = "Client=OWA;Mozilla/5.0 (Windows NT 10.0; Win64; x64)";  // the owner's
  Push(known);
  auto f = OfRule(Run(), kSync);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kLow);
  EXPECT_THAT(f[0].details_json, HasSubstr("network 192.0.2.0/24 new for the identity"));
  events_.clear();
  Baseline("cfo@contoso.com", kOfficeIp);
  const Event& e = Push(Access(kAfterBaseline, "Sync", kEvilIp, "\\Inbox"));
  f = OfRule(Run(), kSync);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);
  EXPECT_THAT(AnchorIds(f[0]), ElementsAre(e.record_id));
  EXPECT_EQ(f[0].sessions.size(), 1u);
  EXPECT_THAT(f[0].details_json, HasSubstr("\"synced_folders\":[\"\\\\Inbox\"]"));
}

TEST_F(MailAccessTest, SyncFromAttackerContextIsCritical) {
  Push(Access(kAfterBaseline, "Sync", kEvilIp, "\\Inbox"));
  Push(Cmdlet(kAfterBaseline + kMinute, "New-InboxRule", "cfo@contoso.com", kEvilIp,
              {{"Name", "x"}, {"ForwardTo", "drop@evil.example"}}));
  auto f = OfRule(Run(), kSync);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kCritical);
  EXPECT_THAT(f[0].details_json, HasSubstr("\"attacker_context\":true"));
}

TEST_F(MailAccessTest, ManyFoldersByANonOwnerIsHighByTheOwnerLow) {
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) {
    ids.push_back(Push(Access(kDay0 + 2 * kDay + i * kMinute, "Sync", kOfficeIp,
                              "\\Folder" + std::to_string(i), "it-admin@contoso.com", kLogonAdmin))
                      .record_id);
  }
  for (int i = 0; i < 10; ++i) {
    Push(Access(kDay0 + 3 * kDay + i * kMinute, "Sync", kOfficeIp, "\\Folder" + std::to_string(i)));
  }
  auto f = OfRule(Run(), kSync);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_EQ(f[0].actor, "it-admin@contoso.com");
  EXPECT_EQ(AnchorIds(f[0]), ids);  // all ten Sync records of the session
  EXPECT_EQ(f[1].severity, Severity::kLow);
  EXPECT_EQ(f[1].actor, "cfo@contoso.com");
}

TEST_F(MailAccessTest, FewFoldersFromAKnownIpIsNothing) {
  for (int i = 0; i < 9; ++i) {
    Push(Access(kAfterBaseline + i * kMinute, "Sync", kOfficeIp, "\\Folder" + std::to_string(i)));
  }
  Event bind = Access(kAfterBaseline, "Bind", kOfficeIp, "\\Inbox");
  bind.extra = {{"OperationCount", "12"}};
  Push(bind);
  EXPECT_THAT(OfRule(Run(), kSync), IsEmpty());
}

TEST_F(MailAccessTest, LargeBindRecordIsMediumFromNewIpHigh) {
  Event big = Access(kAfterBaseline, "Bind", kOfficeIp, "\\Inbox");
  big.extra = {{"OperationCount", "150"}};
  Push(big);
  Event evil = Access(kAfterBaseline + kDay, "Bind", kEvilIp, "\\Inbox");
  evil.extra = {{"OperationCount", "150"}};
  Push(evil);
  auto f = OfRule(Run(), kSync);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);
  EXPECT_THAT(f[0].details_json, HasSubstr("\"max_operation_count\":150"));
  EXPECT_EQ(f[1].severity, Severity::kHigh);
  EXPECT_THAT(f[1].client_ips, ElementsAre(kEvilIp));
}

TEST_F(MailAccessTest, OneAppReadingManyMailboxesIsHigh) {
  for (int i = 0; i < 6; ++i) {
    const std::string owner = "user" + std::to_string(i) + "@contoso.com";
    Event e = MailboxEvent(kAfterBaseline + i * kMinute, "MailItemsAccessed", owner,
                           "app@contoso.com", kEvilIp, kLogonAdmin);
    e.app_id = "00000003-0000-0000-c000-000000000000";
    e.client_app_id = "4761b959-9780-4c2d-87a3-512b4638f767";
    e.client_info = "Client=REST;;";
    e.operation_properties = {{"MailAccessType", "Bind"}};
    Push(e);
  }
  std::vector<Finding> all = Run();
  std::vector<Finding> api;
  for (const Finding& f : OfRule(all, kSync)) {
    if (f.details_json.find("client_app_id") != std::string::npos) api.push_back(f);
  }
  ASSERT_EQ(api.size(), 1u);
  EXPECT_EQ(api[0].severity, Severity::kHigh);
  EXPECT_EQ(api[0].evidence.size(), 6u);
  EXPECT_THAT(api[0].details_json, HasSubstr("\"mailboxes_in_window\":6"));
  // Six mailboxes are not more than six.
  AnalyzeOptions options;
  options.api_mailboxes = 6;
  for (const Finding& f : OfRule(Run(options), kSync)) {
    EXPECT_EQ(f.details_json.find("client_app_id"), std::string::npos);
  }
}

}  // namespace
}  // namespace tern::detect::testing
