// partial-csv: audit-record columns projected by a KQL query or a SIEM, on
// msticpy's demo export (fixtures/formats/csv/README.md) and inline variants.
#include <string>
#include <string_view>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parsers/builtin.h"
#include "parsers/csv_test_util.h"

namespace tern {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_csv::ParseResult;
using testing_csv::ReadDecoded;
using testing_csv::RunParser;

const std::string kCsvDir = std::string(TERN_FIXTURES_DIR) + "/formats/csv/";
const std::string kMsticpy = "msticpy_demo_exchange_data_excerpt.csv";

class PartialCsvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(RegisterBuiltinParsers(registry_).ok());
    parser_ = registry_.Find("partial-csv");
    ASSERT_NE(parser_, nullptr);
  }
  std::string Value(const Event& e, std::string_view name) {
    const NameValue* nv = Event::Find(e.parameters, name);
    return nv == nullptr ? "<none>" : nv->value;
  }

  ParserRegistry registry_;
  const Parser* parser_ = nullptr;
};

TEST_F(PartialCsvTest, SniffTakesWhatNoSpecificFormatClaims) {
  const std::string mst = ReadDecoded(kCsvDir + kMsticpy);
  EXPECT_EQ(parser_->Sniff(mst), 40);
  ASSERT_NE(registry_.Detect(mst), nullptr);
  EXPECT_EQ(registry_.Detect(mst)->name(), "partial-csv");
  EXPECT_EQ(parser_->Sniff("TimeCreated,UserPrincipalName,OperationName\n"), 40);
  // A time and an operation alone could be any log; AuditData makes a full export.
  EXPECT_EQ(parser_->Sniff("TimeGenerated,Operation\n"), 0);
  EXPECT_EQ(parser_->Sniff("Time,User,Action\n"), 0);
  EXPECT_EQ(parser_->Sniff(ReadDecoded(kCsvDir + "purview_basic.csv")), 0);
  EXPECT_EQ(parser_->Sniff("[{\"TimeGenerated\":\"x\",\"Operation\":\"y\",\"UserId\":\"z\"}]"), 0);
  // Full exports that also have these columns stay with their own format.
  for (const char* file : {"ual_flat_basic.csv", "sentinel_training_lab_office_activity.csv"}) {
    const std::string text = ReadDecoded(kCsvDir + file);
    const std::string_view head = std::string_view(text).substr(0, kSniffBytes);
    EXPECT_EQ(parser_->Sniff(head), 40) << file;
    EXPECT_NE(registry_.Detect(head)->name(), "partial-csv") << file;
  }
}

TEST_F(PartialCsvTest, MsticpyKqlExport) {
  ParseResult r = RunParser(*parser_, ReadDecoded(kCsvDir + kMsticpy), /*chunk=*/333);
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.events.size(), 30u);
  EXPECT_EQ(r.rejected, 0u);
  ASSERT_EQ(r.warnings.size(), 1u);
  const Warning& note = r.warnings[0];
  EXPECT_EQ(note.kind, "partial-columns");
  EXPECT_EQ(note.line, 1u);
  EXPECT_THAT(note.detail, HasSubstr("no column for record Id, mailbox, logon type, client, "
                                     "session, workload, items and folders;"));
  EXPECT_THAT(note.detail, Not(HasSubstr("user")));

  const Event& first = r.events[0];
  EXPECT_EQ(first.time_ms, 1587185430000);  // 2020-04-18T04:50:30Z
  EXPECT_EQ(first.flags, 0u);
  EXPECT_EQ(first.operation, "Set-ConditionalAccessPolicy");
  EXPECT_EQ(first.actor_upn, "");
  EXPECT_EQ(first.client_ip, "");
  EXPECT_EQ(first.record_id, "");  // the ingester derives a content id
  EXPECT_EQ(first.workload, "");
  ASSERT_EQ(first.parameters.size(), 6u);
  EXPECT_EQ(Value(first, "Identity"),
            "seccxpninja.onmicrosoft.com\\6490d00c-7ba1-42cf-aa88-99eb71d53bf7");
  EXPECT_EQ(Value(first, "DisplayName"), "Default Policy");
  EXPECT_EQ(Value(first, "PolicyIdentifierString"), "");
  EXPECT_EQ(first.provenance.line, 2u);

  int with_ip = 0, with_user = 0;
  for (const Event& e : r.events) {
    with_ip += !e.client_ip.empty();
    with_user += !e.actor_upn.empty();
    EXPECT_FALSE(e.operation.empty());
    EXPECT_FALSE(e.parameters.empty()) << e.operation;
  }
  EXPECT_EQ(with_ip, 6);
  EXPECT_EQ(with_user, 12);

  // [IPv6]:port as recorded, normalized for sessions.
  const Event* mailbox = nullptr;
  for (const Event& e : r.events) {
    if (e.operation == "New-Mailbox") mailbox = &e;
  }
  ASSERT_NE(mailbox, nullptr);
  EXPECT_EQ(mailbox->client_ip_raw, "[2603:1036:302:4091::5]:51902");
  EXPECT_EQ(mailbox->client_ip, "2603:1036:302:4091::5");
  EXPECT_EQ(mailbox->actor_upn, "NT AUTHORITY\\SYSTEM (w3wp)");
  EXPECT_EQ(mailbox->time_ms, 1589274391000);  // 2020-05-12T09:06:31Z
  EXPECT_EQ(Value(*mailbox, "Arbitration"), "True");
}

