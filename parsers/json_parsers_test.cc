#include "parsers/json_parsers.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/time.h"
#include "core/ingest/parser.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parsers/builtin.h"
#include "parsers/json_test_util.h"

namespace tern {
namespace {

using testing::CollectingSink;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::JsonFixture;
using testing::ReadFixture;

constexpr char kInboxRuleId[] = "85d29e27-be28-4f2c-96c8-08dbbe33c473";
constexpr char kMailItemsId[] = "461a38ce-fc36-4a4d-b73e-643262cc063f";
constexpr char kCreateId[] = "3be78a31-dbd3-4c2c-eaf9-08d7b3cc8226";
constexpr char kRulesId[] = "6f1b2c3d-0000-4000-8000-00000000000d";

std::vector<std::string> Ids(const CollectingSink& sink) {
  std::vector<std::string> out;
  for (const Event& e : sink.events) out.push_back(e.record_id);
  return out;
}

std::vector<std::string> Times(const CollectingSink& sink) {
  std::vector<std::string> out;
  for (const Event& e : sink.events) out.push_back(FormatRfc3339(e.time_ms));
  return out;
}

std::vector<uint64_t> Lines(const CollectingSink& sink) {
  std::vector<uint64_t> out;
  for (const Event& e : sink.events) out.push_back(e.provenance.line);
  return out;
}

struct Parsed {
  CollectingSink sink;
  uint64_t rejected = 0;
};

std::unique_ptr<Parsed> Parse(const Parser& parser, std::string_view fixture, size_t chunk = 4096) {
  auto p = std::make_unique<Parsed>();
  std::string text = ReadFixture(JsonFixture(fixture));
  EXPECT_FALSE(text.empty()) << fixture;
  absl::Status status = testing::RunParser(parser, text, &p->sink, &p->rejected, chunk);
  EXPECT_TRUE(status.ok()) << status;
  return p;
}

TEST(UalJsonParserTest, JsonLines) {
  auto parser = MakeUalJsonParser();
  EXPECT_EQ(parser->name(), "ual-json");
  auto p = Parse(*parser, "ual_records.jsonl");
  EXPECT_EQ(p->rejected, 0u);
  EXPECT_THAT(Ids(p->sink), ElementsAre(kInboxRuleId, kMailItemsId, kCreateId, kRulesId));
  EXPECT_THAT(Times(p->sink), ElementsAre("2023-09-26T01:56:15Z", "2023-09-15T18:16:53Z",
                                          "2020-02-17T17:12:03Z", "2023-09-15T18:20:11Z"));
  EXPECT_THAT(Lines(p->sink), ElementsAre(1, 2, 3, 4));
  const Event& e = p->sink.events[1];
  EXPECT_EQ(e.provenance, (Provenance{7, 2, 2}));
  EXPECT_EQ(e.operation, "MailItemsAccessed");
  EXPECT_EQ(e.items.size(), 2u);
  // The raw bytes are the line without its CRLF.
  std::string text = ReadFixture(JsonFixture("ual_records.jsonl"));
  EXPECT_EQ(p->sink.raws[0], text.substr(0, text.find("\r\n")));
  EXPECT_TRUE(p->sink.warnings.empty());
}

TEST(UalJsonParserTest, ConcatenatedPrettyArraysAndBareObject) {
  auto parser = MakeUalJsonParser();
  auto p = Parse(*parser, "ual_concat.json", /*chunk=*/7);
  EXPECT_EQ(p->rejected, 0u);
  EXPECT_THAT(Ids(p->sink), ElementsAre(kInboxRuleId, kMailItemsId, kCreateId, kRulesId));
  EXPECT_THAT(Lines(p->sink), ElementsAre(2, 57, 113, 149));
  EXPECT_EQ(p->sink.events[3].provenance, (Provenance{7, 149, 4}));
  EXPECT_EQ(p->sink.events[0].parameters.size(), 7u);
  EXPECT_EQ(p->sink.events[3].client_ip, "2001:db8::abcd");
  EXPECT_EQ(p->sink.raws[3].front(), '{');
  EXPECT_EQ(p->sink.raws[3].back(), '}');
}

TEST(UalJsonParserTest, CutLineIsKeptFlaggedAndNoiseIsRejectedWithItsLine) {
  auto parser = MakeUalJsonParser();
  auto p = Parse(*parser, "ual_damaged.jsonl");
  EXPECT_THAT(Ids(p->sink), ElementsAre(kInboxRuleId, kMailItemsId, kCreateId, kRulesId));
  EXPECT_THAT(Lines(p->sink), ElementsAre(1, 2, 3, 5));
  // Line 2 is cut at 300 characters: what was read of it is kept, flagged,
  // and its raw bytes are exactly the cut line.
  const Event& cut = p->sink.events[1];
  EXPECT_EQ(cut.flags & kFlagAuditDataTruncated, kFlagAuditDataTruncated);
  EXPECT_EQ(cut.operation, "MailItemsAccessed");
  EXPECT_EQ(FormatRfc3339(cut.time_ms), "2023-09-15T18:16:53Z");
  EXPECT_EQ(p->sink.raws[1].size(), 300u);
  std::vector<Warning> truncated = p->sink.WarningsOfKind("auditdata-truncated");
  ASSERT_EQ(truncated.size(), 1u);
  EXPECT_EQ(truncated[0].line, 2u);
  EXPECT_THAT(truncated[0].detail, HasSubstr("cut short"));
  EXPECT_THAT(truncated[0].detail, HasSubstr("after 300 bytes"));
  // The PowerShell message line is not a record.
  EXPECT_EQ(p->rejected, 1u);
  std::vector<Warning> rejects = p->sink.WarningsOfKind("rejected-record");
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].line, 4u);
}

