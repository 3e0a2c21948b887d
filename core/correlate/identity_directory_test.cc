#include "core/correlate/identity_directory.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern::correlate {
namespace {

constexpr char kContoso[] = "9f8e7d6c-5b4a-4392-8170-6e5d4c3b2a19";
constexpr char kFabrikam[] = "11111111-2222-4333-8444-555555555555";

Event MailboxRecord(std::string tenant, std::string guid, std::string upn, std::string puid,
                    std::string sid) {
  Event e;
  e.record_type = 2;
  e.operation = "MailboxLogin";
  e.organization_id = std::move(tenant);
  e.mailbox_guid = std::move(guid);
  e.mailbox_upn = upn;
  e.actor_upn = upn;
  e.actor_sid = std::move(sid);
  e.logon_type = kLogonOwner;
  e.user_type = 0;
  e.extra.push_back({"UserKey", std::move(puid)});
  return e;
}

// "Reset user password." as Entra ID writes it: the admin in Actor, the
// user in Target, each as UPN, PUID, User_<object id> and object id.
Event ResetPassword(std::string tenant) {
  Event e;
  e.record_type = 8;
  e.operation = "Reset user password.";
  e.organization_id = std::move(tenant);
  e.actor_upn = "admin@contoso.example";
  e.user_type = 0;
  e.extra = {{"Actor.ID", "admin@contoso.example"},
             {"Actor.ID", "10037FFEAAAA0001"},
             {"Actor.ID", "User_0b1c2d3e-0000-4000-8000-000000000001"},
             {"Actor.ID", "0b1c2d3e-0000-4000-8000-000000000001"},
             {"Actor.Type", "5"},
             {"Actor.Type", "3"},
             {"Actor.Type", "2"},
             {"Actor.Type", "2"},
             {"Target.ID", "User_F757CB79-DD91-4A5C-8D2F-0123456789AB"},
             {"Target.ID", "f757cb79-dd91-4a5c-8d2f-0123456789ab"},
             {"Target.ID", "JohnD@contoso.example"},
             {"Target.ID", "10032001C0FFEE01"},
             {"Target.Type", "2"},
             {"Target.Type", "2"},
             {"Target.Type", "5"},
             {"Target.Type", "3"},
             {"UserKey", "10037FFEAAAA0001@contoso.onmicrosoft.com"}};
  return e;
}

TEST(IdentityDirectoryTest, EntraTargetLinksObjectIdAndPuidToTheUpn) {
  IdentityDirectory dir;
  dir.Observe(ResetPassword(kContoso));
  EXPECT_EQ(dir.UpnOf(kContoso, "f757cb79-dd91-4a5c-8d2f-0123456789ab"), "johnd@contoso.example");
  EXPECT_EQ(dir.UpnOf(kContoso, "User_f757cb79-dd91-4a5c-8d2f-0123456789ab"),
            "johnd@contoso.example");
  EXPECT_EQ(dir.UpnOf(kContoso, "{F757CB79-DD91-4A5C-8D2F-0123456789AB}"), "johnd@contoso.example");
  EXPECT_EQ(dir.UpnOf(kContoso, "10032001C0FFEE01"), "johnd@contoso.example");
  // The actor array links the admin's own ids, not the target's.
  EXPECT_EQ(dir.UpnOf(kContoso, "0b1c2d3e-0000-4000-8000-000000000001"), "admin@contoso.example");
  EXPECT_EQ(dir.UpnOf(kContoso, "10037ffeaaaa0001"), "admin@contoso.example");
  // The PUID@tenant form of UserKey is the PUID, not a second UPN.
  EXPECT_EQ(dir.UpnOf(kContoso, "admin"), "admin@contoso.example");
  EXPECT_THAT(dir.IdentifiersOf(kContoso, "admin@contoso.example"),
              ::testing::Not(::testing::Contains("10037ffeaaaa0001@contoso.onmicrosoft.com")));
  EXPECT_THAT(dir.IdentifiersOf(kContoso, "JohnD@contoso.example"),
              ::testing::ElementsAre("10032001c0ffee01", "f757cb79-dd91-4a5c-8d2f-0123456789ab",
                                     "johnd@contoso.example"));
}

TEST(IdentityDirectoryTest, MailboxRecordsLinkGuidPuidSidAndAlias) {
  IdentityDirectory dir;
  dir.Observe(MailboxRecord(kContoso, "5a0c9d2e-6b1f-4c1e-9a77-3e2f1d0c4b21",
                            "AdeleV@contoso.example", "10037FFE8A2B3C01", "S-1-5-21-1-2-3-1004"));
  EXPECT_EQ(dir.UpnOf(kContoso, "5A0C9D2E-6B1F-4C1E-9A77-3E2F1D0C4B21"), "adelev@contoso.example");
  EXPECT_EQ(dir.UpnOf(kContoso, "10037FFE8A2B3C01"), "adelev@contoso.example");
  EXPECT_EQ(dir.UpnOf(kContoso, "S-1-5-21-1-2-3-1004"), "adelev@contoso.example");
  EXPECT_EQ(dir.UpnOf(kContoso, "AdeleV"), "adelev@contoso.example");
  EXPECT_EQ(dir.UpnOf(kContoso, "nobody"), "");
}

TEST(IdentityDirectoryTest, TwoTenantsWithTheSameAliasAreNeverJoined) {
  IdentityDirectory dir;
  dir.Observe(MailboxRecord(kContoso, "5a0c9d2e-6b1f-4c1e-9a77-3e2f1d0c4b21",
                            "AdeleV@contoso.example", "10037FFE8A2B3C01", "S-1-5-21-1-2-3-1004"));
  dir.Observe(MailboxRecord(kFabrikam, "6b0c9d2e-6b1f-4c1e-9a77-3e2f1d0c4b22",
                            "AdeleV@fabrikam.example", "10037FFE8A2B3C99", "S-1-5-21-9-9-9-1004"));
  EXPECT_EQ(dir.tenant_count(), 2u);
  EXPECT_EQ(dir.UpnOf(kContoso, "adelev"), "adelev@contoso.example");
  EXPECT_EQ(dir.UpnOf(kFabrikam, "adelev"), "adelev@fabrikam.example");
  // A record without a tenant cannot tell which AdeleV it means.
  EXPECT_EQ(dir.UpnOf("", "adelev"), "");
  // ... but a name only one tenant knows still resolves.
  EXPECT_EQ(dir.UpnOf("", "10037FFE8A2B3C99"), "adelev@fabrikam.example");
  // Another tenant's PUID does not resolve from contoso.
  EXPECT_EQ(dir.UpnOf(kContoso, "10037FFE8A2B3C99"), "");
}

TEST(IdentityDirectoryTest, AliasSharedByTwoPeopleInOneTenantIsAmbiguous) {
  IdentityDirectory dir;
  dir.Observe(MailboxRecord(kContoso, "5a0c9d2e-6b1f-4c1e-9a77-3e2f1d0c4b21", "jo@contoso.example",
                            "10037FFE8A2B3C01", ""));
  dir.Observe(MailboxRecord(kContoso, "6b0c9d2e-6b1f-4c1e-9a77-3e2f1d0c4b22",
                            "jo@sales.contoso.example", "10037FFE8A2B3C02", ""));
  EXPECT_EQ(dir.UpnOf(kContoso, "jo"), "");
  EXPECT_EQ(dir.UpnOf(kContoso, "10037FFE8A2B3C02"), "jo@sales.contoso.example");
}

TEST(IdentityDirectoryTest, ArraysNamingSeveralPeopleOrNoneLinkNothing) {
  IdentityDirectory dir;
  Event e;
  e.organization_id = kContoso;
  e.record_type = 8;
  e.extra = {{"Target.ID", "a@contoso.example"},
             {"Target.ID", "b@contoso.example"},
             {"Target.ID", "User_f757cb79-dd91-4a5c-8d2f-0123456789ab"}};
  dir.Observe(e);
  EXPECT_EQ(dir.UpnOf(kContoso, "f757cb79-dd91-4a5c-8d2f-0123456789ab"), "");
  // A sign-in's Target is the resource application: no UPN, no link.
  Event signin;
  signin.organization_id = kContoso;
  signin.record_type = 15;
  signin.actor_upn = "c@contoso.example";
  signin.extra = {{"Actor.ID", "0b1c2d3e-0000-4000-8000-00000000000c"},
                  {"Actor.ID", "c@contoso.example"},
                  {"Actor.Type", "0"},
                  {"Actor.Type", "5"},
                  {"Target.ID", "00000002-0000-0ff1-ce00-000000000000"},
                  {"Target.Type", "0"}};
  dir.Observe(signin);
  EXPECT_EQ(dir.UpnOf(kContoso, "0b1c2d3e-0000-4000-8000-00000000000c"), "c@contoso.example");
  EXPECT_EQ(dir.UpnOf(kContoso, "00000002-0000-0ff1-ce00-000000000000"), "");
}

TEST(IdentityDirectoryTest, SystemPrincipalsAreNotIdentities) {
  IdentityDirectory dir;
  Event e =
      MailboxRecord(kContoso, "5a0c9d2e-6b1f-4c1e-9a77-3e2f1d0c4b21", "a@contoso.example", "", "");
  e.actor_upn = "NT AUTHORITY\\SYSTEM (Microsoft.Exchange.ServiceHost)";
  e.actor_sid = "S-1-5-18";
  dir.Observe(e);
  EXPECT_EQ(dir.UpnOf(kContoso, "S-1-5-18"), "");
  EXPECT_EQ(dir.UpnOf(kContoso, "5a0c9d2e-6b1f-4c1e-9a77-3e2f1d0c4b21"), "a@contoso.example");
}

TEST(IdentityDirectoryTest, TwoUpnsSharingAKeyAreNeverMerged) {
  IdentityDirectory dir;
  Event signin;
  signin.organization_id = kContoso;
  signin.record_type = 15;
  signin.actor_upn = "a.old@contoso.example";
  signin.user_type = 0;
  signin.extra = {{"UserKey", "10037FFE8A2B3C05"}};
  dir.Observe(signin);
  dir.Observe(MailboxRecord(kContoso, "5a0c9d2e-6b1f-4c1e-9a77-3e2f1d0c4b21",
                            "z.new@contoso.example", "10037FFE8A2B3C05", ""));
  EXPECT_EQ(dir.UpnOf(kContoso, "a.old@contoso.example"), "a.old@contoso.example");
  EXPECT_EQ(dir.UpnOf(kContoso, "z.new@contoso.example"), "z.new@contoso.example");
  // The first link stands: the key stays with the identity that had it first.
  EXPECT_EQ(dir.UpnOf(kContoso, "10037FFE8A2B3C05"), "a.old@contoso.example");
}

// `tern analyze` stores Links(); `tern search` and the timelines answer from
// the restored directory exactly as the analysis did.
TEST(IdentityDirectoryTest, RestoredFromItsLinksItAnswersTheSame) {
  IdentityDirectory dir;
  dir.Observe(ResetPassword(kContoso));
  dir.Observe(MailboxRecord(kContoso, "5a0c9d2e-6b1f-4c1e-9a77-3e2f1d0c4b21", "jo@contoso.example",
                            "10037FFE8A2B3C01", "S-1-5-21-1-2-3-1004"));
  dir.Observe(MailboxRecord(kContoso, "6b0c9d2e-6b1f-4c1e-9a77-3e2f1d0c4b22",
                            "jo@sales.contoso.example", "10037FFE8A2B3C02", ""));
  dir.Observe(MailboxRecord(kFabrikam, "7c0c9d2e-6b1f-4c1e-9a77-3e2f1d0c4b23",
                            "AdeleV@fabrikam.example", "10037FFE8A2B3C99", ""));
  const std::vector<std::pair<std::string, std::string>> links = dir.Links();
  ASSERT_TRUE(std::is_sorted(links.begin(), links.end()));
  absl::StatusOr<IdentityDirectory> restored = IdentityDirectory::FromLinks(links);
  ASSERT_TRUE(restored.ok()) << restored.status();
  for (const std::string& tenant : {std::string(kContoso), std::string(kFabrikam), std::string()}) {
    for (const char* id :
         {"User_F757CB79-DD91-4A5C-8D2F-0123456789AB", "10032001C0FFEE01", "johnd", "admin",
          "0b1c2d3e-0000-4000-8000-000000000001", "S-1-5-21-1-2-3-1004", "10037FFE8A2B3C02", "jo",
          "adelev", "10037FFE8A2B3C99", "nobody", "admin@contoso.example"}) {
      EXPECT_EQ(restored->UpnOf(tenant, id), dir.UpnOf(tenant, id)) << tenant << " " << id;
    }
  }
  // The ambiguous alias stays ambiguous, the other tenant's alias apart.
  EXPECT_EQ(restored->UpnOf(kContoso, "jo"), "");
  EXPECT_EQ(restored->UpnOf(kFabrikam, "adelev"), "adelev@fabrikam.example");
  EXPECT_EQ(restored->UpnOf(kContoso, "adelev"), "");
  EXPECT_EQ(restored->IdentifiersOf(kContoso, "johnd@contoso.example"),
            dir.IdentifiersOf(kContoso, "johnd@contoso.example"));
  EXPECT_EQ(restored->Links(), links);
}

// Each identifier is held once (the identity's UPN is named through its
// node): a tenant-sized directory, grown through many rehashes and then
// moved, still answers every identifier with its own person's UPN.
TEST(IdentityDirectoryTest, ATenantOfThousandsAnswersEveryIdentifierAfterAMove) {
  IdentityDirectory grown;
  constexpr int kPeople = 5000;
  auto upn = [](int i) { return "user" + std::to_string(i) + "@contoso.example"; };
  auto guid = [](int i) {
    char text[40];
    std::snprintf(text, sizeof(text), "5a0c9d2e-6b1f-4c1e-9a77-%012d", i);
    return std::string(text);
  };
  auto puid = [](int i) {
    char text[20];
    std::snprintf(text, sizeof(text), "10037FFE%08X", i);
    return std::string(text);
  };
  for (int i = 0; i < kPeople; ++i) {
    grown.Observe(
        MailboxRecord(kContoso, guid(i), upn(i), puid(i), "S-1-5-21-1-2-3-" + std::to_string(i)));
  }
  const IdentityDirectory dir = std::move(grown);
  for (int i = 0; i < kPeople; i += 7) {
    ASSERT_EQ(dir.UpnOf(kContoso, guid(i)), upn(i)) << i;
    ASSERT_EQ(dir.UpnOf(kContoso, puid(i)), upn(i)) << i;
    ASSERT_EQ(dir.UpnOf(kContoso, "S-1-5-21-1-2-3-" + std::to_string(i)), upn(i)) << i;
    ASSERT_EQ(dir.UpnOf(kContoso, "user" + std::to_string(i)), upn(i)) << i;  // alias
  }
  EXPECT_THAT(dir.IdentifiersOf(kContoso, upn(4321)),
              ::testing::ElementsAre("10037ffe000010e1", "5a0c9d2e-6b1f-4c1e-9a77-000000004321",
                                     "s-1-5-21-1-2-3-4321", "user4321@contoso.example"));
  absl::StatusOr<IdentityDirectory> restored = IdentityDirectory::FromLinks(dir.Links());
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->Links(), dir.Links());
  EXPECT_EQ(restored->UpnOf(kContoso, puid(4999)), upn(4999));
}

