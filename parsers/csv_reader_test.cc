#include "parsers/csv_reader.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Serves `data` at most `chunk` bytes per Read(), so records straddle reads.
class ChunkedStream : public ByteStream {
 public:
  ChunkedStream(std::string data, size_t chunk) : data_(std::move(data)), chunk_(chunk) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    const size_t k = std::min({n, chunk_, data_.size() - pos_});
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    ++reads_;
    return k;
  }
  size_t reads() const { return reads_; }

 private:
  std::string data_;
  size_t chunk_;
  size_t pos_ = 0;
  size_t reads_ = 0;
};

class FailingStream : public ByteStream {
 public:
  absl::StatusOr<size_t> Read(char*, size_t) override {
    return absl::DataLossError("corrupt gzip member");
  }
};

struct Rec {
  std::vector<std::string> fields;
  std::string raw;
  uint64_t line;
  CsvProblem problem;
};

std::vector<Rec> ReadAll(const std::string& text, size_t chunk = 1 << 20,
                         CsvReaderOptions options = {}) {
  ChunkedStream stream(text, chunk);
  CsvReader reader(&stream, options);
  std::vector<Rec> out;
  for (;;) {
    absl::StatusOr<bool> more = reader.Next();
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    Rec r;
    for (std::string_view f : reader.fields()) r.fields.emplace_back(f);
    r.raw = std::string(reader.raw());
    r.line = reader.line();
    r.problem = reader.problem();
    out.push_back(std::move(r));
  }
  return out;
}

TEST(CsvReaderTest, SimpleRowsLfAndCrlf) {
  for (std::string eol : {"\n", "\r\n"}) {
    std::vector<Rec> recs = ReadAll("a,b,c" + eol + "1,2,3" + eol + "4,5,6" + eol);
    ASSERT_EQ(recs.size(), 3u) << "eol size " << eol.size();
    EXPECT_THAT(recs[0].fields, ElementsAre("a", "b", "c"));
    EXPECT_THAT(recs[2].fields, ElementsAre("4", "5", "6"));
    EXPECT_EQ(recs[1].raw, "1,2,3");
    EXPECT_EQ(recs[2].line, 3u);
    EXPECT_EQ(recs[2].problem, CsvProblem::kNone);
  }
}

TEST(CsvReaderTest, LastLineWithoutTerminator) {
  std::vector<Rec> recs = ReadAll("h1,h2\r\nx,\"y\"");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_THAT(recs[1].fields, ElementsAre("x", "y"));
  EXPECT_EQ(recs[1].raw, "x,\"y\"");
}

TEST(CsvReaderTest, QuotedCellsWithDoubledQuotesAndEmbeddedNewlines) {
  const std::string text =
      "Id,AuditData,Tail\r\n"
      "1,\"{\"\"Operation\"\":\"\"Send\"\",\"\"Path\"\":\"\"\\\\Inbox\"\"}\",t\r\n"
      "2,\"line one\r\nline two\nline three\",\"MWHPR06MB3440 (15.20.4065.028)\r\n\"\r\n"
      "3,\"\",\"\"\"\"\r\n";
  std::vector<Rec> recs = ReadAll(text);
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_THAT(recs[1].fields, ElementsAre("1", R"({"Operation":"Send","Path":"\\Inbox"})", "t"));
  EXPECT_THAT(recs[2].fields, ElementsAre("2", "line one\r\nline two\nline three",
                                          "MWHPR06MB3440 (15.20.4065.028)\r\n"));
  EXPECT_EQ(recs[2].line, 3u);
  EXPECT_EQ(recs[2].raw,
            "2,\"line one\r\nline two\nline three\",\"MWHPR06MB3440 (15.20.4065.028)\r\n\"");
  // Record 2 spans lines 3..6, so record 3 starts on line 7.
  EXPECT_EQ(recs[3].line, 7u);
  EXPECT_THAT(recs[3].fields, ElementsAre("3", "", "\""));
}

