// delegate-access and send-as: positive and negative cases through Analyze().
#include <string>
#include <vector>

#include "core/detect/detect_test_util.h"

namespace tern::detect::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kDelegate[] = "delegate-access";
constexpr char kSendAs[] = "send-as";

class AccessTest : public AnalyzerTest {
 protected:
  void SetUp() override {
    Baseline("ceo@contoso.com", kOfficeIp);
    Baseline("cfo@contoso.com", kOfficeIp);
    Baseline("assistant@contoso.com", kOfficeIp);
  }
  Event Delegate(TimeMs t, std::string op, std::string owner, std::string actor, std::string ip,
                 std::string folder) {
    Event e = MailboxEvent(t, std::move(op), std::move(owner), std::move(actor), std::move(ip),
                           kLogonDelegate);
    e.folders = {std::move(folder)};
    return e;
  }
};

TEST_F(AccessTest, LongStandingDelegateReadingACalendarIsInfo) {
  for (int d = 0; d < 10; ++d) {
    Push(Delegate(kDay0 + d * kDay + 10 * kHour, "MailItemsAccessed", "ceo@contoso.com",
                  "assistant@contoso.com", kOfficeIp, "\\Calendar"));
  }
  auto f = OfRule(Run(), kDelegate);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kInfo);
  EXPECT_EQ(f[0].mailbox_upn, "ceo@contoso.com");
  EXPECT_EQ(f[0].actor, "assistant@contoso.com");
  EXPECT_EQ(f[0].evidence.size(), 10u);
  EXPECT_THAT(f[0].details_json, HasSubstr("long-standing"));
}

TEST_F(AccessTest, NewDelegateIsMediumAndHighAcrossMailboxes) {
  Push(Delegate(kAfterBaseline, "MailItemsAccessed", "ceo@contoso.com", "assistant@contoso.com",
                kEvilIp, "\\Inbox"));
  auto f = OfRule(Run(), kDelegate);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);

  // Entry 39: the same actor newly reading a second mailbox.
  Push(Delegate(kAfterBaseline + kHour, "MailItemsAccessed", "cfo@contoso.com",
                "assistant@contoso.com", kEvilIp, "\\Inbox"));
  f = OfRule(Run(), kDelegate);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_EQ(f[1].severity, Severity::kHigh);
  EXPECT_THAT(f[0].details_json, HasSubstr("\"new_mailboxes_read\":2"));
}

TEST_F(AccessTest, AccessAfterAGrantInTheCaseIsHigh) {
  Push(Cmdlet(kAfterBaseline, "Add-MailboxPermission", "admin@contoso.com", kEvilIp,
              {{"Identity", "cfo"}, {"User", "assistant"}, {"AccessRights", "FullAccess"}}));
  const Event& read = Push(Delegate(kAfterBaseline + kHour, "FolderBind", "cfo@contoso.com",
                                    "assistant@contoso.com", kEvilIp, "\\Inbox"));
  auto f = OfRule(Run(), kDelegate);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_THAT(AnchorIds(f[0]), ElementsAre(read.record_id));
}

TEST_F(AccessTest, OwnerAdminCmdletsAndSystemAccessAreNotDelegateAccess) {
  Push(Cmdlet(kAfterBaseline, "Set-Mailbox", "admin@contoso.com", kOfficeIp,
              {{"Identity", "cfo"}, {"ProhibitSendQuota", "49GB"}}));
  Event system =
      MailboxEvent(kAfterBaseline, "Create", "ceo@contoso.com", "S-1-5-18", "::1", kLogonAdmin);
  system.client_info = "Client=WebServices;Action=ConfigureGroupMailbox";
  Push(system);
  Push(OwnerEvent(kAfterBaseline, "MailItemsAccessed", "cfo@contoso.com", kHomeIp));
  EXPECT_THAT(OfRule(Run(), kDelegate), IsEmpty());
}

TEST_F(AccessTest, LongStandingDelegateSendingOnBehalfIsLow) {
  for (int d = 0; d < 10; ++d) {
    Event e = MailboxEvent(kDay0 + d * kDay + 11 * kHour, "SendOnBehalf", "ceo@contoso.com",
                           "assistant@contoso.com", kOfficeIp, kLogonDelegate);
    e.extra = {{"SendOnBehalfOfUserSmtp", "ceo@contoso.com"}};
    Push(e);
  }
  auto f = OfRule(Run(), kSendAs);
  ASSERT_EQ(f.size(), 1u);  // routine: one finding for the case
  EXPECT_EQ(f[0].severity, Severity::kLow);
  EXPECT_EQ(f[0].evidence.size(), 10u);
  EXPECT_EQ(f[0].actor, "assistant@contoso.com");
  EXPECT_THAT(f[0].details_json, HasSubstr("\"send_on_behalf\":10"));
  EXPECT_THAT(f[0].details_json, HasSubstr("\"sent_on_behalf_of\":[\"ceo@contoso.com\"]"));
}

TEST_F(AccessTest, SendAsBurstByNewSenderIsHigh) {
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) {
    Event e = MailboxEvent(kAfterBaseline + i * kMinute, "SendAs", "cfo@contoso.com",
                           "mallory@contoso.com", kEvilIp, kLogonDelegate);
    e.extra = {{"SendAsUserSmtp", "cfo@contoso.com"}};
    e.items = {{"Urgent wire", "\\Sent Items", "", "", -1}};
    ids.push_back(Push(e).record_id);
  }
  auto f = OfRule(Run(), kSendAs);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_EQ(f[0].mailbox_upn, "cfo@contoso.com");
  EXPECT_EQ(AnchorIds(f[0]), ids);
  EXPECT_THAT(f[0].details_json, HasSubstr("\"send_as\":10"));
}

TEST_F(AccessTest, SingleSendAsByNewSenderIsMediumAfterGrantHigh) {
  Push(MailboxEvent(kAfterBaseline, "SendAs", "cfo@contoso.com", "mallory@contoso.com", kEvilIp,
                    kLogonDelegate));
  auto f = OfRule(Run(), kSendAs);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kMedium);
  Push(Cmdlet(
      kAfterBaseline - kHour, "Add-RecipientPermission", "admin@contoso.com", kEvilIp,
      {{"Identity", "cfo"}, {"Trustee", "mallory@contoso.com"}, {"AccessRights", "SendAs"}}));
  f = OfRule(Run(), kSendAs);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
}

TEST_F(AccessTest, OrdinarySendsAreNotSendAs) {
  Push(OwnerEvent(kAfterBaseline, "Send", "cfo@contoso.com", kOfficeIp));
  Push(MailboxEvent(kAfterBaseline, "SendAs", "cfo@contoso.com", "mallory@contoso.com", kEvilIp,
                    kLogonDelegate))
      .result_status = "Failed";
  EXPECT_THAT(OfRule(Run(), kSendAs), IsEmpty());
}

}  // namespace
}  // namespace tern::detect::testing
