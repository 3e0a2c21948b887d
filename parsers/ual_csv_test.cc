// purview-csv and sual-csv: sniffing, and parsing of hand-written fixtures
// (fixtures/formats/csv/README.md) and inline edge cases.
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parsers/csv_common.h"
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

// Times below are UTC epoch milliseconds, written out so that a wrong
// parse cannot agree with itself.
constexpr TimeMs k0145_02 = 1695692702000;  // 2023-09-26T01:45:02Z
constexpr TimeMs k0156_15 = 1695693375000;  // 2023-09-26T01:56:15Z
constexpr TimeMs k0158_40 = 1695693520000;  // 2023-09-26T01:58:40Z
constexpr TimeMs k0203_11 = 1695693791000;  // 2023-09-26T02:03:11Z
constexpr TimeMs k0205_30 = 1695693930000;  // 2023-09-26T02:05:30Z
constexpr TimeMs k0208_19 = 1695694099000;  // 2023-09-26T02:08:19Z
constexpr TimeMs k0210_02 = 1695694202000;  // 2023-09-26T02:10:02Z

class UalCsvTest : public ::testing::Test {
 protected:
  std::unique_ptr<Parser> purview_ = MakePurviewCsvParser();
  std::unique_ptr<Parser> sual_ = MakeSualCsvParser();
};

TEST_F(UalCsvTest, Names) {
  EXPECT_EQ(purview_->name(), "purview-csv");
  EXPECT_EQ(sual_->name(), "sual-csv");
}

TEST_F(UalCsvTest, SniffIsDecisiveBetweenPortalAndExportCsv) {
  const std::string purview = ReadDecoded(kCsvDir + "purview_basic.csv");
  EXPECT_EQ(purview_->Sniff(purview), 90);
  EXPECT_EQ(sual_->Sniff(purview), 0);

  const std::string sual = ReadDecoded(kCsvDir + "sual_au.csv");
  EXPECT_EQ(sual_->Sniff(sual), 90);
  EXPECT_EQ(purview_->Sniff(sual), 0);

  // Classic portal export: unquoted 4-column header.
  const std::string classic = "CreationDate,UserIds,Operations,AuditData\r\n";
  EXPECT_EQ(purview_->Sniff(classic), 90);
  EXPECT_EQ(sual_->Sniff(classic), 0);
  // Microsoft's recipe through Export-Csv: no PowerShell columns, but quoted.
  const std::string recipe = "\"CreationDate\",\"UserIds\",\"RecordType\",\"AuditData\"\r\n";
  EXPECT_EQ(sual_->Sniff(recipe), 90);
  EXPECT_EQ(purview_->Sniff(recipe), 0);
  // A header cut by the end of the sniff window still counts.
  EXPECT_EQ(purview_->Sniff("RecordId,CreationDate,RecordType,Operation,UserId,AuditData"), 90);

  for (const char* other : {
           "{\"CreationTime\":\"2023-09-26T01:56:15\",\"AuditData\":1}\n",
           "[{\"AuditData\":\"x\"}]",
           "TenantId,Application,RecordType,TimeGenerated [UTC],Operation,OfficeWorkload\r\n",
           "Operation,OperationResult,LogonType,LastAccessed\r\n",
           "",
       }) {
    EXPECT_EQ(purview_->Sniff(other), 0) << other;
    EXPECT_EQ(sual_->Sniff(other), 0) << other;
  }
}

