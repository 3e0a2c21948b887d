#include "core/correlate/shared_ip_census.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
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

TEST(SharedIpCensusTest, ObservesEventsByTheirMailboxInputs) {
  SharedIpCensus census;
  auto from = [](std::string ip, Event e) {
    e.client_ip = std::move(ip);
    return e;
  };
  census.Observe(0, from("192.0.2.1", MailboxEvent("guid-a", "a@contoso.com")));
  census.Observe(0, from("192.0.2.1", MailboxEvent("guid-a", "a@contoso.com")));
  census.Observe(0, from("192.0.2.1", Event{}));  // of no mailbox
  census.Observe(1, from("192.0.2.2", MailboxEvent("guid-a", "a@contoso.com")));
  census.Observe(1, from("192.0.2.2", MailboxEvent("guid-b", "b@contoso.com")));
  census.Observe(1, from("192.0.2.2", MailboxEvent("guid-c", "c@contoso.com")));
  census.Freeze();
  EXPECT_FALSE(census.MayBeShared("192.0.2.1"));
  EXPECT_TRUE(census.MayBeShared("192.0.2.2"));
  EXPECT_EQ(census.shared(), 1u);
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

// MailboxInputs mirrors ForEvent's branches by hand. Over every combination
// of the fields either reads (and two neither reads), events with the same
// inputs must get the same mailbox, and events with none no mailbox: else the
// census could call an IP unshared that carries two mailboxes.
TEST(MailboxInputsTest, EventsWithTheSameInputsGetTheSameMailbox) {
  MailboxDirectory directory;
  for (const auto& [guid, upn, tenant, display] :
       {std::tuple{"guid-a", "alice@contoso.com", "t1", "Alice A"},
        std::tuple{"guid-b", "bob@contoso.com", "t1", "Bob B"},
        std::tuple{"guid-c", "alice@fabrikam.com", "t2", "Alice F"}}) {
    Event e = MailboxEvent(guid, upn);
    e.organization_id = tenant;
    e.logon_type = kLogonOwner;
    e.actor_upn = upn;
    e.actor_display = display;
    directory.Observe(e);
  }

  // Each field with the values it takes; every combination is one event.
  using Setter = std::function<void(Event&, const std::string&)>;
  const std::vector<std::pair<std::vector<std::string>, Setter>> fields = {
      {{"", "guid-a"}, [](Event& e, const std::string& v) { e.mailbox_guid = v; }},
      {{"", "bob@contoso.com"}, [](Event& e, const std::string& v) { e.mailbox_upn = v; }},
      {{"1", "2", "15"}, [](Event& e, const std::string& v) { e.record_type = std::stoi(v); }},
      {{"Set-Mailbox", "New-InboxRule", "MailItemsAccessed", "UserLoggedIn"},
       [](Event& e, const std::string& v) { e.operation = v; }},
      {{"", "T1", "t2"}, [](Event& e, const std::string& v) { e.organization_id = v; }},
      {{"", "alice", "alice\\Rule1", "Rule1"},
       [](Event& e, const std::string& v) { e.object_id = v; }},
      {{"", "alice@contoso.com", "bob@contoso.com"},
       [](Event& e, const std::string& v) { e.actor_upn = v; }},
      {{"", "bob", "Alice A"},
       [](Event& e, const std::string& v) {
         if (!v.empty()) e.parameters.push_back({"Identity", v});
       }},
      {{"", "alice"},
       [](Event& e, const std::string& v) {
         if (!v.empty()) e.parameters.push_back({"Mailbox", v});
       }},
      // Read by neither.
      {{"", "S-1-5-21-7"}, [](Event& e, const std::string& v) { e.actor_sid = v; }},
      {{"", "203.0.113.5"}, [](Event& e, const std::string& v) { e.client_ip = v; }},
  };
  size_t combinations = 1;
  for (const auto& [values, set] : fields) combinations *= values.size();

  std::map<std::string, std::pair<MailboxRef, int>> by_inputs;  // first mailbox, events
  for (size_t n = 0; n < combinations; ++n) {
    Event e;
    size_t rest = n;
    for (const auto& [values, set] : fields) {
      set(e, values[rest % values.size()]);
      rest /= values.size();
    }
    const std::string inputs = MailboxDirectory::MailboxInputs(e);
    const MailboxRef ref = directory.ForEvent(e);
    if (inputs.empty()) {
      ASSERT_TRUE(ref.empty()) << "no inputs, yet mailbox " << ref.key() << " for " << e.operation
                               << " on " << e.object_id;
      continue;
    }
    auto [it, added] = by_inputs.try_emplace(inputs, ref, 0);
    ++it->second.second;
    ASSERT_EQ(it->second.first, ref) << "inputs " << absl::CHexEscape(inputs);
  }
  // Not a degenerate corpus: many texts, and most shared by several events.
  EXPECT_GT(by_inputs.size(), 300u);
  int shared = 0;
  for (const auto& [inputs, first] : by_inputs) shared += first.second > 1 ? 1 : 0;
  EXPECT_GT(shared, static_cast<int>(by_inputs.size()) / 2) << combinations << " events";
}

}  // namespace
}  // namespace tern::correlate
