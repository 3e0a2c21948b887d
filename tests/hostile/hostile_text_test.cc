// Hostile text through the real `tern run`: JSON nested 100,000 deep, huge
// CSV cells, broken quoting, invalid UTF-8 and lone surrogates, NUL bytes,
// binary named .csv, empty and header-only files, out-of-range numbers and
// dates, duplicate JSON keys, an XML entity bomb. Every case runs beside a
// good export (hostile_case.h); each checks here the message that names the
// file and line, and which of its own records survive.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/hostile/hostile_case.h"

namespace tern::hostile {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPurviewHeader[] = "RecordId,CreationDate,RecordType,Operation,UserId,AuditData\n";

// One Purview audit-search row around `audit` (AuditData JSON, unquoted).
std::string PurviewRow(const std::string& id, const std::string& audit) {
  return absl::StrCat(id, ",6/1/2024 10:00:00 AM,50,MailItemsAccessed,zoe@fabrikam.example,\"",
                      absl::StrReplaceAll(audit, {{"\"", "\"\""}}), "\"\n");
}

std::string PurviewRecord(const std::string& id, const std::string& extra = "") {
  return PurviewRow(id, JsonRecord(id, extra));
}

std::string Lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) absl::StrAppend(&out, l, "\n");
  return out;
}

using HostileTextTest = HostileTest;

TEST_F(HostileTextTest, JsonNestedHundredThousandDeep) {
  const std::string arrays = std::string(100000, '[') + std::string(100000, ']');
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(100000, '}');
  const std::string path = Input(
      "deep.jsonl", Lines({JsonRecord("deep-before"), arrays, objects, JsonRecord("deep-after")}));
  Outcome o = Run({path});
  EXPECT_THAT(o.messages, HasSubstr(path + " line 3"));
  EXPECT_THAT(o.events, HasSubstr("deep-before"));
  EXPECT_THAT(o.events, HasSubstr("deep-after"));
}

TEST_F(HostileTextTest, AuditDataNestedHundredThousandDeepInCsv) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "{\"a\":";
  deep += "1" + std::string(100000, '}');
  const std::string path =
      Input("deep.csv", kPurviewHeader + PurviewRecord("csv-ok-1") + PurviewRow("csv-deep", deep) +
                            PurviewRecord("csv-ok-2"));
  Outcome o = Run({path});
  EXPECT_THAT(o.messages, HasSubstr(path + " line 3"));
  EXPECT_THAT(o.events, HasSubstr("csv-ok-2"));
}

TEST_F(HostileTextTest, ThirtyMegabyteCsvCellIsKept) {
  const std::string subject = std::string(30 << 20, 'A');
  const std::string path = Input(
      "huge.csv", kPurviewHeader +
                      PurviewRecord("huge-cell", absl::StrCat("\"Subject\":\"", subject, "\"")) +
                      PurviewRecord("after-huge"));
  Outcome o = Run({path});
  const CustodyItem* item = o.Item("/huge.csv");
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->format, "purview-csv");
  EXPECT_EQ(item->stored, 2u) << item->warnings;
  EXPECT_THAT(o.events, HasSubstr("huge-cell"));
}

TEST_F(HostileTextTest, CsvRecordOverTheLimitIsRejectedWithItsLine) {
  const std::string path = Input(
      "over.csv", kPurviewHeader + PurviewRecord("over-1") +
                      PurviewRecord("over-big", absl::StrCat("\"Subject\":\"",
                                                             std::string(3 << 20, 'B'), "\"")) +
                      PurviewRecord("over-2"));
  Outcome o = Run({path}, {"--max-record-bytes", "1M"});
  EXPECT_THAT(o.messages, HasSubstr(path + " line 3: malformed CSV record (record-too-long)"));
  EXPECT_THAT(o.events, HasSubstr("over-2"));
  EXPECT_THAT(o.events, Not(HasSubstr("over-big")));
}

TEST_F(HostileTextTest, JsonRecordOverTheLimitIsRejectedWithItsLine) {
  const std::string path = Input(
      "over.jsonl", Lines({JsonRecord("jover-1"),
                           JsonRecord("jover-big", absl::StrCat("\"Subject\":\"",
                                                                std::string(2 << 20, 'C'), "\"")),
                           JsonRecord("jover-2")}));
  Outcome o = Run({path}, {"--max-record-bytes", "1M"});
  EXPECT_THAT(o.messages, HasSubstr(path + " line 2: JSON record larger than 1048576 bytes"));
  EXPECT_THAT(o.events, HasSubstr("jover-2"));
}