TEST_F(UalCsvTest, PurviewBasicFixture) {
  const std::string text = ReadDecoded(kCsvDir + "purview_basic.csv");
  ParseResult r = RunParser(*purview_, text, /*chunk=*/97);
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.events.size(), 7u);
  EXPECT_EQ(r.rejected, 1u);
  std::vector<Warning> rejects = r.WarningsOf("rejected-record");
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].line, 7u);
  EXPECT_EQ(rejects[0].source, "test.csv");
  EXPECT_TRUE(r.WarningsOf("ambiguous-date-order").empty());
  EXPECT_EQ(r.warnings.size(), 1u);

  std::vector<TimeMs> times;
  for (const Event& e : r.events) times.push_back(e.time_ms);
  EXPECT_THAT(times,
              ElementsAre(k0145_02, k0156_15, k0158_40, k0203_11, k0205_30, k0208_19, k0210_02));

  // The verbatim New-InboxRule row of FORMATS.md §1.1.
  const Event* rule = r.ById("85d29e27-be28-4f2c-96c8-08dbbe33c473");
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->operation, "New-InboxRule");
  EXPECT_EQ(rule->record_type, 1);
  EXPECT_EQ(rule->actor_upn, "DebraB@M365B132131.OnMicrosoft.com");
  EXPECT_EQ(rule->client_ip_raw, "203.0.113.77:19823");
  EXPECT_EQ(rule->client_ip, "203.0.113.77");
  EXPECT_EQ(rule->flags, 0u);
  ASSERT_NE(Event::Find(rule->parameters, "From"), nullptr);
  EXPECT_EQ(Event::Find(rule->parameters, "From")->value, "flag@ctf.com");
  EXPECT_EQ(Event::Find(rule->parameters, "MoveToFolder")->value, "Conversation History");
  EXPECT_EQ(rule->provenance.evidence, 7u);
  EXPECT_EQ(rule->provenance.line, 3u);
  EXPECT_EQ(rule->provenance.record_index, 2u);
  // The raw bytes are the file's line 3, verbatim.
  const size_t line3 = text.find("\r\n85d29e27") + 2;
  EXPECT_EQ(r.raws[1], text.substr(line3, text.find("\r\n", line3) - line3));
  EXPECT_EQ(r.raws[1].substr(r.raws[1].size() - 4), "}\",,");

  const Event* bind = r.ById("6b4d2e90-1f3a-4c85-b7e2-08dbbe33d102");
  ASSERT_NE(bind, nullptr);
  EXPECT_EQ(bind->record_type, 50);
  EXPECT_EQ(bind->client_ip, "203.0.113.77");
  EXPECT_EQ(bind->mailbox_guid, "9a1f3c0e-5b7d-4c2e-8f6a-2d4b6c8e0a13");
  EXPECT_EQ(bind->logon_type, kLogonOwner);
  ASSERT_EQ(bind->items.size(), 2u);
  EXPECT_EQ(bind->items[1].size_bytes, 12774);
  EXPECT_EQ(bind->items[0].folder, "\\Inbox");
  EXPECT_EQ(Event::Find(bind->operation_properties, "MailAccessType")->value, "Bind");

  const Event* send = r.ById("a7f3c1d5-9e2b-4f60-8d4a-08dbbe34b0c7");
  ASSERT_NE(send, nullptr);
  ASSERT_EQ(send->items.size(), 1u);
  EXPECT_EQ(send->items[0].subject, "RE: Updated banking details for invoice #4471");

  const Event* del = r.ById("d1e8b2a4-6c3f-4a97-95b1-08dbbe34e5f9");
  ASSERT_NE(del, nullptr);
  EXPECT_EQ(del->operation, "SoftDelete");
  EXPECT_EQ(del->record_type, 3);
  ASSERT_EQ(del->items.size(), 1u);
  EXPECT_EQ(del->items[0].folder, "\\Sent Items");

  // No CreationTime in AuditData: the US-style CreationDate is used, flagged.
  const Event* fallback = r.ById("e3c7a9f1-8b2d-4d56-9c0e-08dbbe35f7a8");
  ASSERT_NE(fallback, nullptr);
  EXPECT_EQ(fallback->time_ms, k0208_19);
  EXPECT_EQ(fallback->flags, static_cast<uint32_t>(kFlagTimeFromWrapper));
  EXPECT_EQ(fallback->provenance.line, 8u);
  EXPECT_EQ(fallback->provenance.record_index, 7u);

  const Event* fwd = r.ById("5b2e8d71-0c4f-4e3a-b9d6-08dbbe36c3e2");
  ASSERT_NE(fwd, nullptr);
  EXPECT_EQ(Event::Find(fwd->parameters, "ForwardingSmtpAddress")->value,
            "smtp:debra.b.archive@proton.example");
  EXPECT_EQ(fwd->client_ip, "203.0.113.77");
}

