#include "core/correlate/directory.h"

#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern::correlate {
namespace {

using ::testing::ElementsAre;

Event Mailbox(std::string guid, std::string upn, std::string display = "") {
  Event e;
  e.time_ms = 1000;
  e.record_type = 2;
  e.operation = "MailboxLogin";
  e.mailbox_guid = std::move(guid);
  e.mailbox_upn = upn;
  e.actor_upn = upn;
  e.actor_display = std::move(display);
  e.logon_type = kLogonOwner;
  return e;
}

Event Cmdlet(std::string op, std::vector<NameValue> params, std::string object_id = "") {
  Event e;
  e.time_ms = 2000;
  e.record_type = 1;
  e.operation = std::move(op);
  e.actor_upn = "admin@contoso.com";
  e.parameters = std::move(params);
  e.object_id = std::move(object_id);
  return e;
}

class DirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Observe(Mailbox("GUID-CFO", "CFO@Contoso.com", "Jane Doe"));
    dir_.Observe(Mailbox("guid-adele", "AdeleV@contoso.onmicrosoft.com"));
    dir_.Observe(Mailbox("guid-bob", "bob@sub.contoso.com"));
  }
  MailboxDirectory dir_;
};

TEST_F(DirectoryTest, ResolvesUpnAliasGuidDisplayNameAndDnForms) {
  const MailboxRef cfo{"guid-cfo", "cfo@contoso.com"};
  EXPECT_EQ(dir_.Resolve("cfo@contoso.com"), cfo);
  EXPECT_EQ(dir_.Resolve("CFO"), cfo);
  EXPECT_EQ(dir_.Resolve("GUID-CFO"), cfo);
  EXPECT_EQ(dir_.Resolve("Jane Doe"), cfo);
  EXPECT_EQ(dir_.Resolve("NAMPR06A003.prod.outlook.com/Microsoft Exchange Hosted "
                         "Organizations/contoso.onmicrosoft.com/CFO"),
            cfo);
  EXPECT_EQ(dir_.Resolve("cfo@contoso.com:\\Calendar"), cfo);
  EXPECT_EQ(dir_.Resolve(".../contoso.onmicrosoft.com/AdeleV\\rule2"),
            MailboxRef({"guid-adele", "adelev@contoso.onmicrosoft.com"}));
  // Unknown identities keep their text so that reports can still name them.
  EXPECT_EQ(dir_.Resolve("mallory@evil.example"), MailboxRef({"", "mallory@evil.example"}));
  EXPECT_TRUE(dir_.Resolve("").empty());
}

TEST_F(DirectoryTest, ResolvesRealGuids) {
  MailboxDirectory d;
  d.Observe(Mailbox("03d9e949-cbc1-4dd2-b7ba-8a1d1e0207b5", "user1@contoso.com"));
  EXPECT_EQ(d.Resolve("03D9E949-CBC1-4DD2-B7BA-8A1D1E0207B5"),
            MailboxRef({"03d9e949-cbc1-4dd2-b7ba-8a1d1e0207b5", "user1@contoso.com"}));
}

TEST_F(DirectoryTest, AmbiguousAliasDoesNotResolve) {
  dir_.Observe(Mailbox("guid-cfo2", "cfo@fabrikam.com"));
  EXPECT_EQ(dir_.Resolve("cfo"), MailboxRef({"", "cfo"}));
  EXPECT_EQ(dir_.Resolve("cfo@fabrikam.com"), MailboxRef({"guid-cfo2", "cfo@fabrikam.com"}));
}

TEST_F(DirectoryTest, AdminCmdletsAttachToTheirTargetMailbox) {
  EXPECT_EQ(
      dir_.ForEvent(Cmdlet(
          "Set-Mailbox", {{"Identity", "cfo"}, {"ForwardingSmtpAddress", "smtp:x@evil.example"}})),
      MailboxRef({"guid-cfo", "cfo@contoso.com"}));
  EXPECT_EQ(dir_.ForEvent(
                Cmdlet("Add-MailboxPermission", {{"Identity", "Jane Doe"}, {"User", "mallory"}})),
            MailboxRef({"guid-cfo", "cfo@contoso.com"}));
  // ObjectId when there is no Identity parameter.
  EXPECT_EQ(dir_.ForEvent(Cmdlet("Set-Mailbox", {{"AuditEnabled", "False"}}, "contoso/CFO")),
            MailboxRef({"guid-cfo", "cfo@contoso.com"}));
  // New-InboxRule: the mailbox part of ObjectId, else the actor's own mailbox.
  Event rule = Cmdlet("New-InboxRule", {{"Name", "x"}}, "org/contoso.onmicrosoft.com/AdeleV\\x");
  EXPECT_EQ(dir_.ForEvent(rule), MailboxRef({"guid-adele", "adelev@contoso.onmicrosoft.com"}));
  Event own = Cmdlet("New-InboxRule", {{"Name", "x"}}, "x");
  own.actor_upn = "bob@sub.contoso.com";
  EXPECT_EQ(dir_.ForEvent(own), MailboxRef({"guid-bob", "bob@sub.contoso.com"}));
  // Tenant-wide cmdlets belong to no mailbox, even when a name matches an alias.
  EXPECT_TRUE(dir_.ForEvent(Cmdlet("New-TransportRule", {{"Name", "cfo"}}, "cfo")).empty());
}