TEST_F(PartialCsvTest, OtherSpellingsAndParameterTexts) {
  ParseResult r = RunParser(
      *parser_,
      "TimeCreated,UserPrincipalName,UserKey,IPAddress,OperationName,Parameters,Workload\r\n"
      "2024-01-02T03:04:05Z,jane@contoso.example,1003,198.51.100.7:5000,Set-Mailbox,"
      "-Identity jane@contoso.example -ForwardingSmtpAddress evil@x.example "
      "-DeliverToMailboxAndForward:$true,Exchange\r\n"
      "2024-01-02T03:05:00Z,,S-1-5-18,,New-InboxRule,Name:Fwd From:boss@contoso.example,\r\n"
      "2024-01-02T03:06:00Z,,,,Set-User,\"[{\"\"Name\"\":\"\"Identity\"\",\"\"Value\"\":\"\"x\"\"}]"
      "\","
      "\r\n");
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.events.size(), 3u);
  const Event& set = r.events[0];
  EXPECT_EQ(set.actor_upn, "jane@contoso.example");
  EXPECT_EQ(set.client_ip, "198.51.100.7");
  EXPECT_EQ(set.workload, "Exchange");
  EXPECT_EQ(Value(set, "ForwardingSmtpAddress"), "evil@x.example");
  EXPECT_EQ(Value(set, "DeliverToMailboxAndForward"), "$true");
  const Event& rule = r.events[1];
  EXPECT_EQ(rule.actor_upn, "S-1-5-18");  // UserKey, for want of a UserPrincipalName
  EXPECT_EQ(Value(rule, "From"), "boss@contoso.example");
  EXPECT_EQ(Value(r.events[2], "Identity"), "x");
  EXPECT_EQ(r.events[2].actor_upn, "");
  ASSERT_EQ(r.WarningsOf("partial-columns").size(), 1u);
  EXPECT_THAT(r.warnings[0].detail, Not(HasSubstr("workload")));
}

TEST_F(PartialCsvTest, CultureDatesAndNoNoteWhenNothingIsMissing) {
  ParseResult r =
      RunParser(*parser_,
                "TimeGenerated [UTC],Id,UserId,ClientIP,Operation,MailboxOwnerUPN,LogonType,"
                "ClientInfoString,SessionId,Workload,Item\n"
                "\"4/28/2021, 2:54:37.000 PM\",A1,u@x.example,203.0.113.9,Send,u@x.example,Owner,"
                "Client=OWA,s1,Exchange,\n"
                "\"5/13/2021, 1:00:00.000 AM\",A2,u@x.example,203.0.113.9,Send,u@x.example,0,"
                "Client=OWA,s1,Exchange,\n");
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_TRUE(r.WarningsOf("partial-columns").empty());
  EXPECT_EQ(r.events[0].time_ms, 1619621677000);  // 28 April 2021 14:54:37 UTC
  EXPECT_EQ(r.events[1].time_ms, 1620867600000);  // 13 May 2021 01:00
  EXPECT_EQ(r.events[0].record_id, "a1");
  EXPECT_EQ(r.events[0].logon_type, kLogonOwner);
}

}  // namespace
}  // namespace tern
