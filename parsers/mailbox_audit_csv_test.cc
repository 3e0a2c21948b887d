// mailbox-audit-csv on a hand-written Search-MailboxAuditLog export
// (fixtures/formats/csv/README.md) and inline edge cases.
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parsers/csv_parsers.h"
#include "parsers/csv_test_util.h"

namespace tern {
namespace {

using ::testing::ElementsAre;
using testing_csv::ParseResult;
using testing_csv::ReadDecoded;
using testing_csv::RunParser;

const std::string kCsvDir = std::string(TERN_FIXTURES_DIR) + "/formats/csv/";

class MailboxAuditCsvTest : public ::testing::Test {
 protected:
  std::unique_ptr<Parser> parser_ = MakeMailboxAuditCsvParser();
};

TEST_F(MailboxAuditCsvTest, Sniff) {
  const std::string text = ReadDecoded(kCsvDir + "mailbox_audit_basic.csv");
  EXPECT_EQ(parser_->name(), "mailbox-audit-csv");
  EXPECT_EQ(parser_->Sniff(text), 90);
  EXPECT_EQ(parser_->Sniff("MailboxOwnerUPN,LogonType,LogonUserDisplayName,Operation,"
                           "ItemSubject,LastAccessed\r\n"),
            90);
  EXPECT_EQ(MakePurviewCsvParser()->Sniff(text), 0);
  EXPECT_EQ(MakeSualCsvParser()->Sniff(text), 0);
  EXPECT_EQ(MakeSentinelCsvParser()->Sniff(text), 0);
  EXPECT_EQ(parser_->Sniff(ReadDecoded(kCsvDir + "purview_basic.csv")), 0);
  EXPECT_EQ(parser_->Sniff("Operation,LastAccessed\n"), 0);  // too little to be sure
}

TEST_F(MailboxAuditCsvTest, BasicExportDayFirst) {
  const std::string text = ReadDecoded(kCsvDir + "mailbox_audit_basic.csv");
  ParseResult r = RunParser(*parser_, text, /*chunk=*/64);
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.events.size(), 4u);
  EXPECT_EQ(r.rejected, 0u);
  EXPECT_TRUE(r.warnings.empty()) << r.warnings[0].kind;

  // Row 1's "04/01/2019" waited until row 2's "23/01/2019" showed the
  // file is day-first; the order of events is still the file order.
  const Event& mia = r.events[0];
  EXPECT_EQ(mia.operation, "MailItemsAccessed");
  EXPECT_EQ(mia.time_ms, 1546614245000);  // 2019-01-04T15:04:05Z
  EXPECT_EQ(mia.flags, 0u);
  EXPECT_EQ(mia.provenance.line, 2u);
  EXPECT_EQ(mia.provenance.record_index, 1u);
  EXPECT_EQ(mia.record_id, "");  // Identity is not a UAL id
  EXPECT_EQ(mia.workload, "Exchange");
  EXPECT_EQ(mia.record_type, -1);
  EXPECT_EQ(mia.logon_type, kLogonDelegate);
  EXPECT_EQ(mia.actor_upn, "");  // a delegate: only the display name is known
  EXPECT_EQ(mia.actor_display, "Alex Wilber");
  EXPECT_EQ(mia.mailbox_upn, "megan.bowen@contoso.example");
  EXPECT_EQ(mia.mailbox_guid, "6d4fbdae-e3ae-4530-8d0b-f62a14687939");
  EXPECT_EQ(mia.client_ip, "203.0.113.45");
  EXPECT_EQ(mia.result_status, "Succeeded");
  EXPECT_EQ(mia.external_access, 0);
  ASSERT_EQ(mia.operation_properties.size(), 2u);
  EXPECT_EQ(mia.operation_properties[0], (NameValue{"MailAccessType", "Bind", true}));
  EXPECT_EQ(mia.operation_properties[1], (NameValue{"IsThrottled", "False", true}));
  EXPECT_THAT(mia.folders, ElementsAre("\\Inbox"));
  ASSERT_EQ(mia.items.size(), 2u);
  EXPECT_EQ(mia.items[1].message_id,
            "<DB8PR04MB6555F5E4D3C2B1A0@DB8PR04MB6555.eurprd04.prod.outlook.com>");
  ASSERT_NE(Event::Find(mia.extra, "OperationCount"), nullptr);
  EXPECT_EQ(Event::Find(mia.extra, "OperationCount")->value, "2");