TEST(CsvReaderTest, TrailingEmptyColumnsAreKept) {
  std::vector<Rec> recs = ReadAll("a,b,c,d\n1,2,,\n,,,\n");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_THAT(recs[1].fields, ElementsAre("1", "2", "", ""));
  EXPECT_THAT(recs[2].fields, ElementsAre("", "", "", ""));
}

TEST(CsvReaderTest, BlankLinesAreSkippedButCounted) {
  std::vector<Rec> recs = ReadAll("a,b\r\n\r\n\r\n1,2\n\n3,4\n\n");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[1].line, 4u);
  EXPECT_EQ(recs[2].line, 6u);
  EXPECT_THAT(recs[2].fields, ElementsAre("3", "4"));
}

TEST(CsvReaderTest, SepLineSetsDelimiter) {
  ChunkedStream stream("sep=;\r\nRecordId;AuditData\r\n1;\"a;b,c\"\r\n", 1 << 20);
  CsvReader reader(&stream);
  ASSERT_TRUE(*reader.Next());
  EXPECT_EQ(reader.delimiter(), ';');
  EXPECT_EQ(reader.line(), 2u);
  EXPECT_THAT(std::vector<std::string_view>(reader.fields().begin(), reader.fields().end()),
              ElementsAre("RecordId", "AuditData"));
  ASSERT_TRUE(*reader.Next());
  EXPECT_EQ(reader.line(), 3u);
  EXPECT_EQ(reader.field(1), "a;b,c");
  EXPECT_EQ(reader.field(7), "");
  EXPECT_FALSE(*reader.Next());
}

TEST(CsvReaderTest, SepCommaLineAndSemicolonDetection) {
  std::vector<Rec> recs = ReadAll("sep=,\nx;y,z\n");
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_THAT(recs[0].fields, ElementsAre("x;y", "z"));
  // No sep= line: a ';'-separated header (European Excel) is recognized.
  recs = ReadAll("CreationDate;UserIds;Operations;AuditData\n1;2;3;\"{\"\"a\"\":1}\"\n");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_THAT(recs[1].fields, ElementsAre("1", "2", "3", "{\"a\":1}"));
  // An explicit delimiter overrides detection.
  recs = ReadAll("a;b\n", 1 << 20, CsvReaderOptions{.delimiter = ','});
  EXPECT_THAT(recs[0].fields, ElementsAre("a;b"));
}

TEST(CsvReaderTest, TypeLineIsSkipped) {
  const std::string text =
      "#TYPE Deserialized.Microsoft.Exchange.Management.SystemConfigurationTasks."
      "UnifiedAuditRecord\r\n"
      "\"RecordType\",\"CreationDate\"\r\n"
      "\"ExchangeItem\",\"3/12/2025 7:31:34 AM\"\r\n";
  std::vector<Rec> recs = ReadAll(text);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].line, 2u);
  EXPECT_THAT(recs[0].fields, ElementsAre("RecordType", "CreationDate"));
  EXPECT_THAT(recs[1].fields, ElementsAre("ExchangeItem", "3/12/2025 7:31:34 AM"));
  EXPECT_EQ(recs[1].line, 3u);
}

TEST(CsvReaderTest, ByteOrderMarkIsSkipped) {
  std::vector<Rec> recs = ReadAll("\xEF\xBB\xBFTenantId,Type\r\nt,OfficeActivity\r\n");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_THAT(recs[0].fields, ElementsAre("TenantId", "Type"));
}

