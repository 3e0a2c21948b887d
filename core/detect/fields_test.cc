#include "core/detect/fields.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern::detect {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(AddressesTest, HandlesTheRecipientRenderings) {
  EXPECT_THAT(Addresses("smtp:Bob@Evil.example"), ElementsAre("bob@evil.example"));
  EXPECT_THAT(Addresses("a@x.com;SMTP:b@y.org, c@z.net"),
              ElementsAre("a@x.com", "b@y.org", "c@z.net"));
  EXPECT_THAT(Addresses("\"John Smith\" [SMTP:john@gmail.com]"), ElementsAre("john@gmail.com"));
  EXPECT_THAT(Addresses("[\"a@x.com\",\"a@x.com\"]"), ElementsAre("a@x.com"));
  EXPECT_THAT(Addresses("John Smith"), IsEmpty());
  EXPECT_THAT(Addresses("user@localhost"), IsEmpty());
  EXPECT_THAT(Addresses("@x.com"), IsEmpty());
  EXPECT_EQ(DomainOf("Bob@Evil.Example"), "evil.example");
}

TEST(ParseBoolTest, ExportRenderings) {
  EXPECT_EQ(ParseBool("True"), true);
  EXPECT_EQ(ParseBool("$true"), true);
  EXPECT_EQ(ParseBool(" FALSE "), false);
  EXPECT_EQ(ParseBool("0"), false);
  EXPECT_EQ(ParseBool("maybe"), std::nullopt);
  EXPECT_TRUE(IsFalse("$False"));
  EXPECT_FALSE(IsFalse(""));
  EXPECT_FALSE(IsTrue(""));
}

TEST(SucceededTest, OnlyExplicitFailures) {
  Event e;
  EXPECT_TRUE(Succeeded(e));
  e.result_status = "True";
  EXPECT_TRUE(Succeeded(e));
  e.result_status = "Failed";
  EXPECT_FALSE(Succeeded(e));
  e.result_status = "False";
  EXPECT_FALSE(Succeeded(e));
}

TEST(InboxRuleNameTest, NameParameterElseObjectIdElseProperty) {
  Event e;
  e.object_id =
      "NAMPR06A003.prod.outlook.com/Microsoft Exchange Hosted Organizations/"
      "contoso.onmicrosoft.com/AdeleV\\rule2";
  EXPECT_EQ(InboxRuleName(e), "rule2");
  e.parameters.push_back({"Name", "."});
  EXPECT_EQ(InboxRuleName(e), ".");
  Event client;
  client.operation_properties.push_back({"RuleName", "Move newsletters"});
  EXPECT_EQ(InboxRuleName(client), "Move newsletters");
}

TEST(FoldersTest, HidingAndSentFolders) {
  EXPECT_TRUE(IsHidingFolder("RSS Feeds"));
  EXPECT_TRUE(IsHidingFolder("\\RSS Subscriptions"));
  EXPECT_TRUE(IsHidingFolder(":\\Conversation History"));
  EXPECT_TRUE(IsHidingFolder("Inbox\\Notes"));
  EXPECT_TRUE(IsHidingFolder("Courrier indésirable"));
  EXPECT_TRUE(IsHidingFolder("junk email"));
  EXPECT_FALSE(IsHidingFolder("Inbox"));
  EXPECT_FALSE(IsHidingFolder("Newsletters"));
  EXPECT_TRUE(IsSentFolder("\\Sent Items"));
  EXPECT_TRUE(IsSentFolder("\\Gesendete Elemente"));
  EXPECT_FALSE(IsSentFolder("\\Inbox"));
  EXPECT_EQ(FolderLeaf("\\Inbox\\Sub\\"), "Sub");
}

TEST(MatchKeywordTest, WordsPrefixesAndPhrases) {
  EXPECT_EQ(MatchKeyword("invoice;payment"), "invoice");
  EXPECT_EQ(MatchKeyword("Invoices"), "invoice");  // prefix of a long keyword
  EXPECT_EQ(MatchKeyword("please update your bank details"), "bank details");
  EXPECT_EQ(MatchKeyword("ACH"), "ach");
  EXPECT_EQ(MatchKeyword("Zahlung"), "zahlung");
  EXPECT_EQ(MatchKeyword("PO# 1234"), "po#");
  EXPECT_EQ(MatchKeyword("each reach"), "");  // short keywords need whole words
  EXPECT_EQ(MatchKeyword("documentation"), "");
  EXPECT_EQ(MatchKeyword("newsletter"), "");
  EXPECT_EQ(MatchKeyword(""), "");
}

TEST(DayOfTest, FloorsNegativeTimes) {
  EXPECT_EQ(DayOf(0), 0);
  EXPECT_EQ(DayOf(kDayMs - 1), 0);
  EXPECT_EQ(DayOf(kDayMs), 1);
  EXPECT_EQ(DayOf(-1), -1);
}

}  // namespace
}  // namespace tern::detect