TEST_F(HostileTextTest, UnbalancedQuotes) {
  const std::string path = Input(
      "quotes.csv", kPurviewHeader + PurviewRecord("q-1") +
                        "q-bad,6/1/2024 10:00:00 AM,50,Op,zoe,\"{\"\"Id\"\":\"\"q-bad\"\"}\n" +
                        PurviewRecord("q-2") + "q-bad2,\"unterminated,50,x,y,\"\"z\n" +
                        PurviewRecord("q-3"));
  Outcome o = Run({path});
  EXPECT_THAT(o.messages, HasSubstr(path + " line 3"));
  EXPECT_THAT(o.events, HasSubstr("q-1"));
}

TEST_F(HostileTextTest, QuoteNeverClosedBeforeEndOfFile) {
  const std::string path = Input(
      "eof.csv", kPurviewHeader + PurviewRecord("eof-1") + "eof-2,\"" + std::string(10000, 'x'));
  Outcome o = Run({path});
  EXPECT_THAT(o.messages, HasSubstr(path + " line 3: malformed CSV record (unterminated-quote)"));
  EXPECT_THAT(o.events, HasSubstr("eof-1"));
}

TEST_F(HostileTextTest, InvalidUtf8InJson) {
  const std::string path = Input(
      "utf8.jsonl", Lines({JsonRecord("utf8-1", "\"Subject\":\"\xff\xfe\xc3\x28 \xed\xa0\x80\""),
                           JsonRecord("utf8-2")}));
  Outcome o = Run({path});
  EXPECT_THAT(o.messages, HasSubstr("invalid-utf8: " + path));
  EXPECT_THAT(o.events, HasSubstr("utf8-1"));
  EXPECT_THAT(o.events, HasSubstr("utf8-2"));
}

TEST_F(HostileTextTest, InvalidUtf8InCsv) {
  const std::string path =
      Input("utf8.csv", kPurviewHeader + PurviewRecord("cutf8-1", "\"Subject\":\"\x80\x80\xf8\"") +
                            PurviewRecord("cutf8-2"));
  Outcome o = Run({path});
  EXPECT_THAT(o.messages, HasSubstr("invalid-utf8: " + path));
  EXPECT_THAT(o.events, HasSubstr("cutf8-2"));
}

// `text` (ASCII) as UTF-16LE with a BOM.
std::string Utf16Le(std::string_view text) {
  std::string out = "\xff\xfe";
  for (char c : text) {
    out.push_back(c);
    out.push_back('\0');
  }
  return out;
}

TEST_F(HostileTextTest, LoneSurrogatesInUtf16) {
  // A high surrogate with no low one, and a low one alone.
  std::string data = Utf16Le(std::string(kPurviewHeader) + PurviewRecord("u16-1"));
  data += std::string("\x00\xd8", 2) + Utf16Le("x").substr(2) + std::string("\x00\xdc", 2);
  data += Utf16Le(PurviewRecord("u16-2")).substr(2);
  const std::string path = Input("utf16.csv", data);
  Outcome o = Run({path});
  EXPECT_THAT(o.messages, HasSubstr("invalid-utf16: " + path));
  EXPECT_THAT(o.events, HasSubstr("u16-1"));
}

TEST_F(HostileTextTest, EscapedLoneSurrogatesInJson) {
  const std::string path =
      Input("esc.jsonl",
            Lines({JsonRecord("esc-1", "\"Subject\":\"\\ud800 and \\udfff\""),
                   JsonRecord("esc-2", "\"Subject\":\"\\uDBFF\\u0041\""), JsonRecord("esc-3")}));
  // In CSV AuditData too: .NET writes a lone surrogate of an attacker's
  // inbox rule name this way, and one such string must not hide the record.
  const std::string csv =
      Input("esc.csv", kPurviewHeader + PurviewRecord("cesc-1", "\"Name\":\"rule \\udc00\"") +
                           PurviewRecord("cesc-2"));
  Outcome o = Run({path, csv});
  for (const char* id : {"esc-1", "esc-2", "esc-3", "cesc-1", "cesc-2"}) {
    EXPECT_THAT(o.events, HasSubstr(absl::StrCat("\"record_id\":\"", id, "\""))) << id;
  }
  // Kept with U+FFFD in place of the surrogate, and flagged.
  EXPECT_THAT(o.events, HasSubstr("\"flags\":\"invalid-utf8\""));
}