TEST(UalJsonParserTest, CutRecordWithNothingUsableIsRejected) {
  auto parser = MakeUalJsonParser();
  CollectingSink sink;
  uint64_t rejected = 0;
  ASSERT_TRUE(testing::RunParser(*parser,
                                 "{\"CreationTime\":\"2024-01-0\n"
                                 "{\"Id\":\"a1\",\"Operation\":\"Send\",\"CreationTime\":"
                                 "\"2024-01-03T10:00:00\"}\n",
                                 &sink, &rejected)
                  .ok());
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(sink.events[0].record_id, "a1");
  EXPECT_EQ(rejected, 1u);
}

TEST(UalJsonParserTest, RecordsThatAreNotAuditDataAreRejected) {
  auto parser = MakeUalJsonParser();
  CollectingSink sink;
  uint64_t rejected = 0;
  ASSERT_TRUE(testing::RunParser(*parser,
                                 "{\"Id\":\"A\",\"Operation\":\"Send\"}\n{\"foo\":1}\n"
                                 "{\"Id\":\"B\",\"Operation\":x}\n\"{\\\"Id\\\":\\\"C\\\"}\"\n",
                                 &sink, &rejected)
                  .ok());
  EXPECT_THAT(Ids(sink), ElementsAre("a", "c"));
  EXPECT_EQ(rejected, 2u);
  // record_index counts every record, so positions survive rejects.
  EXPECT_EQ(sink.events[1].provenance.record_index, 4u);
}