TEST_F(UalCsvTest, SualDayFirstFixture) {
  const std::string text = ReadDecoded(kCsvDir + "sual_au.csv");
  ParseResult r = RunParser(*sual_, text, /*chunk=*/5);
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.events.size(), 4u);
  EXPECT_EQ(r.rejected, 0u);
  EXPECT_TRUE(r.WarningsOf("ambiguous-date-order").empty());

  EXPECT_EQ(r.events[0].time_ms, 1764747094000);  // 2025-12-03T07:31:34Z
  EXPECT_EQ(r.events[0].record_id, "8b236c9f-f890-4078-97e1-5e8d8abe4680");
  EXPECT_EQ(r.events[0].provenance.line, 3u);  // after the #TYPE line and the header
  EXPECT_EQ(r.events[0].client_ip, "110.175.56.190");
  EXPECT_EQ(r.events[1].client_ip, "2001:db8::abcd");

  // "5/12/2025 9:00:00 AM" read day-first because row 1's wrapper date only
  // matches its CreationTime that way; the id comes from Identity.
  const Event* moved = r.ById("7c4a9e21-55d0-4b8f-a1e3-08de3b000001");
  ASSERT_NE(moved, nullptr);
  EXPECT_EQ(moved->time_ms, 1764925200000);  // 2025-12-05T09:00:00Z
  EXPECT_TRUE(moved->flags & kFlagTimeFromWrapper);
  EXPECT_EQ(moved->operation, "MoveToDeletedItems");

  std::vector<Warning> anomaly = r.WarningsOf("result-index-anomaly");
  ASSERT_EQ(anomaly.size(), 1u);
  EXPECT_EQ(anomaly[0].line, 6u);
  EXPECT_THAT(anomaly[0].detail, HasSubstr("1 record(s) with ResultIndex -1"));
  EXPECT_THAT(anomaly[0].detail, HasSubstr("1 record(s) missing"));
}

TEST_F(UalCsvTest, AmbiguousDatesDefaultToMonthFirstWithOneWarning) {
  const std::string text =
      "CreationDate,UserIds,Operations,AuditData\r\n"
      "5/12/2025 9:00:00 AM,a@b.example,Send,\"{\"\"Operation\"\":\"\"Send\"\"}\"\r\n"
      "6/12/2025 9:00:00 AM,a@b.example,Send,\"{\"\"Operation\"\":\"\"Send\"\"}\"\r\n";
  ParseResult r = RunParser(*purview_, text);
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].time_ms, 1747040400000);  // 2025-05-12T09:00:00Z
  EXPECT_EQ(r.events[0].actor_upn, "a@b.example");
  EXPECT_EQ(r.WarningsOf("ambiguous-date-order").size(), 1u);
}

TEST_F(UalCsvTest, ForcedOrderIsCorrectedByLaterEvidence) {
  // More ambiguous fallback rows than the emitter holds back, then a date
  // that is only valid day-first.
  std::string text = "CreationDate,Operations,AuditData\n";
  const std::string row = ",Send,\"{\"\"Operation\"\":\"\"Send\"\"}\"\n";
  for (size_t i = 0; i < DatedEmitter::kMaxPendingRecords; ++i) {
    text += "5/6/2025 9:00:00 AM" + row;
  }
  text += "13/6/2025 9:00:00 AM" + row + "5/6/2025 9:00:00 AM" + row;
  ParseResult r = RunParser(*purview_, text, 1 << 16);
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.events.size(), DatedEmitter::kMaxPendingRecords + 2);
  EXPECT_EQ(r.events[0].time_ms, 1746522000000);         // 2025-05-06T09:00:00Z (assumed US)
  EXPECT_EQ(r.events.end()[-2].time_ms, 1749805200000);  // 2025-06-13T09:00:00Z
  EXPECT_EQ(r.events.back().time_ms, 1749114000000);     // 2025-06-05T09:00:00Z (day-first)
  std::vector<Warning> w = r.WarningsOf("ambiguous-date-order");
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[1].line, DatedEmitter::kMaxPendingRecords + 2);
  EXPECT_THAT(w[1].detail, HasSubstr("may be wrong"));
}

TEST_F(UalCsvTest, ClassicExportWithIsoDatesAndNoId) {
  const std::string text =
      "CreationDate,UserIds,Operations,AuditData\r\n"
      "2023-09-26T01:56:15.0000000Z,DebraB@x.example,New-InboxRule,"
      "\"{\"\"Operation\"\":\"\"New-InboxRule\"\",\"\"RecordType\"\":1}\"\r\n";
  ParseResult r = RunParser(*purview_, text);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].time_ms, k0156_15);
  EXPECT_EQ(r.events[0].flags, static_cast<uint32_t>(kFlagTimeFromWrapper));
  EXPECT_EQ(r.events[0].record_id, "");
  EXPECT_TRUE(r.warnings.empty());
}