TEST(CsvReaderTest, RecordsSpanReadBoundaries) {
  std::string text = "Id,Cell,Last\r\n";
  for (int i = 0; i < 50; ++i) {
    text += std::to_string(i) + ",\"multi\r\nline \"\"" + std::to_string(i) + "\"\"\r\n\",z\r\n";
  }
  text += "end,\"\",\r";  // a final lone CR at EOF ends the record
  ChunkedStream stream(text, 5);
  CsvReader reader(&stream);
  ASSERT_TRUE(*reader.Next());
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(*reader.Next());
    ASSERT_EQ(reader.size(), 3u);
    EXPECT_EQ(reader.field(0), std::to_string(i));
    EXPECT_EQ(reader.field(1), "multi\r\nline \"" + std::to_string(i) + "\"\r\n");
    EXPECT_EQ(reader.field(2), "z");
    EXPECT_EQ(reader.line(), 2u + 3u * i);
    EXPECT_EQ(reader.problem(), CsvProblem::kNone);
  }
  ASSERT_TRUE(*reader.Next());
  EXPECT_EQ(reader.field(0), "end");
  EXPECT_EQ(reader.size(), 3u);
  EXPECT_EQ(reader.raw(), "end,\"\",");
  EXPECT_FALSE(*reader.Next());
  EXPECT_GT(stream.reads(), text.size() / 5);
}

TEST(CsvReaderTest, ByteAtATimeMatchesWholeBuffer) {
  const std::string text = "sep=,\r\na,b\r\n\"x\"\"\",\"\r\n\"\r\n\r\n\"q\"z,w\r\n\"open\r\n";
  std::vector<Rec> whole = ReadAll(text);
  std::vector<Rec> bytes = ReadAll(text, 1);
  ASSERT_EQ(whole.size(), bytes.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(whole[i].fields, bytes[i].fields) << i;
    EXPECT_EQ(whole[i].raw, bytes[i].raw) << i;
    EXPECT_EQ(whole[i].line, bytes[i].line) << i;
    EXPECT_EQ(whole[i].problem, bytes[i].problem) << i;
  }
  ASSERT_EQ(whole.size(), 4u);
  EXPECT_EQ(whole[3].problem, CsvProblem::kUnterminatedQuote);
  EXPECT_EQ(whole[3].line, 7u);
}

TEST(CsvReaderTest, JunkAfterClosingQuoteIsLenientButFlagged) {
  std::vector<Rec> recs = ReadAll("a,b\n\"abc\"def,2\nsize 5\" disk,3\nok,4\n");
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_THAT(recs[1].fields, ElementsAre("abc\"def", "2"));
  EXPECT_EQ(recs[1].problem, CsvProblem::kStrayQuote);
  EXPECT_THAT(recs[2].fields, ElementsAre("size 5\" disk", "3"));
  EXPECT_EQ(recs[2].problem, CsvProblem::kStrayQuote);
  EXPECT_EQ(recs[3].problem, CsvProblem::kNone);
  EXPECT_EQ(CsvProblemName(recs[1].problem), "stray-quote");
}

TEST(CsvReaderTest, UnterminatedQuoteAtEofKeepsEarlierRecordsAndResyncs) {
  const std::string text =
      "Id,Data\r\n"
      "1,\"fine\"\r\n"
      "2,fine too\r\n"
      "3,\"never closed\r\n"
      "4,plain\r\n"
      "5,also plain\r\n";
  std::vector<Rec> recs = ReadAll(text, 7);
  ASSERT_EQ(recs.size(), 6u);
  EXPECT_THAT(recs[1].fields, ElementsAre("1", "fine"));
  EXPECT_THAT(recs[2].fields, ElementsAre("2", "fine too"));
  EXPECT_EQ(recs[3].problem, CsvProblem::kUnterminatedQuote);
  EXPECT_EQ(recs[3].line, 4u);
  EXPECT_EQ(recs[3].raw, "3,\"never closed");
  EXPECT_THAT(recs[3].fields, IsEmpty());
  // The lines the open quote swallowed are read again on their own.
  EXPECT_THAT(recs[4].fields, ElementsAre("4", "plain"));
  EXPECT_EQ(recs[4].line, 5u);
  EXPECT_EQ(recs[5].line, 6u);
}