TEST(MesJsonParserTest, JsonLinesWithDoubleEncodedAuditData) {
  auto parser = MakeMesJsonParser();
  auto p = Parse(*parser, "mes_ual.jsonl");
  EXPECT_EQ(p->rejected, 0u);
  EXPECT_THAT(Ids(p->sink), ElementsAre(kInboxRuleId, kMailItemsId, kRulesId, kCreateId,
                                        "0b5c1e2a-0000-4000-8000-0000000000aa"));
  EXPECT_THAT(Times(p->sink),
              ElementsAre("2023-09-26T01:56:15Z", "2023-09-15T18:16:53Z", "2023-09-15T18:20:11Z",
                          "2020-02-17T17:12:03Z", "2023-09-15T18:30:00Z"));
  const auto& ev = p->sink.events;
  EXPECT_EQ(ev[0].flags, 0u);
  EXPECT_EQ(ev[0].record_type, 1);
  EXPECT_EQ(ev[1].operation_properties.size(), 2u);
  // No CreationTime in AuditData: the wrapper's CreationDate, flagged.
  EXPECT_EQ(ev[2].flags, static_cast<uint32_t>(kFlagTimeFromWrapper));
  EXPECT_EQ(ev[2].operation, "UpdateInboxRules");
  // AuditData is PowerShell "@{...}" text: the wrapper fields survive.
  EXPECT_EQ(ev[4].flags, static_cast<uint32_t>(kFlagAuditDataTruncated | kFlagTimeFromWrapper));
  EXPECT_EQ(ev[4].operation, "Send");
  EXPECT_EQ(ev[4].record_type, 2);
  EXPECT_EQ(ev[4].actor_upn, "user1");
  std::vector<Warning> unparseable = p->sink.WarningsOfKind("auditdata-unparseable");
  ASSERT_EQ(unparseable.size(), 1u);
  EXPECT_EQ(unparseable[0].line, 5u);
  std::vector<Warning> gaps = p->sink.WarningsOfKind("result-index-gap");
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].line, 3u);
  EXPECT_THAT(gaps[0].detail, HasSubstr("from 2 to 4"));
  std::vector<Warning> anomalies = p->sink.WarningsOfKind("result-index-anomaly");
  ASSERT_EQ(anomalies.size(), 1u);
  EXPECT_EQ(anomalies[0].line, 4u);
  EXPECT_THAT(anomalies[0].detail, HasSubstr("1 of 5 records"));
}

TEST(MesJsonParserTest, PrettyJsonWithParsedAuditData) {
  auto parser = MakeMesJsonParser();
  auto p = Parse(*parser, "mes_ual.json", /*chunk=*/7);
  EXPECT_EQ(p->rejected, 0u);
  EXPECT_THAT(Ids(p->sink), ElementsAre(kInboxRuleId, kMailItemsId, kCreateId));
  EXPECT_THAT(Times(p->sink),
              ElementsAre("2023-09-26T01:56:15Z", "2023-09-15T18:16:53Z", "2020-02-17T17:12:03Z"));
  EXPECT_THAT(Lines(p->sink), ElementsAre(2, 71, 141));
  EXPECT_EQ(p->sink.events[1].items[1].size_bytes, 1156492);
  EXPECT_EQ(p->sink.events[2].items[0].subject, "The new SIEMTest group is ready");
  EXPECT_TRUE(p->sink.warnings.empty());
}

TEST(MesJsonParserTest, SequenceEndingShortOfResultCountIsReported) {
  auto parser = MakeMesJsonParser();
  std::string text;
  for (int i = 1; i <= 3; ++i) {
    text += "{\"RecordType\":\"ExchangeItem\",\"CreationDate\":\"2024-01-01T00:00:0" +
            std::to_string(i) + "\",\"Operations\":\"Send\",\"Identity\":\"id" + std::to_string(i) +
            "\",\"AuditData\":\"\",\"ResultIndex\":" + std::to_string(i) + ",\"ResultCount\":5}\n";
  }
  CollectingSink sink;
  ASSERT_TRUE(testing::RunParser(*parser, text, &sink).ok());
  EXPECT_THAT(Ids(sink), ElementsAre("id1", "id2", "id3"));
  std::vector<Warning> gaps = sink.WarningsOfKind("result-index-gap");
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_THAT(gaps[0].detail, HasSubstr("ends at 3 of ResultCount 5"));
}

TEST(MesJsonParserTest, InvalidUtf8InTheWrapperKeepsTheRecord) {
  auto parser = MakeMesJsonParser();
  CollectingSink sink;
  uint64_t rejected = 0;
  ASSERT_TRUE(testing::RunParser(*parser,
                                 "{\"RecordType\":\"ExchangeItem\",\"UserIds\":\"J\xE9r\xF4me\","
                                 "\"Operations\":\"Send\",\"AuditData\":\"{\\\"Id\\\":\\\"X\\\","
                                 "\\\"CreationTime\\\":\\\"2024-02-01T10:00:00\\\"}\"}\n",
                                 &sink, &rejected)
                  .ok());
  EXPECT_EQ(rejected, 0u);
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(sink.events[0].flags, static_cast<uint32_t>(kFlagInvalidUtf8));
  EXPECT_EQ(sink.events[0].record_id, "x");
  EXPECT_EQ(sink.events[0].actor_upn, "J\uFFFDr\uFFFDme");
  EXPECT_EQ(FormatRfc3339(sink.events[0].time_ms), "2024-02-01T10:00:00Z");
}