TEST_F(UalCsvTest, TruncatedAuditDataIsKeptAndFlagged) {
  const std::string text =
      "RecordId,CreationDate,RecordType,Operation,UserId,AuditData\n"
      "AB12,9/26/2023 1:56:15 AM,1,Set-Mailbox,u@x.example,"
      "\"{\"\"CreationTime\"\":\"\"2023-09-26T01:56:15\"\",\"\"Operation\"\":\"\"Set-Mailbox\"\","
      "\"\"Parameters\"\":[{\"\"Name\"\":\"\"ForwardingSmtpAddress\"\",\"\"Val\"\n"
      "CD34,9/26/2023 2:03:11 AM,2,Send,u@x.example,\"{\"\"Id\"\":\"\"E5\"\"}\"\n";
  ParseResult r = RunParser(*purview_, text);
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.rejected, 0u);
  EXPECT_TRUE(r.events[0].flags & kFlagAuditDataTruncated);
  EXPECT_EQ(r.events[0].time_ms, k0156_15);
  EXPECT_EQ(r.events[0].record_id, "ab12");  // from RecordId
  std::vector<Warning> trunc = r.WarningsOf("auditdata-truncated");
  ASSERT_EQ(trunc.size(), 1u);
  EXPECT_EQ(trunc[0].line, 2u);
  // The next row keeps its own Id, and its wrapper time.
  EXPECT_EQ(r.events[1].record_id, "e5");
  EXPECT_EQ(r.events[1].time_ms, k0203_11);
  EXPECT_EQ(r.events[1].record_type, 2);
  EXPECT_EQ(r.events[1].operation, "Send");
}

TEST_F(UalCsvTest, MalformedCsvRowsAreRejectedWithTheirLine) {
  const std::string text =
      "RecordId,CreationDate,RecordType,Operation,UserId,AuditData\n"
      "1,9/26/2023 1:56:15 AM,1,A,u,\"{\"\"Id\"\":\"\"one\"\"}\"\n"
      "2,9/26/2023 1:56:15 AM,1,B,u,\"{\"\"Id\"\":\"\"two\n"
      "3,9/26/2023 1:56:15 AM,1,C,u,\"{\"\"Id\"\":\"\"three\"\"}\"\n"
      ",,,,,\n"
      "4,9/26/2023 1:56:15 AM,1,D,u,not json\n"
      "5,9/26/2023 1:56:15 AM,1,E,u,\"{\"\"Id\"\":\"\"five\"\"}\"\n"
      "6,9/26/2023 1:56:15 AM,1,F,u,\"{\"\"Id\"\":\"\"six";
  ParseResult r = RunParser(*purview_, text, 3);
  ASSERT_TRUE(r.status.ok()) << r.status;
  std::vector<std::string> ids;
  for (const Event& e : r.events) ids.push_back(e.record_id);
  EXPECT_THAT(ids, ElementsAre("one", "three", "five"));
  EXPECT_EQ(r.rejected, 3u);
  std::vector<Warning> rejects = r.WarningsOf("rejected-record");
  ASSERT_EQ(rejects.size(), 3u);
  EXPECT_EQ(rejects[0].line, 3u);
  EXPECT_THAT(rejects[0].detail, HasSubstr("unbalanced-quote"));
  EXPECT_EQ(rejects[1].line, 6u);
  EXPECT_EQ(rejects[2].line, 8u);
  EXPECT_THAT(rejects[2].detail, HasSubstr("unterminated-quote"));
  EXPECT_EQ(r.events[2].provenance.record_index, 6u);
}

TEST_F(UalCsvTest, MissingAuditDataColumnRejectsEveryRow) {
  ParseResult r = RunParser(*purview_, "RecordId,CreationDate\n1,9/26/2023 1:56:15 AM\n2,x\n");
  ASSERT_TRUE(r.status.ok());
  EXPECT_TRUE(r.events.empty());
  EXPECT_EQ(r.rejected, 2u);
  EXPECT_EQ(r.WarningsOf("missing-column").size(), 1u);
}

TEST_F(UalCsvTest, SinkFailureStopsTheParse) {
  class RefusingSink : public EventSink {
   public:
    absl::Status Accept(Event, std::string_view) override {
      return absl::InternalError("store is full");
    }
  } sink;
  ParseContext ctx;
  ctx.events = &sink;
  std::string text = ReadDecoded(kCsvDir + "purview_basic.csv");
  MemoryStream stream(text);
  absl::Status s = purview_->Parse(stream, ctx);
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace tern
