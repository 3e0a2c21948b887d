// ual-flat-csv on a Get-UAL -AuditDataOnly style export
// (fixtures/formats/csv/README.md).
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parsers/csv_parsers.h"
#include "parsers/csv_test_util.h"

namespace tern {
namespace {

using testing_csv::ParseResult;
using testing_csv::ReadDecoded;
using testing_csv::RunParser;

const std::string kCsvDir = std::string(TERN_FIXTURES_DIR) + "/formats/csv/";

TEST(UalFlatCsvTest, SniffOnlyTheFlatShape) {
  std::unique_ptr<Parser> parser = MakeUalFlatCsvParser();
  EXPECT_EQ(parser->name(), "ual-flat-csv");
  EXPECT_EQ(parser->Sniff(ReadDecoded(kCsvDir + "ual_flat_basic.csv")), 80);
  EXPECT_EQ(parser->Sniff("CreationTime,Id,Operation,Workload\n"), 80);
  for (const char* other : {"purview_basic.csv", "sual_au.csv", "mailbox_audit_basic.csv",
                            "sentinel_training_lab_office_activity_inbox_rule.csv"}) {
    EXPECT_EQ(parser->Sniff(ReadDecoded(kCsvDir + other)), 0) << other;
  }
  EXPECT_EQ(parser->Sniff("CreationTime,Operation\n"), 0);
  const std::string flat = ReadDecoded(kCsvDir + "ual_flat_basic.csv");
  for (auto make : {MakePurviewCsvParser, MakeSualCsvParser, MakeSentinelCsvParser,
                    MakeMailboxAuditCsvParser}) {
    EXPECT_EQ(make()->Sniff(flat), 0);
  }
}

TEST(UalFlatCsvTest, AuditDataOnlyExport) {
  std::unique_ptr<Parser> parser = MakeUalFlatCsvParser();
  ParseResult r = RunParser(*parser, ReadDecoded(kCsvDir + "ual_flat_basic.csv"), 11);
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.events.size(), 3u);
  EXPECT_EQ(r.rejected, 0u);
  EXPECT_TRUE(r.warnings.empty());

  const Event& mia = r.events[0];
  EXPECT_EQ(mia.record_id, "2c0e6f1a-3b7d-4e29-9a51-08dbbe32a001");
  EXPECT_EQ(mia.time_ms, 1695692702000);  // 2023-09-26T01:45:02Z
  EXPECT_EQ(mia.flags, 0u);
  EXPECT_EQ(mia.record_type, 50);
  EXPECT_EQ(mia.logon_type, kLogonOwner);
  EXPECT_EQ(mia.client_ip, "203.0.113.77");
  // "System.Object[]" placeholders carry nothing and are dropped.
  EXPECT_TRUE(mia.operation_properties.empty());
  EXPECT_TRUE(mia.folders.empty());
  EXPECT_EQ(mia.provenance.line, 2u);

  const Event& rule = r.events[1];
  EXPECT_EQ(rule.operation, "New-InboxRule");
  EXPECT_EQ(rule.time_ms, 1695693375000);  // 2023-09-26T01:56:15Z
  EXPECT_EQ(rule.user_type, 2);
  EXPECT_EQ(rule.client_ip_raw, "203.0.113.77:19823");
  EXPECT_EQ(rule.provenance.line, 4u);  // row 1 spans lines 2-3 (OriginatingServer CRLF)
  EXPECT_EQ(rule.mailbox_upn, "");

  const Event& send = r.events[2];
  EXPECT_EQ(send.record_type, 2);
  EXPECT_TRUE(send.items.empty());  // "@{Id=...; Subject=...}" is PowerShell text, not data
  EXPECT_EQ(send.provenance.line, 5u);
}

}  // namespace
}  // namespace tern
