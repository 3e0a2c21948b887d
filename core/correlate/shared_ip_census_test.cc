#include "core/correlate/shared_ip_census.h"

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/correlate/directory.h"
#include "gtest/gtest.h"

namespace tern::correlate {
namespace {

// RecordType numbers (DETECTIONS.md section 0.1).
constexpr int32_t kExchangeAdmin = 1;
constexpr int32_t kExchangeItem = 2;
constexpr int32_t kAadStsLogon = 15;

Event MailboxEvent(std::string guid, std::string upn) {
  Event e;
  e.record_type = kExchangeItem;
  e.operation = "MailItemsAccessed";
  e.mailbox_guid = std::move(guid);
  e.mailbox_upn = std::move(upn);
  return e;
}

TEST(SharedIpCensusTest, KeepsOnlyIpsSeenWithSeveralMailboxInputs) {
  SharedIpCensus census;
  for (int i = 0; i < 1000; ++i) {
    // A mobile address per mailbox, several events each: never shared.
    const std::string ip = absl::StrCat("198.51.", i / 256, ".", i % 256);
    const std::string inputs = absl::StrCat("m\x1fguid-", i, "\x1fuser", i, "@contoso.com");
    census.Observe(static_cast<uint32_t>(i), ip, inputs);
    census.Observe(static_cast<uint32_t>(i), ip, inputs);
    census.Observe(static_cast<uint32_t>(i), ip, "");  // an event of no mailbox
  }
  census.Observe(2000, "203.0.113.9", "m\x1fguid-a\x1f");
  census.Observe(2000, "203.0.113.9", "m\x1fguid-b\x1f");
  census.Observe(2000, "203.0.113.9", "m\x1fguid-c\x1f");
  census.Freeze();
  EXPECT_EQ(census.shared(), 1u);
  EXPECT_TRUE(census.MayBeShared("203.0.113.9"));
  EXPECT_FALSE(census.MayBeShared("198.51.0.7"));
  EXPECT_FALSE(census.MayBeShared("192.0.2.1"));  // never observed
}

TEST(MailboxInputsTest, SameInputsSameTextAndNoneForEventsOfNoMailbox) {
  const Event a = MailboxEvent("guid-a", "a@contoso.com");
  EXPECT_EQ(MailboxDirectory::MailboxInputs(a), MailboxDirectory::MailboxInputs(a));
  EXPECT_NE(MailboxDirectory::MailboxInputs(a),
            MailboxDirectory::MailboxInputs(MailboxEvent("guid-a", "alias@contoso.com")));
  EXPECT_NE(MailboxDirectory::MailboxInputs(a),
            MailboxDirectory::MailboxInputs(MailboxEvent("guid-b", "a@contoso.com")));

  // A mailbox-scoped cmdlet: decided by its Identity parameter (and more).
  Event cmdlet;
  cmdlet.record_type = kExchangeAdmin;
  cmdlet.operation = "Set-Mailbox";
  cmdlet.parameters = {{"Identity", "alice"}};
  Event other = cmdlet;
  other.parameters = {{"Identity", "bob"}};
  EXPECT_NE(MailboxDirectory::MailboxInputs(cmdlet), "");
  EXPECT_NE(MailboxDirectory::MailboxInputs(cmdlet), MailboxDirectory::MailboxInputs(other));

  // A sign-in: the actor's own mailbox.
  Event signin;
  signin.record_type = kAadStsLogon;
  signin.actor_upn = "a@contoso.com";
  EXPECT_NE(MailboxDirectory::MailboxInputs(signin), "");

  // A tenant-wide cmdlet, and a record of no mailbox.
  Event tenant_wide;
  tenant_wide.record_type = kExchangeAdmin;
  tenant_wide.operation = "New-TransportRule";
  EXPECT_EQ(MailboxDirectory::MailboxInputs(tenant_wide), "");
  EXPECT_EQ(MailboxDirectory::MailboxInputs(Event{}), "");
}

}  // namespace
}  // namespace tern::correlate