  const Event& update = r.events[1];
  EXPECT_EQ(update.time_ms, 1548234764000);  // 2019-01-23T09:12:44Z
  EXPECT_EQ(update.logon_type, kLogonOwner);
  EXPECT_EQ(update.actor_upn, "megan.bowen@contoso.example");  // owner logon
  EXPECT_EQ(update.client_ip, "2001:db8:4f2::17");
  EXPECT_THAT(update.folders, ElementsAre("\\Inbox"));
  ASSERT_EQ(update.items.size(), 1u);
  EXPECT_EQ(update.items[0].subject, "Q1 budget, final");
  EXPECT_EQ(update.items[0].folder, "\\Inbox");
  EXPECT_EQ(update.items[0].item_id, "RgAAAADhL0a8SxVRQ6WzD5tR2OgzBwBPnv0aAAAJ");

  const Event& purge = r.events[2];
  EXPECT_EQ(purge.operation, "HardDelete");
  EXPECT_EQ(purge.time_ms, 1548279000000);  // 2019-01-23T21:30:00Z
  EXPECT_EQ(purge.logon_type, kLogonAdmin);
  EXPECT_EQ(purge.actor_display, "Administrator");
  EXPECT_EQ(purge.client_ip, "10.196.241.168");
  EXPECT_THAT(purge.folders, ElementsAre("\\Recoverable Items\\Deletions"));
  EXPECT_TRUE(purge.items.empty());  // no item columns filled: no phantom item

  const Event& rule = r.events[3];
  EXPECT_EQ(rule.time_ms, 1548316801000);  // 2019-01-24T08:00:01Z
  ASSERT_EQ(rule.operation_properties.size(), 4u);
  EXPECT_EQ(rule.operation_properties[1].value, "Move to RSS");
  EXPECT_EQ(rule.operation_properties[3].name, "RuleActions");
  EXPECT_EQ(rule.operation_properties[3].value,
            "[{\"ActionType\":\"MoveToFolder\",\"Folder\":\"RSS Subscriptions\"}]");
  ASSERT_NE(Event::Find(rule.extra, "ClientProcessName"), nullptr);
  EXPECT_EQ(Event::Find(rule.extra, "ClientProcessName")->value, "OUTLOOK.EXE");
}

TEST_F(MailboxAuditCsvTest, AmbiguousFileIsMonthFirstWithWarning) {
  const std::string text =
      "MailboxOwnerUPN,LogonType,Operation,LastAccessed,OperationProperties\n"
      "a@x.example,Owner,MailItemsAccessed,1/4/2019 3:04:05 PM,MailAccessType:Sync "
      "IsThrottled:True\n";
  ParseResult r = RunParser(*parser_, text);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].time_ms, 1546614245000);  // 2019-01-04T15:04:05Z
  EXPECT_EQ(r.WarningsOf("ambiguous-date-order").size(), 1u);
  EXPECT_EQ(Event::Find(r.events[0].operation_properties, "IsThrottled")->value, "True");
}

TEST_F(MailboxAuditCsvTest, FolderPermissionMembersReachExtra) {
  const std::string text =
      "MailboxOwnerUPN,LogonType,Operation,LastAccessed,FolderPathName,MemberRights,MemberUpn\n"
      "a@x.example,Owner,ModifyFolderPermissions,1/24/2019 3:04:05 PM,\\Inbox,"
      "\"ReadItems, FolderVisible\",Default\n";
  ParseResult r = RunParser(*parser_, text);
  ASSERT_EQ(r.events.size(), 1u);
  const Event& e = r.events[0];
  ASSERT_NE(Event::Find(e.extra, "MemberRights"), nullptr);
  EXPECT_EQ(Event::Find(e.extra, "MemberRights")->value, "ReadItems, FolderVisible");
  EXPECT_EQ(Event::Find(e.extra, "MemberUpn")->value, "Default");
  EXPECT_EQ(Event::Find(e.extra, "MemberSid"), nullptr);  // no such column
  EXPECT_TRUE(e.items.empty());
}

}  // namespace
}  // namespace tern
