// mass-deletion and sent-then-deleted: positive and negative cases through
// Analyze().
#include <string>
#include <vector>

#include "core/detect/detect_test_util.h"

namespace tern::detect::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kMass[] = "mass-deletion";
constexpr char kSent[] = "sent-then-deleted";

class DeletionTest : public AnalyzerTest {
 protected:
  void SetUp() override { Baseline("cfo@contoso.com", kOfficeIp); }

  // A group deletion record with `n` affected items.
  Event Delete(TimeMs t, std::string op, int n, std::string ip = kEvilIp) {
    Event e = OwnerEvent(t, std::move(op), "cfo@contoso.com", std::move(ip));
    e.record_type = 3;
    e.folders = {"\\Inbox"};
    for (int i = 0; i < n; ++i) {
      e.items.push_back({"Message " + std::to_string(i), "\\Inbox", "", "", -1});
    }
    return e;
  }
};

TEST_F(DeletionTest, HundredItemsWithinAnHourIsHigh) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(Push(Delete(kAfterBaseline + i * 10 * kMinute, "SoftDelete", 20)).record_id);
  }
  auto f = OfRule(Run(), kMass);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_EQ(f[0].mailbox_upn, "cfo@contoso.com");
  EXPECT_EQ(AnchorIds(f[0]), ids);
  EXPECT_THAT(f[0].details_json, HasSubstr("\"items\":100"));
  EXPECT_THAT(f[0].details_json, HasSubstr("\"max_items_in_window\":100"));
}

TEST_F(DeletionTest, HardDeletePurgeIsCritical) {
  for (int i = 0; i < 2; ++i) Push(Delete(kAfterBaseline + i * kMinute, "HardDelete", 60));
  auto f = OfRule(Run(), kMass);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kCritical);
}

TEST_F(DeletionTest, SlowOrSmallDeletionIsNotMass) {
  // 100 items, but spread over more than an hour; and a lowered threshold
  // shows the same events do count when the window allows it.
  for (int i = 0; i < 5; ++i)
    Push(Delete(kAfterBaseline + i * 20 * kMinute, "MoveToDeletedItems", 20));
  EXPECT_THAT(OfRule(Run(), kMass), IsEmpty());
  AnalyzeOptions wide;
  wide.mass_delete_window_ms = 2 * kHour;
  EXPECT_EQ(OfRule(Run(wide), kMass).size(), 1u);
}

TEST_F(DeletionTest, SystemRetentionDeletionsDoNotCount) {
  for (int i = 0; i < 3; ++i) {
    Event e = Delete(kAfterBaseline + i * kMinute, "HardDelete", 50, "");
    e.actor_upn = "NT AUTHORITY\\SYSTEM (Microsoft.Exchange.ServiceHost)";
    e.logon_type = kLogonSystemService;
    Push(e);
  }
  EXPECT_THAT(OfRule(Run(), kMass), IsEmpty());
}

TEST_F(DeletionTest, DeletedSecurityNotificationIsMedium) {
  Event e = Delete(kAfterBaseline, "MoveToDeletedItems", 0);
  e.items = {{"Security alert: new device added to your account", "\\Inbox", "", "", -1}};
  const Event& pushed = Push(e);
  Event signin = Delete(kAfterBaseline + kHour, "MoveToDeletedItems", 0);
  signin.items = {{"New sign-in from a new device", "\\Inbox", "", "", -1}};
  Push(signin);
  auto f = OfRule(Run(), kMass);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);
  EXPECT_THAT(AnchorIds(f[0]), ElementsAre(pushed.record_id));
}

TEST_F(DeletionTest, SentThenDeletedInTheSameSessionIsHigh) {
  Event send = OwnerEvent(kAfterBaseline, "Send", "cfo@contoso.com", kEvilIp);
  send.session_id = "sess-a";
  send.items = {{"Invoice 4711", "\\Sent Items", "<abc@contoso.com>", "", -1}};
  const Event& s = Push(send);
  Event del = OwnerEvent(kAfterBaseline + 4 * kMinute, "HardDelete", "cfo@contoso.com", kEvilIp);
  del.record_type = 3;
  del.session_id = "sess-a";
  del.items = {{"Invoice 4711", "\\Sent Items", "<ABC@contoso.com>", "", -1}};
  const Event& d = Push(del);
  auto f = OfRule(Run(), kSent);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_EQ(f[0].mailbox_upn, "cfo@contoso.com");
  EXPECT_THAT(AnchorIds(f[0]), ElementsAre(s.record_id, d.record_id));
  EXPECT_THAT(f[0].details_json, HasSubstr("\"max_seconds_to_delete\":240"));
}

TEST_F(DeletionTest, LateOrUnrelatedDeletionsAreNotSentThenDeleted) {
  Event send = OwnerEvent(kAfterBaseline, "Send", "cfo@contoso.com", kEvilIp);
  send.items = {{"Invoice 4711", "\\Sent Items", "<abc@contoso.com>", "", -1}};
  Push(send);
  // Too late.
  Event late = OwnerEvent(kAfterBaseline + 45 * kMinute, "SoftDelete", "cfo@contoso.com", kEvilIp);
  late.items = {{"Invoice 4711", "\\Sent Items", "<abc@contoso.com>", "", -1}};
  Push(late);
  // Same subject in the Inbox (a reply received), not the sent message.
  Event inbox = OwnerEvent(kAfterBaseline + kMinute, "SoftDelete", "cfo@contoso.com", kEvilIp);
  inbox.items = {{"Invoice 4711", "\\Inbox", "<other@vendor.example>", "", -1}};
  Push(inbox);
  // Another context (IP and session) deleting it.
  Event other =
      OwnerEvent(kAfterBaseline + 2 * kMinute, "SoftDelete", "cfo@contoso.com", kOfficeIp);
  other.items = {{"Invoice 4711", "\\Sent Items", "<abc@contoso.com>", "", -1}};
  Push(other);
  EXPECT_THAT(OfRule(Run(), kSent), IsEmpty());
}

}  // namespace
}  // namespace tern::detect::testing