TEST(GraphJsonParserTest, ValuePage) {
  auto parser = MakeGraphJsonParser();
  auto p = Parse(*parser, "graph_page.json", /*chunk=*/7);
  EXPECT_EQ(p->rejected, 0u);
  EXPECT_THAT(Ids(p->sink), ElementsAre(kMailItemsId, "40706737-7eca-f9a1-97a5-dedd3260e24a"));
  EXPECT_THAT(Times(p->sink), ElementsAre("2023-09-15T18:16:53Z", "2024-01-10T08:00:00Z"));
  EXPECT_THAT(Lines(p->sink), ElementsAre(4, 74));
  const Event& a = p->sink.events[0];
  EXPECT_EQ(a.flags, 0u);
  EXPECT_EQ(a.record_type, 50);
  EXPECT_EQ(a.folders.size(), 1u);
  const Event& b = p->sink.events[1];
  EXPECT_EQ(b.flags, static_cast<uint32_t>(kFlagTimeFromWrapper));
  EXPECT_EQ(b.record_type, 1);  // "ExchangeAdmin"
  EXPECT_EQ(b.user_type, 2);    // "Admin"
  EXPECT_EQ(b.operation, "Set-Mailbox");
  EXPECT_EQ(b.actor_upn, "admin@contoso.com");
  EXPECT_EQ(b.client_ip, "2603:1036:4:3f::5");
  EXPECT_EQ(b.object_id, "victim@contoso.com");
  EXPECT_EQ(b.workload, "Exchange");
  ASSERT_EQ(b.parameters.size(), 3u);
  EXPECT_EQ(b.parameters[1], (NameValue{"ForwardingSmtpAddress", "smtp:drop@evil.example", true}));
  EXPECT_TRUE(p->sink.warnings.empty());
}

TEST(GraphJsonParserTest, ExtractorSuiteArrayWithStringAndNullAuditData) {
  auto parser = MakeGraphJsonParser();
  auto p = Parse(*parser, "graph_records.json");
  EXPECT_EQ(p->rejected, 0u);
  EXPECT_THAT(Ids(p->sink), ElementsAre(kCreateId, "0c7f38b2-5d4e-4f60-9a1b-2c3d4e5f6a7b"));
  EXPECT_THAT(Times(p->sink), ElementsAre("2020-02-17T17:12:03Z", "2024-01-11T09:30:00Z"));
  EXPECT_THAT(Lines(p->sink), ElementsAre(1, 16));
  EXPECT_EQ(p->sink.events[0].flags, 0u);
  EXPECT_EQ(p->sink.events[0].items.size(), 1u);
  const Event& b = p->sink.events[1];
  EXPECT_EQ(b.flags, static_cast<uint32_t>(kFlagTimeFromWrapper));
  EXPECT_EQ(b.record_type, 3);  // "exchangeItemGroup"
  EXPECT_EQ(b.operation, "HardDelete");
  EXPECT_EQ(b.actor_upn, "bob@contoso.com");
  EXPECT_EQ(b.client_ip, "198.51.100.7");
}

