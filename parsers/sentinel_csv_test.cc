// sentinel-csv on the two real Sentinel training-lab exports
// (fixtures/formats/csv/README.md) and on inline edge cases.
#include <algorithm>
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parsers/csv_parsers.h"
#include "parsers/csv_test_util.h"

namespace tern {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing_csv::ParseResult;
using testing_csv::ReadDecoded;
using testing_csv::RunParser;

const std::string kCsvDir = std::string(TERN_FIXTURES_DIR) + "/formats/csv/";

class SentinelCsvTest : public ::testing::Test {
 protected:
  std::unique_ptr<Parser> parser_ = MakeSentinelCsvParser();
};

TEST_F(SentinelCsvTest, SniffClaimsOnlySentinelTables) {
  const std::string lab = ReadDecoded(kCsvDir + "sentinel_training_lab_office_activity.csv");
  const std::string rules =
      ReadDecoded(kCsvDir + "sentinel_training_lab_office_activity_inbox_rule.csv");
  EXPECT_EQ(parser_->name(), "sentinel-csv");
  EXPECT_EQ(parser_->Sniff(std::string_view(lab).substr(0, kSniffBytes)), 95);
  EXPECT_EQ(parser_->Sniff(rules), 95);
  EXPECT_EQ(parser_->Sniff(ReadDecoded(kCsvDir + "purview_basic.csv")), 0);
  EXPECT_EQ(parser_->Sniff(ReadDecoded(kCsvDir + "sual_au.csv")), 0);
  EXPECT_EQ(parser_->Sniff("{\"OfficeWorkload\":\"Exchange\",\"OfficeId\":\"x\"}"), 0);
  // The other CSV parsers leave these files alone.
  for (auto make : {MakePurviewCsvParser, MakeSualCsvParser, MakeMailboxAuditCsvParser}) {
    EXPECT_EQ(make()->Sniff(lab.substr(0, kSniffBytes)), 0);
    EXPECT_EQ(make()->Sniff(rules), 0);
  }
}

TEST_F(SentinelCsvTest, TrainingLabExportAllRows) {
  const std::string text = ReadDecoded(kCsvDir + "sentinel_training_lab_office_activity.csv");
  ParseResult r = RunParser(*parser_, text, /*chunk=*/1000);
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.events.size(), 266u);
  EXPECT_EQ(r.rejected, 0u);
  EXPECT_TRUE(r.warnings.empty()) << r.warnings[0].kind << ": " << r.warnings[0].detail;

  size_t exchange = 0, type50 = 0, unknown_type = 0, with_ids = 0;
  for (const Event& e : r.events) {
    EXPECT_EQ(e.flags, 0u) << e.record_id;
    EXPECT_EQ(e.provenance.evidence, 7u);
    exchange += e.workload == "Exchange";
    type50 += e.record_type == 50;
    unknown_type += e.record_type < 0;
    with_ids += e.record_id.size() == 36;
  }
  EXPECT_EQ(exchange, 13u);
  EXPECT_EQ(type50, 3u);
  EXPECT_EQ(unknown_type, 0u);  // names ("SharePointFileOperation") and numbers ("36") alike
  EXPECT_EQ(with_ids, 266u);

  // First and last rows: line numbers count the CRLFs inside quoted cells.
  EXPECT_EQ(r.events[0].record_id, "84365963-570a-4424-38da-08d90a570e02");
  EXPECT_EQ(r.events[0].operation, "PageViewed");
  EXPECT_EQ(r.events[0].time_ms, 1619622326000);  // 2021-04-28T15:05:26Z
  EXPECT_EQ(r.events[0].provenance.line, 2u);
  EXPECT_EQ(r.events[265].record_id, "993271dd-415e-441f-cfe9-08d90a003866");
  EXPECT_EQ(r.events[265].provenance.line, 506u);
  EXPECT_EQ(r.events[265].provenance.record_index, 266u);
  EXPECT_EQ(r.events[265].time_ms, 1619585031000);  // 2021-04-28T04:43:51Z (AM)
  EXPECT_EQ(r.events[265].client_ip, "2603:1036:4:3f::5");

  // MailItemsAccessed with only Client_IPAddress and pretty-printed Folders.
  const Event* mia = r.ById("2ad854c0-d9c3-43b5-95d8-826aea0d10ca");
  ASSERT_NE(mia, nullptr);
  EXPECT_EQ(mia->provenance.line, 4u);
  EXPECT_EQ(mia->time_ms, 1619621677000);  // 2021-04-28T14:54:37Z
  EXPECT_EQ(mia->record_type, 50);
  EXPECT_EQ(mia->client_ip, "2603:10b6:5:345::11");
  EXPECT_EQ(mia->logon_type, kLogonOwner);
  EXPECT_EQ(mia->mailbox_guid, "1799af14-918d-4035-98f7-536ec791ef58");
  EXPECT_EQ(mia->mailbox_upn, "AdeleV@M365x816222.OnMicrosoft.com");
  EXPECT_EQ(mia->external_access, 0);
  EXPECT_THAT(mia->folders, ElementsAre("\\Inbox", "\\Sent Items"));
  ASSERT_EQ(mia->items.size(), 3u);
  EXPECT_EQ(mia->items[2].folder, "\\Sent Items");
  EXPECT_EQ(Event::Find(mia->operation_properties, "MailAccessType")->value, "Bind");
  EXPECT_EQ(mia->app_id, "8a18aa92-0a1e-4e06-abd0-e118fa4787b1");
  // The raw record is the CSV row with its embedded CRLFs.
  EXPECT_EQ(std::count(r.raws[2].begin(), r.raws[2].end(), '\n'), 23);  // lines 4..27