TEST_F(DirectoryTest, MailboxRecordsAndSignInsAttach) {
  Event upn_only;
  upn_only.record_type = 2;
  upn_only.mailbox_upn = "CFO@contoso.com";
  EXPECT_EQ(dir_.ForEvent(upn_only), MailboxRef({"guid-cfo", "cfo@contoso.com"}));
  Event login;
  login.record_type = 15;
  login.operation = "UserLoggedIn";
  login.actor_upn = "cfo@contoso.com";
  EXPECT_EQ(dir_.ForEvent(login), MailboxRef({"guid-cfo", "cfo@contoso.com"}));
  login.actor_upn = "stranger@contoso.com";
  EXPECT_TRUE(dir_.ForEvent(login).empty());
}

TEST_F(DirectoryTest, CountsAndDomains) {
  EXPECT_EQ(dir_.mailbox_count(), 3u);
  EXPECT_THAT(dir_.OwnerDomains(),
              ElementsAre("contoso.com", "contoso.onmicrosoft.com", "sub.contoso.com"));
  EXPECT_EQ(dir_.events(), 3u);
  EXPECT_EQ(dir_.first_event(), 1000);
}

TEST_F(DirectoryTest, RestoredFromItsEntriesItAttributesTheSame) {
  Event reset;
  reset.record_type = 8;
  reset.operation = "Reset user password.";
  reset.actor_upn = "admin@contoso.com";
  reset.extra = {{"Target.ID", "User_f757cb79-dd91-4a5c-8d2f-0123456789ab"},
                 {"Target.ID", "f757cb79-dd91-4a5c-8d2f-0123456789ab"},
                 {"Target.ID", "bob@sub.contoso.com"},
                 {"Target.Type", "2"},
                 {"Target.Type", "2"},
                 {"Target.Type", "5"}};
  dir_.Observe(reset);
  absl::StatusOr<MailboxDirectory> restored = MailboxDirectory::FromEntries(dir_.Entries());
  ASSERT_TRUE(restored.ok()) << restored.status();
  const Event events[] = {
      Cmdlet("Set-Mailbox", {{"Identity", "Jane Doe"}}),
      Cmdlet("New-InboxRule", {{"Name", "q"}}, "org/contoso.onmicrosoft.com/AdeleV\\q"),
      Cmdlet("New-InboxRule", {{"Name", "q"}},
             "org/contoso.onmicrosoft.com/f757cb79-dd91-4a5c-8d2f-0123456789ab\\q"),
      Cmdlet("New-TransportRule", {{"Name", "cfo"}}, "cfo"),
      Mailbox("guid-bob", ""),
  };
  for (const Event& e : events) {
    EXPECT_EQ(restored->ForEvent(e), dir_.ForEvent(e)) << e.operation;
    EXPECT_EQ(restored->ActorFor(e), dir_.ActorFor(e)) << e.operation;
  }
  EXPECT_EQ(restored->OwnerDomains(), dir_.OwnerDomains());
  EXPECT_EQ(restored->mailbox_count(), dir_.mailbox_count());
  EXPECT_EQ(restored->Entries(), dir_.Entries());
  EXPECT_EQ(MailboxDirectory::FromEntries({{"zzz", ""}}).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(DirectoryTest, ShownMailboxUpnNamesTheMailboxAnEventConcerns) {
  // Recorded owner UPNs are shown as recorded.
  EXPECT_EQ(ShownMailboxUpn(dir_, Mailbox("guid-cfo", "CFO@Contoso.com")), "CFO@Contoso.com");
  // A record with the GUID alone, a cmdlet by its target.
  EXPECT_EQ(ShownMailboxUpn(dir_, Mailbox("GUID-BOB", "")), "bob@sub.contoso.com");
  EXPECT_EQ(ShownMailboxUpn(dir_, Cmdlet("Set-Mailbox", {{"Identity", "Jane Doe"}})),
            "cfo@contoso.com");
  // Nothing known: nothing shown (the exports keep what was recorded).
  EXPECT_EQ(ShownMailboxUpn(dir_, Mailbox("guid-unknown", "")), "");
  EXPECT_EQ(ShownMailboxUpn(dir_, Cmdlet("New-TransportRule", {{"Name", "x"}})), "");
  // A GUID only the identity directory links (an Entra ID record).
  Event reset;
  reset.record_type = 8;
  reset.actor_upn = "admin@contoso.com";
  reset.extra = {{"Target.ID", "User_0a0a0a0a-dd91-4a5c-8d2f-0123456789ab"},
                 {"Target.ID", "carol@contoso.com"},
                 {"Target.Type", "2"},
                 {"Target.Type", "5"}};
  dir_.Observe(reset);
  EXPECT_EQ(ShownMailboxUpn(dir_, Mailbox("0A0A0A0A-DD91-4A5C-8D2F-0123456789AB", "")),
            "carol@contoso.com");
}

// Events that repeat and vary every field the directories learn from:
// tenants, mailboxes, owner SIDs, actors by UPN / SID / name, user keys,
// user and logon types, Entra ID Actor / Target arrays.
std::vector<Event> VariedIdentityEvents() {
  std::mt19937 random(7);
  auto pick = [&](const std::vector<std::string>& options) {
    return options[random() % options.size()];
  };
  const std::vector<std::string> upns = {"", "a@contoso.com", "b@contoso.com", "A@Contoso.com",
                                         "c@fabrikam.com"};
  std::vector<Event> pool;
  for (int i = 0; i < 80; ++i) {
    Event e;
    e.record_type = random() % 3 == 0 ? 8 : 2;
    e.organization_id = pick({"", "tenant-1", "TENANT-1 ", "tenant-2"});
    e.mailbox_guid =
        pick({"", "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"});
    e.mailbox_upn = pick(upns);
    e.actor_upn = pick({"", "a@contoso.com", "b@contoso.com", "S-1-5-21-9", "Alice A"});
    e.actor_sid = pick({"", "S-1-5-21-1", "S-1-5-21-2"});
    e.actor_display = pick({"", "Alice A", "Bob B"});
    e.user_type = static_cast<int32_t>(random() % 5);
    e.logon_type = static_cast<int32_t>(random() % 3);
    for (const char* name : {"MailboxOwnerSid", "UserKey"}) {
      const std::string value = pick({"", "S-1-5-21-1", "S-1-5-21-2", "10037FFE00000001",
                                      "10037FFE00000002@contoso.onmicrosoft.com", "b@contoso.com"});
      if (!value.empty()) e.extra.push_back({name, value});
    }
    if (e.record_type == 8) {
      for (const char* array : {"Actor", "Target"}) {
        const std::string who = pick(upns);
        if (who.empty()) continue;
        e.extra.push_back({std::string(array) + ".ID", who});
        e.extra.push_back({std::string(array) + ".ID", pick({"10037FFE00000001", "User_0b1c"})});
        e.extra.push_back({std::string(array) + ".Type", "5"});
        e.extra.push_back({std::string(array) + ".Type", pick({"3", "2"})});
      }
    }
    pool.push_back(std::move(e));
  }
  std::vector<Event> events;
  for (int i = 0; i < 3000; ++i) {
    Event e = pool[random() % pool.size()];
    e.time_ms = i;
    events.push_back(std::move(e));
  }
  return events;
}

TEST(DirectoryLearningTest, RememberingLearnedFactsChangesNoAnswer) {
  const std::vector<Event> events = VariedIdentityEvents();
  MailboxDirectory every_time(0);
  MailboxDirectory remembering;
  MailboxDirectory forgetting_often(300);
  for (const Event& e : events) {
    every_time.Observe(e);
    remembering.Observe(e);
    forgetting_often.Observe(e);
  }
  const auto want = every_time.Entries();
  EXPECT_GT(want.size(), 20u);
  EXPECT_EQ(remembering.Entries(), want);
  EXPECT_EQ(forgetting_often.Entries(), want);
  EXPECT_EQ(remembering.events(), every_time.events());
  EXPECT_EQ(remembering.first_event(), 0);
  EXPECT_EQ(remembering.last_event(), 2999);
  // Forgetting what was learned forgets nothing the directory answers.
  remembering.FinishObserving();
  EXPECT_EQ(remembering.Entries(), want);
  for (const Event& e : events) remembering.Observe(e);
  EXPECT_EQ(remembering.Entries(), want);
}

TEST(DirectoryLearningTest, FactsDifferingInAnyFieldHaveDifferentKeys) {
  Event base = Mailbox("11111111-1111-4111-8111-111111111111", "a@contoso.com", "Alice");
  base.extra = {{"MailboxOwnerSid", "S-1"}, {"UserKey", "K"},   {"Actor.ID", "x"},
                {"Actor.Type", "5"},        {"Target.ID", "y"}, {"Target.Type", "5"}};
  const std::string key = IdentityFacts::Of(base).Key();
  std::vector<Event> variants(14, base);
  variants[0].organization_id = "t";
  variants[1].mailbox_guid += "0";
  variants[2].mailbox_upn += "m";
  variants[3].actor_upn += "m";
  variants[4].actor_sid = "S-2";
  variants[5].actor_display += "e";
  variants[6].user_type = 2;
  variants[7].logon_type = kLogonDelegate;
  for (size_t i = 0; i < base.extra.size(); ++i) variants[8 + i].extra[i].value += "z";
  for (const Event& v : variants) EXPECT_NE(IdentityFacts::Of(v).Key(), key);
  // What the directories do not read leaves the key alone.
  Event other = base;
  other.time_ms = 5;
  other.operation = "Send";
  other.client_ip = "1.2.3.4";
  other.extra.push_back({"ClientInfoString", "OWA"});
  EXPECT_EQ(IdentityFacts::Of(other).Key(), key);
}

TEST(ActorMemoTest, AnswersAsActorForForEveryEvent) {
  const std::vector<Event> events = VariedIdentityEvents();
  MailboxDirectory directory;
  for (const Event& e : events) directory.Observe(e);
  ActorMemo memo(&directory);
  size_t linked = 0;
  for (const Event& e : events) {
    ASSERT_EQ(memo.For(e), directory.ActorFor(e)) << e.actor_upn << " " << e.actor_sid;
    linked += directory.ActorFor(e) != ActorOf(e);
  }
  EXPECT_GT(linked, 0u);
}

TEST(OrgDomainsTest, InternalExternalAndTenantDomains) {
  OrgDomains org({"Contoso.com", "*.fabrikam.com"});
  EXPECT_THAT(
      org.domains(),
      ElementsAre("contoso.com", "contoso.mail.onmicrosoft.com", "contoso.onmicrosoft.com",
                  "fabrikam.com", "fabrikam.mail.onmicrosoft.com", "fabrikam.onmicrosoft.com"));
  EXPECT_TRUE(org.IsInternal("contoso.com"));
  EXPECT_TRUE(org.IsInternal("EU.Contoso.com"));
  EXPECT_TRUE(org.IsInternal("contoso.mail.onmicrosoft.com"));
  EXPECT_FALSE(org.IsInternal("evilcontoso.com"));
  EXPECT_FALSE(org.IsInternal("contoso.com.evil.example"));
  EXPECT_TRUE(org.IsExternalAddress("x@gmail.com"));
  EXPECT_FALSE(org.IsExternalAddress("x@contoso.com"));
  EXPECT_FALSE(org.IsExternalAddress("John Smith"));
}

TEST(ActorTest, ActorAndSystemPrincipals) {
  Event e;
  e.actor_upn = "Alice@Contoso.com";
  EXPECT_EQ(ActorOf(e), "alice@contoso.com");
  EXPECT_FALSE(IsSystemPrincipal(e));
  e.actor_upn = "NT AUTHORITY\\SYSTEM (Microsoft.Exchange.ServiceHost)";
  EXPECT_TRUE(IsSystemPrincipal(e));
  e.actor_upn = "S-1-5-18";
  EXPECT_TRUE(IsSystemPrincipal(e));
  e.actor_upn = "bob@contoso.com";
  e.user_type = 4;
  EXPECT_TRUE(IsSystemPrincipal(e));
  e.user_type = 0;
  e.logon_type = kLogonTransport;
  EXPECT_TRUE(IsSystemPrincipal(e));
}

}  // namespace
}  // namespace tern::correlate