TEST(IdentityDirectoryTest, UnreadableLinksAreDataLoss) {
  EXPECT_EQ(IdentityDirectory::FromLinks({{"no separator", "a@b.example"}}).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(
      IdentityDirectory::FromLinks({{std::string("t\x1fzid"), "a@b.example"}}).status().code(),
      absl::StatusCode::kDataLoss);
}

TEST(IdentityDirectoryTest, LinkedActorUpnOnlyReplacesWhatIsNoUpn) {
  IdentityDirectory dir;
  dir.Observe(ResetPassword(kContoso));
  Event e;
  e.organization_id = kContoso;
  e.actor_upn = "User_f757cb79-dd91-4a5c-8d2f-0123456789ab";
  EXPECT_EQ(LinkedActorUpn(dir, e), "johnd@contoso.example");
  e.actor_upn = "";
  e.actor_sid = "10032001C0FFEE01";
  EXPECT_EQ(LinkedActorUpn(dir, e), "johnd@contoso.example");
  e.actor_upn = "Someone@Contoso.example";  // a UPN is shown as recorded
  EXPECT_EQ(LinkedActorUpn(dir, e), "");
  e.actor_upn = "unknown-object";
  e.actor_sid = "";
  EXPECT_EQ(LinkedActorUpn(dir, e), "");
}

}  // namespace
}  // namespace tern::correlate