TEST(CsvReaderTest, UnbalancedQuoteDoesNotSwallowTheNextRow) {
  // Row 2's cell opens a quote that is never closed on its line; the next
  // quote is row 3's AuditData opening quote, followed by junk.
  const std::string text =
      "Id,AuditData\n"
      "1,\"{\"\"Id\"\":\"\"a\"\"}\"\n"
      "2,\"{\"\"Id\"\":\"\"b\n"
      "3,\"{\"\"Id\"\":\"\"c\"\"}\"\n";
  std::vector<Rec> recs = ReadAll(text);
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(recs[2].problem, CsvProblem::kUnbalancedQuote);
  EXPECT_EQ(recs[2].line, 3u);
  EXPECT_EQ(recs[2].raw, "2,\"{\"\"Id\"\":\"\"b");
  EXPECT_THAT(recs[3].fields, ElementsAre("3", "{\"Id\":\"c\"}"));
  EXPECT_EQ(recs[3].line, 4u);
  EXPECT_EQ(recs[3].problem, CsvProblem::kNone);
}

TEST(CsvReaderTest, RecordCapBoundsAnOpenQuote) {
  std::string text = "a,b\n1,\"open\n";
  for (int i = 0; i < 200; ++i) text += "filler line " + std::to_string(i) + "\n";
  CsvReaderOptions options;
  options.max_record_bytes = 1024;
  std::vector<Rec> recs = ReadAll(text, 100, options);
  ASSERT_GE(recs.size(), 3u);
  EXPECT_EQ(recs[1].problem, CsvProblem::kRecordTooLong);
  EXPECT_EQ(recs[1].line, 2u);
  EXPECT_EQ(recs[1].raw, "1,\"open");
  // Reading resumed on line 3 and produced every filler line.
  EXPECT_EQ(recs.size(), 202u);
  EXPECT_THAT(recs[2].fields, ElementsAre("filler line 0"));
  EXPECT_EQ(recs[201].line, 202u);
}

TEST(CsvReaderTest, OverlongSingleLineIsDroppedToItsEnd) {
  std::string text = "a\n" + std::string(5000, 'x') + "\nnext\n";
  CsvReaderOptions options;
  options.max_record_bytes = 1000;
  std::vector<Rec> recs = ReadAll(text, 64, options);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[1].problem, CsvProblem::kRecordTooLong);
  EXPECT_EQ(recs[1].line, 2u);
  EXPECT_LE(recs[1].raw.size(), 1000u + 64u + (16u << 10));
  EXPECT_THAT(recs[2].fields, ElementsAre("next"));
  EXPECT_EQ(recs[2].line, 3u);
}

TEST(CsvReaderTest, ThirtyMegabyteCellParses) {
  const size_t kCell = size_t{30} << 20;
  std::string text = "Id,AuditData,After\r\n1,\"";
  text.reserve(kCell + 100);
  for (size_t i = 0; i < kCell / 10; ++i) text += "abcdefgh\"\"";
  text += "\",x\r\n2,small,y\r\n";
  ChunkedStream stream(std::move(text), 1 << 16);
  CsvReader reader(&stream);
  ASSERT_TRUE(*reader.Next());
  ASSERT_TRUE(*reader.Next());
  EXPECT_EQ(reader.problem(), CsvProblem::kNone);
  ASSERT_EQ(reader.size(), 3u);
  EXPECT_EQ(reader.field(1).size(), kCell / 10 * 9);
  EXPECT_EQ(reader.field(1).substr(0, 10), "abcdefgh\"a");
  EXPECT_EQ(reader.field(2), "x");
  ASSERT_TRUE(*reader.Next());
  EXPECT_EQ(reader.field(1), "small");
  EXPECT_EQ(reader.line(), 3u);
  EXPECT_FALSE(*reader.Next());
}

TEST(CsvReaderTest, StreamErrorIsReturned) {
  FailingStream stream;
  CsvReader reader(&stream);
  absl::StatusOr<bool> more = reader.Next();
  EXPECT_EQ(more.status().code(), absl::StatusCode::kDataLoss);
}

TEST(CsvReaderTest, EmptyInput) {
  EXPECT_THAT(ReadAll(""), IsEmpty());
  EXPECT_THAT(ReadAll("\r\n\n"), IsEmpty());
}

}  // namespace
}  // namespace tern