TEST(SentinelJsonParserTest, RealGoldenSamlSample) {
  auto parser = MakeSentinelJsonParser();
  auto p = Parse(*parser, "otrf_goldensaml_OfficeActivityEvents.json");
  EXPECT_EQ(p->rejected, 0u);
  ASSERT_EQ(p->sink.events.size(), 1u);
  const Event& e = p->sink.events[0];
  EXPECT_EQ(e.operation, "MailItemsAccessed");
  // TimeGenerated (the record's time), not Start_Time (the batch's).
  EXPECT_EQ(FormatRfc3339(e.time_ms), "2021-08-02T13:32:07Z");
  EXPECT_EQ(e.flags, 0u);
  EXPECT_EQ(e.app_id, "00000003-0000-0000-c000-000000000000");
  EXPECT_EQ(e.client_app_id, "5a95e683-08ad-424e-a441-1d1aec52c02c");
  EXPECT_EQ(e.record_id, "699e0b10-1c53-403e-976f-ce0847a92b44");
  EXPECT_EQ(e.record_type, 50);
  EXPECT_EQ(e.workload, "Exchange");
  EXPECT_EQ(e.user_type, 0);
  EXPECT_EQ(e.logon_type, kLogonOwner);
  EXPECT_EQ(e.external_access, 0);
  EXPECT_EQ(e.client_ip, "1.2.3.4");
  EXPECT_EQ(e.client_info, "Client=REST;;");
  EXPECT_EQ(e.mailbox_guid, "d0c5f8ae-9ed7-4e46-bfdf-ea1460f5a31b");
  EXPECT_THAT(e.folders, ElementsAre("\\Inbox"));
  ASSERT_EQ(e.items.size(), 7u);
  EXPECT_EQ(e.items[1].message_id,
            "<AB1CD23EF4567DAC24353B8AD047DDEB0B1EB9@AB1CD23EF4567.abcdef12.prod.outlook.com>");
  EXPECT_EQ(e.items[1].folder, "\\Inbox");
  EXPECT_THAT(e.operation_properties, ElementsAre(NameValue{"MailAccessType", "Bind", true},
                                                  NameValue{"IsThrottled", "False", true}));
  EXPECT_EQ(Event::Find(e.extra, "OriginatingServer")->value, "AB1CD23EF4567 (15.20.4200.000)");
}

TEST(SentinelJsonParserTest, HandWrittenRows) {
  auto parser = MakeSentinelJsonParser();
  auto p = Parse(*parser, "sentinel_rows.json");
  EXPECT_EQ(p->rejected, 0u);
  EXPECT_THAT(Ids(p->sink), ElementsAre("5fe96415-d129-4e4b-64b7-08d90a528ec7",
                                        "8ad5ae00-73a9-41e5-c35d-08d90a520461"));
  EXPECT_THAT(Times(p->sink), ElementsAre("2021-04-28T14:33:14Z", "2021-04-28T14:41:58Z"));
  EXPECT_THAT(Lines(p->sink), ElementsAre(2, 25));
  const Event& a = p->sink.events[0];
  EXPECT_EQ(a.flags, 0u);
  EXPECT_EQ(a.record_type, 1);
  EXPECT_EQ(a.client_ip, "2001:db8:100::7");
  EXPECT_EQ(a.object_id, "user@contoso.com\\do not open");
  ASSERT_EQ(a.parameters.size(), 4u);
  EXPECT_EQ(a.parameters[1], (NameValue{"MoveToFolder", "Junk Email", true}));
  const Event& b = p->sink.events[1];
  EXPECT_EQ(b.flags, static_cast<uint32_t>(kFlagTimeFromWrapper));  // Start_Time only
  EXPECT_EQ(b.record_type, 3);
  EXPECT_EQ(b.logon_type, kLogonDelegate);
  EXPECT_EQ(b.external_access, 0);
  EXPECT_EQ(b.client_ip, "203.0.113.9");
  EXPECT_EQ(b.mailbox_guid, "d0c5f8ae-9ed7-4e46-bfdf-ea1460f5a31b");
  EXPECT_THAT(b.folders, ElementsAre("\\Inbox", "\\Deleted Items"));
  ASSERT_EQ(b.items.size(), 2u);
  EXPECT_EQ(b.items[1].subject, "Re: wire");
}