  const Event* rule = r.ById("5fe96415-d129-4e4b-64b7-08d90a528ec7");
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->operation, "New-InboxRule");
  EXPECT_EQ(rule->record_type, 1);
  EXPECT_EQ(rule->user_type, 2);            // "Admin"
  EXPECT_EQ(rule->time_ms, 1619620394000);  // 2021-04-28T14:33:14Z
  EXPECT_EQ(rule->client_ip_raw, "175.45.176.99:17362");
  EXPECT_EQ(rule->client_ip, "175.45.176.99");
  EXPECT_EQ(rule->result_status, "TRUE");
  EXPECT_EQ(rule->object_id,
            "NAMPR06A003.prod.outlook.com/Microsoft Exchange Hosted Organizations/"
            "M365x816222.onmicrosoft.com/AdeleV\\junk");
  ASSERT_EQ(rule->parameters.size(), 6u);
  EXPECT_EQ(Event::Find(rule->parameters, "SubjectContainsWords")->value, "legal");
  EXPECT_EQ(Event::Find(rule->parameters, "Name")->value, "junk");

  const Event* moved = r.ById("8ad5ae00-73a9-41e5-c35d-08d90a520461");
  ASSERT_NE(moved, nullptr);
  EXPECT_EQ(moved->operation, "MoveToDeletedItems");
  EXPECT_EQ(moved->record_type, 3);
  EXPECT_THAT(moved->folders, ElementsAre("\\Inbox", "\\Deleted Items"));
  ASSERT_EQ(moved->items.size(), 1u);
  EXPECT_EQ(moved->items[0].subject, "JohnS shared \"Document\" with you.");

  // OriginatingServer keeps no CRLF artifact.
  const Event* send = r.ById("c8b6ba59-89e6-43f7-8e10-08d90a527ca9");
  ASSERT_NE(send, nullptr);
  EXPECT_EQ(send->items[0].subject, "email from HR");
  ASSERT_NE(Event::Find(send->extra, "OriginatingServer"), nullptr);
  EXPECT_EQ(Event::Find(send->extra, "OriginatingServer")->value, "MWHPR06MB3440 (15.20.4065.028)");

  // SharePoint noise is kept like any other record.
  EXPECT_EQ(r.events[0].workload, "SharePoint");
  EXPECT_EQ(r.events[0].client_ip, "175.45.176.99");
}

TEST_F(SentinelCsvTest, InboxRuleExportUsesCollectionTimeFlagged) {
  const std::string text =
      ReadDecoded(kCsvDir + "sentinel_training_lab_office_activity_inbox_rule.csv");
  ParseResult r = RunParser(*parser_, text, /*chunk=*/5);
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.rejected, 0u);
  std::vector<Warning> w = r.WarningsOf("time-from-wrapper");
  ASSERT_EQ(w.size(), 1u);
  EXPECT_THAT(w[0].detail, HasSubstr("Start_Time [UTC]"));

  const Event& first = r.events[0];
  EXPECT_EQ(first.record_id, "d28096ba-03b1-4c2a-1503-08d908826606");
  EXPECT_EQ(first.time_ms, 1619421430000);  // 2021-04-26T07:17:10Z
  EXPECT_EQ(first.flags, static_cast<uint32_t>(kFlagTimeFromWrapper));
  EXPECT_EQ(first.client_ip_raw, "[2a01:110:8068:7:9bf8:aa87:e00a:5f1f]:36185");
  EXPECT_EQ(first.client_ip, "2a01:110:8068:7:9bf8:aa87:e00a:5f1f");
  EXPECT_EQ(Event::Find(first.parameters, "MoveToFolder")->value, "Junk Email");
  EXPECT_EQ(Event::Find(first.parameters, "SubjectContainsWords")->value, "do not open");
  EXPECT_EQ(first.actor_upn, "AdeleV@contoso.OnMicrosoft.com");

  const Event& second = r.events[1];
  EXPECT_EQ(second.time_ms, 1619419052000);  // 2021-04-26T06:37:32Z
  EXPECT_EQ(second.client_ip, "2a01:110:8068:7:9bf8:aa87:e00a:5f1f");
  EXPECT_EQ(Event::Find(second.parameters, "BodyContainsWords")->value, "covid-19");
  EXPECT_EQ(Event::Find(second.parameters, "DeleteMessage")->value, "True");
}

TEST_F(SentinelCsvTest, RowWithNothingUsableIsRejected) {
  const std::string text =
      "TimeGenerated [UTC],OfficeId,Operation,OfficeWorkload,UserId\r\n"
      "\"4/28/2021, 2:54:37.000 PM\",ABC,Send,Exchange,u@x.example\r\n"
      "\"4/28/2021, 2:54:38.000 PM\",,,,\r\n"
      "yesterday,DEF,Send,Exchange,u@x.example\r\n";
  ParseResult r = RunParser(*parser_, text);
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].record_id, "abc");
  EXPECT_EQ(r.rejected, 1u);
  EXPECT_EQ(r.WarningsOf("rejected-record")[0].line, 3u);
  // A date that does not parse keeps the record, without a time.
  EXPECT_EQ(r.events[1].flags, static_cast<uint32_t>(kFlagNoTime));
  EXPECT_EQ(r.WarningsOf("unparsed-time").size(), 1u);
}

}  // namespace
}  // namespace tern