TEST_F(HostileTextTest, NulBytes) {
  const std::string jsonl =
      Input("nul.jsonl", Lines({JsonRecord("nul-1", std::string("\"Subject\":\"a\0b\"", 15)),
                                std::string("\0\0\0\0", 4), JsonRecord("nul-2")}));
  const std::string csv =
      Input("nul.csv", kPurviewHeader + PurviewRecord("cnul-1") +
                           std::string("cnul-x,\0\0,50\0,\0\n", 16) + PurviewRecord("cnul-2"));
  Outcome o = Run({jsonl, csv});
  EXPECT_THAT(o.messages, HasSubstr(jsonl + " line 2"));
  EXPECT_THAT(o.events, HasSubstr("nul-2"));
  EXPECT_THAT(o.events, HasSubstr("cnul-2"));
}

TEST_F(HostileTextTest, RandomBinaryNamedCsv) {
  const std::string path = Input("random.csv", ::tern::testing::Incompressible(1 << 20, 7));
  Outcome o = Run({path});
  EXPECT_THAT(o.messages, HasSubstr("unrecognized-format: " + path));
}

TEST_F(HostileTextTest, EmptyFiles) {
  const std::string csv = Input("empty.csv", "");
  const std::string jsonl = Input("empty.jsonl", "");
  const std::string gz =
      Input("empty.csv.gz", ::tern::testing::MakeArchive("raw", "gzip", {{"x", ""}}));
  Outcome o = Run({csv, jsonl, gz});
  for (const std::string& path : {csv, jsonl}) {
    const CustodyItem* item = o.Item(path);
    ASSERT_NE(item, nullptr) << path;
    EXPECT_EQ(item->status, "empty") << path;
    EXPECT_THAT(o.messages, HasSubstr("empty-file: " + path));
  }
  // An empty gzip stream is neither a tar nor anything else to libarchive.
  EXPECT_THAT(o.messages, HasSubstr(gz + ": not a readable gzip archive"));
}

TEST_F(HostileTextTest, HeaderOnlyFiles) {
  const std::string csv = Input("header.csv", kPurviewHeader);
  const std::string bare =
      Input("header_nonl.csv", "RecordId,CreationDate,RecordType,Operation,UserId,AuditData");
  const std::string json = Input("empty_array.json", "[]");
  Outcome o = Run({csv, bare, json});
  const CustodyItem* item = o.Item("/header.csv");
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->format, "purview-csv");
  EXPECT_EQ(item->parsed, 0u);
  EXPECT_NE(o.Item("/header_nonl.csv"), nullptr);
  EXPECT_NE(o.Item("/empty_array.json"), nullptr);
}

TEST_F(HostileTextTest, NumbersOutOfRange) {
  const std::string path = Input(
      "numbers.jsonl",
      Lines({"{\"CreationTime\":\"2024-06-01T10:00:00\",\"Id\":\"num-1\",\"Operation\":\"Send\","
             "\"RecordType\":99999999999999999999999999,\"LogonType\":-9223372036854775809,"
             "\"UserType\":1e400,\"Version\":-1e-400,\"ResultIndex\":18446744073709551616}",
             "{\"CreationTime\":\"2024-06-01T10:00:00\",\"Id\":\"num-2\",\"Operation\":\"Send\","
             "\"RecordType\":-1,\"LogonType\":1.5e308,\"UserType\":NaN}",
             JsonRecord("num-3")}));
  Outcome o = Run({path});
  // Numbers JSON cannot hold in 64 bits make the record invalid JSON to the
  // parser: it is rejected, named by its line, and the others go in.
  EXPECT_THAT(o.messages, HasSubstr(path + " line 1"));
  EXPECT_THAT(o.messages, HasSubstr(path + " line 2"));
  EXPECT_THAT(o.events, HasSubstr("num-3"));
}