// Sniff() must pick exactly one JSON format per shape, and none for others.
TEST(JsonSniffTest, DecisiveBetweenShapes) {
  std::vector<std::unique_ptr<Parser>> parsers;
  parsers.push_back(MakeUalJsonParser());
  parsers.push_back(MakeMesJsonParser());
  parsers.push_back(MakeGraphJsonParser());
  parsers.push_back(MakeSentinelJsonParser());
  auto winners = [&](std::string_view head) {
    std::vector<std::string> out;
    for (const auto& p : parsers) {
      if (p->Sniff(head) > 0) out.emplace_back(p->name());
    }
    return out;
  };
  auto file = [](std::string_view name) { return ReadFixture(JsonFixture(name)); };
  EXPECT_THAT(winners(file("ual_records.jsonl")), ElementsAre("ual-json"));
  EXPECT_THAT(winners(file("ual_concat.json")), ElementsAre("ual-json"));
  EXPECT_THAT(winners(file("ual_damaged.jsonl")), ElementsAre("ual-json"));
  EXPECT_THAT(winners(file("mes_ual.jsonl")), ElementsAre("mes-json"));
  EXPECT_THAT(winners(file("mes_ual.json")), ElementsAre("mes-json"));
  EXPECT_THAT(winners(file("graph_page.json")), ElementsAre("graph-json"));
  EXPECT_THAT(winners(file("graph_records.json")), ElementsAre("graph-json"));
  EXPECT_THAT(winners(file("sentinel_rows.json")), ElementsAre("sentinel-json"));
  EXPECT_THAT(winners(file("otrf_goldensaml_OfficeActivityEvents.json")),
              ElementsAre("sentinel-json"));
  // A head cut in the middle of the first record still decides.
  EXPECT_THAT(winners(file("mes_ual.jsonl").substr(0, 400)), ElementsAre("mes-json"));
  // Records serialized twice, one per line (ConvertTo-Json of AuditData).
  EXPECT_THAT(winners("\"{\\\"CreationTime\\\":\\\"2024-01-01T00:00:00\\\",\\\"Id\\\":\\\"a\\\","
                      "\\\"Operation\\\":\\\"Send\\\",\\\"Workload\\\":\\\"Exchange\\\"}\"\n"),
              ElementsAre("ual-json"));
  EXPECT_THAT(winners("[{\"Operation\":\"Send\",\"OfficeWorkload\":\"Exchange\",\"UserId\":\"a\","
                      "\"RecordType\":\"2\",\"OfficeId\":\"x\"}]"),
              ElementsAre("sentinel-json"));
  EXPECT_TRUE(winners("{\"foo\":1,\"bar\":[1,2]}").empty());
  EXPECT_TRUE(winners("[1,2,3]").empty());
  EXPECT_TRUE(winners("{\"Id\":\"x\",\"Name\":\"y\"}").empty());
  EXPECT_TRUE(winners("RecordId,CreationDate,RecordType,Operation,UserId,AuditData\r\n").empty());
  EXPECT_TRUE(winners("<Event MailboxGuid=\"x\" Operation=\"HardDelete\" />").empty());
  EXPECT_TRUE(winners("").empty());
}

TEST(JsonSniffTest, RegistryDetectsEachFixture) {
  ParserRegistry registry;
  ASSERT_TRUE(RegisterBuiltinParsers(registry).ok());
  auto detect = [&](std::string_view fixture) -> std::string {
    std::string head = ReadFixture(JsonFixture(fixture)).substr(0, kSniffBytes);
    const Parser* p = registry.Detect(head);
    return p ? std::string(p->name()) : "<none>";
  };
  EXPECT_EQ(detect("ual_records.jsonl"), "ual-json");
  EXPECT_EQ(detect("ual_concat.json"), "ual-json");
  EXPECT_EQ(detect("mes_ual.jsonl"), "mes-json");
  EXPECT_EQ(detect("mes_ual.json"), "mes-json");
  EXPECT_EQ(detect("graph_page.json"), "graph-json");
  EXPECT_EQ(detect("graph_records.json"), "graph-json");
  EXPECT_EQ(detect("sentinel_rows.json"), "sentinel-json");
  EXPECT_EQ(detect("otrf_goldensaml_OfficeActivityEvents.json"), "sentinel-json");
  EXPECT_EQ(detect("mailbox_audit.xml"), "mailbox-audit-xml");
}

}  // namespace
}  // namespace tern