TEST_F(HostileTextTest, DatesOutOfRange) {
  std::vector<std::string> lines;
  const char* dates[] = {"9999-12-31T23:59:59.9999999", "0000-01-01T00:00:00",
                         "10000-01-01T00:00:00",        "2024-02-30T25:61:61",
                         "-0001-01-01T00:00:00",        "1969-12-31T23:59:59",
                         "2024-06-01T10:00:00+99:99",   "\\/Date(99999999999999999999)\\/"};
  int i = 0;
  for (const char* d : dates) {
    lines.push_back(absl::StrCat("{\"CreationTime\":\"", d, "\",\"Id\":\"date-", i++,
                                 "\",\"Operation\":\"Send\",\"RecordType\":2}"));
  }
  const std::string jsonl = Input("dates.jsonl", Lines(lines));
  const std::string csv = Input(
      "dates.csv",
      kPurviewHeader +
          absl::StrCat(
              "cdate-1,13/45/2024 99:99:99 PM,50,Send,zoe,\"{\"\"Id\"\":\"\"cdate-1\"\"}\"\n",
              "cdate-2,2/29/99999 10:00:00 AM,50,Send,zoe,\"{\"\"Id\"\":\"\"cdate-2\"\"}\"\n"));
  Outcome o = Run({jsonl, csv});
  // Kept, dated 1970 and flagged, and said once per file with the first line.
  for (int k = 0; k < i; ++k) EXPECT_THAT(o.events, HasSubstr(absl::StrCat("date-", k)));
  EXPECT_THAT(o.messages, HasSubstr("unparsed-time: " + jsonl + " line 3: 5 record(s)"));
  EXPECT_THAT(o.messages, HasSubstr("unparsed-time: " + csv + " line 2"));
  EXPECT_THAT(o.events, HasSubstr("cdate-2"));
}

TEST_F(HostileTextTest, DuplicateJsonKeys) {
  const std::string path = Input(
      "dupkeys.jsonl",
      Lines({"{\"CreationTime\":\"2024-06-01T10:00:00\",\"Id\":\"dup-1\",\"Id\":\"dup-1-shadow\","
             "\"Operation\":\"Send\",\"Operation\":\"HardDelete\",\"RecordType\":2,\"RecordType\":"
             "\"x\"}",
             JsonRecord("dup-2")}));
  Outcome o = Run({path});
  // The first key wins, consistently; the record is kept once.
  EXPECT_THAT(o.events, HasSubstr("dup-1"));
  EXPECT_THAT(o.events, Not(HasSubstr("dup-1-shadow")));
  EXPECT_THAT(o.events, HasSubstr("dup-2"));
}

TEST_F(HostileTextTest, XmlEntityBombIsNotExpanded) {
  std::string xml =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lololololololololol\">"
      "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
      "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
      "<!ENTITY lol9 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">]>\n"
      "<SearchResults>\n<Event MailboxGuid=\"6d4fbdae-e3ae-4530-8d0b-f62a14687939\" "
      "LastAccessed=\"2010-04-30T11:01:55Z\" Operation=\"&lol9;\" OperationResult=\"Succeeded\" "
      "LogonType=\"Admin\" MailboxOwnerUPN=\"david@contoso.com\" ClientIPAddress=\"10.1.2.3\"/>\n"
      "</SearchResults>\n";
  const std::string path = Input("lolz.xml", xml);
  Outcome o = Run({path});
  EXPECT_LT(o.run.max_rss_bytes, MaxRssBytes());
  EXPECT_NE(o.Item("/lolz.xml"), nullptr);
}

TEST_F(HostileTextTest, CsvWithAHundredThousandColumns) {
  std::string header = "RecordId,CreationDate,RecordType,Operation,UserId,AuditData";
  for (int i = 0; i < 100000; ++i) absl::StrAppend(&header, ",c", i);
  const std::string path =
      Input("wide.csv", header + "\n" + PurviewRecord("wide-1") + std::string(200000, ',') + "\n" +
                            PurviewRecord("wide-2"));
  Outcome o = Run({path});
  EXPECT_THAT(o.events, HasSubstr("wide-2"));
}

TEST_F(HostileTextTest, OneHundredMegabyteRecordNeverClosed) {
  const std::string path =
      Input("oneline.jsonl",
            JsonRecord("line-1") + "\n{\"Id\":\"x\",\"pad\":\"" + std::string(100 << 20, 'p'));
  Outcome o = Run({path});
  EXPECT_THAT(o.messages, HasSubstr(path + " line 2"));
  EXPECT_THAT(o.events, HasSubstr("line-1"));
}

TEST_F(HostileTextTest, OneHundredMegabytesWithoutANewlineIsUnrecognized) {
  const std::string path =
      Input("blob.jsonl", "{\"Id\":\"x\",\"pad\":\"" + std::string(100 << 20, 'p'));
  Outcome o = Run({path});
  EXPECT_THAT(o.messages, HasSubstr("unrecognized-format: " + path));
}

}  // namespace
}  // namespace tern::hostile
