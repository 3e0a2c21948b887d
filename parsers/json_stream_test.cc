#include "parsers/json_stream.h"

#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parsers/json_test_util.h"

namespace tern::json {
namespace {

using ::testing::HasSubstr;

// A JsonItem with owned text, for comparing whole runs.
struct Got {
  JsonItem::Kind kind;
  uint64_t line;
  std::string text;  // record text, or the reason
  bool operator==(const Got&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Got& g) {
  const char* kinds[] = {"record", "bad", "note"};
  return os << "{" << kinds[g.kind] << " line " << g.line << ": " << g.text << "}";
}

Got Rec(uint64_t line, std::string text) { return Got{JsonItem::kRecord, line, std::move(text)}; }

std::vector<Got> ReadAll(std::string_view data, size_t chunk, JsonStreamOptions options = {}) {
  testing::ChunkedStream stream(data, chunk);
  JsonRecordReader reader(stream, options);
  std::vector<Got> out;
  JsonItem item;
  while (true) {
    absl::StatusOr<bool> more = reader.Next(&item);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    out.push_back(Got{item.kind, item.line,
                      item.kind == JsonItem::kRecord ? std::string(item.text) : item.reason});
  }
  return out;
}

// Reads `data` with big reads and with 7-byte reads; both must agree.
std::vector<Got> ReadBoth(std::string_view data, JsonStreamOptions options = {}) {
  std::vector<Got> big = ReadAll(data, 1 << 20, options);
  std::vector<Got> small = ReadAll(data, 7, options);
  EXPECT_EQ(big, small);
  return big;
}

TEST(JsonStreamTest, JsonLinesWithCrlfAndBlankLines) {
  EXPECT_THAT(
      ReadBoth("{\"a\":1}\r\n{\"a\":2}\r\n\r\n  {\"a\":3}\r\n"),
      ::testing::ElementsAre(Rec(1, "{\"a\":1}"), Rec(2, "{\"a\":2}"), Rec(4, "{\"a\":3}")));
}

TEST(JsonStreamTest, PrettyArray) {
  std::string data =
      "[\r\n  {\r\n    \"a\": 1\r\n  },\r\n  {\r\n    \"b\": \"x]}\"\r\n  }\r\n]\r\n";
  EXPECT_THAT(ReadBoth(data), ::testing::ElementsAre(Rec(2, "{\r\n    \"a\": 1\r\n  }"),
                                                     Rec(5, "{\r\n    \"b\": \"x]}\"\r\n  }")));
}

TEST(JsonStreamTest, ConcatenatedArraysAndObjects) {
  std::string data = "[{\"a\":1}]\n[\n{\"a\":2},{\"a\":3}\n]\n\n{\"a\":4}{\"a\":5}\n[[{\"a\":6}]]";
  EXPECT_THAT(ReadBoth(data), ::testing::ElementsAre(Rec(1, "{\"a\":1}"), Rec(3, "{\"a\":2}"),
                                                     Rec(3, "{\"a\":3}"), Rec(6, "{\"a\":4}"),
                                                     Rec(6, "{\"a\":5}"), Rec(7, "{\"a\":6}")));
}

TEST(JsonStreamTest, BareObject) {
  std::string data =
      "{\r\n    \"Id\":  \"x\",\r\n    \"Nested\":  {\r\n        \"k\":  [1, 2]\r\n    }\r\n}\r\n";
  std::vector<Got> got = ReadBoth(data);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], Rec(1, data.substr(0, data.size() - 2)));
}

TEST(JsonStreamTest, StringsWithBracketsAndEscapes) {
  std::string rec = R"({"s":"a\"}{[\\","t":"\\\"]","u":"}"})";
  EXPECT_THAT(ReadBoth(rec + "\n" + rec), ::testing::ElementsAre(Rec(1, rec), Rec(2, rec)));
}

TEST(JsonStreamTest, RecordSpanningManyReads) {
  std::string big = "{\"k\":\"" + std::string(5000, 'x') + "\",\"n\":[{\"m\":\"]\"}]}";
  EXPECT_THAT(ReadAll("\n\n" + big + "\n{}", 7), ::testing::ElementsAre(Rec(3, big), Rec(4, "{}")));
}

TEST(JsonStreamTest, UnterminatedFinalRecordIsRejectedWithItsLine) {
  std::vector<Got> got = ReadBoth("{\"a\":1}\n{\"b\":2}\n{\"c\":[1,");
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], Rec(1, "{\"a\":1}"));
  EXPECT_EQ(got[1], Rec(2, "{\"b\":2}"));
  EXPECT_EQ(got[2].kind, JsonItem::kBad);
  EXPECT_EQ(got[2].line, 3u);
  EXPECT_THAT(got[2].text, HasSubstr("end of input"));

  // Pretty-printed: the cut record spans several lines.
  got = ReadBoth("{\n  \"a\": 1\n}\n{\n  \"c\": [1,\n  2");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], Rec(1, "{\n  \"a\": 1\n}"));
  EXPECT_EQ(got[1].kind, JsonItem::kBad);
  EXPECT_EQ(got[1].line, 4u);
  EXPECT_THAT(got[1].text, HasSubstr("end of input"));
}

TEST(JsonStreamTest, GarbageBetweenRecordsIsRejectedAndParsingResumes) {
  std::vector<Got> got =
      ReadBoth("{\"a\":1}\nWARNING: something\nmore noise ] here\n{\"b\":2}\n42\n[{\"c\":3}]");
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[0], Rec(1, "{\"a\":1}"));
  EXPECT_EQ(got[1].kind, JsonItem::kBad);
  EXPECT_EQ(got[1].line, 2u);
  EXPECT_EQ(got[2], Rec(4, "{\"b\":2}"));
  EXPECT_EQ(got[3].kind, JsonItem::kBad);
  EXPECT_EQ(got[3].line, 5u);
  EXPECT_EQ(got[4], Rec(6, "{\"c\":3}"));
}

TEST(JsonStreamTest, CutLineInJsonLinesDoesNotSwallowTheRest) {
  // Cut inside a string, and cut between tokens.
  std::vector<Got> got = ReadBoth("{\"a\":1}\n{\"b\":\"xx\n{\"c\":3}\n{\"d\":4,\n{\"e\":5}\n");
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[0], Rec(1, "{\"a\":1}"));
  EXPECT_EQ(got[1].kind, JsonItem::kBad);
  EXPECT_EQ(got[1].line, 2u);
  EXPECT_EQ(got[2], Rec(3, "{\"c\":3}"));
  EXPECT_EQ(got[3].kind, JsonItem::kBad);
  EXPECT_EQ(got[3].line, 4u);
  EXPECT_EQ(got[4], Rec(5, "{\"e\":5}"));
}

// What a cut record hands out: its bytes up to the cut (without the line
// end), whatever the read size, so a parser can keep what is readable.
TEST(JsonStreamTest, CutRecordsHandOutWhatWasRead) {
  const std::string data =
      "{\"a\":1}\r\n{\"b\":\"xx\r\n{\"c\":[1,\n{\"d\":{\"e\":1}\n{\"f\":2}\n{\"g\":[3";
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{1} << 16}) {
    testing::ChunkedStream stream(data, chunk);
    JsonRecordReader reader(stream);
    std::vector<std::pair<uint64_t, std::string>> cuts;
    std::vector<std::string> records;
    JsonItem item;
    while (true) {
      absl::StatusOr<bool> more = reader.Next(&item);
      ASSERT_TRUE(more.ok()) << more.status();
      if (!*more) break;
      if (item.kind == JsonItem::kRecord) records.emplace_back(item.text);
      if (item.kind == JsonItem::kBad) {
        EXPECT_TRUE(item.cut) << item.reason;
        cuts.emplace_back(item.line, std::string(item.text));
      }
    }
    EXPECT_THAT(records, ::testing::ElementsAre("{\"a\":1}", "{\"f\":2}")) << chunk;
    EXPECT_THAT(cuts,
                ::testing::ElementsAre(std::pair<uint64_t, std::string>(2, "{\"b\":\"xx"),
                                       std::pair<uint64_t, std::string>(3, "{\"c\":[1,"),
                                       std::pair<uint64_t, std::string>(4, "{\"d\":{\"e\":1}"),
                                       std::pair<uint64_t, std::string>(6, "{\"g\":[3")))
        << chunk;
  }
}

TEST(JsonStreamTest, OversizeRecordIsNotACut) {
  JsonStreamOptions options;
  options.max_record_bytes = 16;
  testing::ChunkedStream stream("{\"a\":\"0123456789012345678901234\n{\"b\":1}\n", 5);
  JsonRecordReader reader(stream, options);
  JsonItem item;
  ASSERT_TRUE(*reader.Next(&item));
  EXPECT_EQ(item.kind, JsonItem::kBad);
  EXPECT_TRUE(item.text.empty());
  ASSERT_TRUE(*reader.Next(&item));
  EXPECT_EQ(item.text, "{\"b\":1}");
}

TEST(JsonStreamTest, CutInsideAnArrayInJsonLines) {
  std::vector<Got> got = ReadBoth("{\"a\":1}\n{\"f\":[{\"x\":1},\n{\"g\":6}\n");
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].kind, JsonItem::kBad);
  EXPECT_EQ(got[1].line, 2u);
  EXPECT_THAT(got[1].text, HasSubstr("line ends inside it"));
  EXPECT_EQ(got[2], Rec(3, "{\"g\":6}"));
}

TEST(JsonStreamTest, PrettyObjectAfterJsonLines) {
  std::string pretty = "{\n  \"b\": [\n    {\"c\": 1}\n  ]\n}";
  EXPECT_THAT(ReadBoth("{\"a\":1}\n" + pretty + "\n{\"d\":2}\n"),
              ::testing::ElementsAre(Rec(1, "{\"a\":1}"), Rec(2, pretty), Rec(7, "{\"d\":2}")));
}

TEST(JsonStreamTest, CutRecordInPrettyArray) {
  std::string data = "[\n{\n  \"a\": 1,\n  \"b\": {\n    \"c\": 2,\n{\n  \"d\": 3\n}\n]\n";
  std::vector<Got> got = ReadBoth(data);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].kind, JsonItem::kBad);
  EXPECT_EQ(got[0].line, 2u);
  EXPECT_THAT(got[0].text, HasSubstr("line 6"));
  EXPECT_EQ(got[1], Rec(6, "{\n  \"d\": 3\n}"));
}

TEST(JsonStreamTest, OversizedRecordIsRejectedAndTheNextKept) {
  JsonStreamOptions options;
  options.max_record_bytes = 32;
  std::string big = "{\"k\":\"" + std::string(100, 'x') + "\"}";
  std::vector<Got> got = ReadBoth("{\"a\":1}\n" + big + "\n{\"b\":2}", options);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].kind, JsonItem::kBad);
  EXPECT_EQ(got[1].line, 2u);
  EXPECT_THAT(got[1].text, HasSubstr("larger than 32 bytes"));
  EXPECT_EQ(got[2], Rec(3, "{\"b\":2}"));
  EXPECT_EQ(kMaxRecordBytes, size_t{64} * 1024 * 1024);
}

TEST(JsonStreamTest, DeepNestingIsRejectedWithoutRecursion) {
  std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  std::vector<Got> got = ReadAll(
      deep + "\n{\"b\":2}\n" + std::string(600, '[') + std::string(600, ']') + "\n{\"c\":3}",
      1 << 16);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].kind, JsonItem::kBad);
  EXPECT_EQ(got[0].line, 1u);
  EXPECT_THAT(got[0].text, HasSubstr("deeper than 512"));
  EXPECT_EQ(got[1], Rec(2, "{\"b\":2}"));
  EXPECT_EQ(got[2].kind, JsonItem::kBad);
  EXPECT_EQ(got[2].line, 3u);
  EXPECT_EQ(got[3], Rec(4, "{\"c\":3}"));
}

TEST(JsonStreamTest, GraphPagesAreUnwrappedOnRequest) {
  std::string data =
      "{\"@odata.context\":\"x\",\"value\":[{\"id\":\"1\"},\n{\"id\":\"2\"}],"
      "\"@odata.nextLink\":\"https://x/?t=[1]}\",\"n\":{\"v\":[]}}\n"
      "{\"value\" : [{\"id\":\"3\"}]}\n{\"value\":\"not a page\"}\n{\"a\":{\"value\":[1]}}";
  JsonStreamOptions options;
  options.unwrap_value_pages = true;
  EXPECT_THAT(ReadBoth(data, options),
              ::testing::ElementsAre(Rec(1, "{\"id\":\"1\"}"), Rec(2, "{\"id\":\"2\"}"),
                                     Rec(3, "{\"id\":\"3\"}"), Rec(4, "{\"value\":\"not a page\"}"),
                                     Rec(5, "{\"a\":{\"value\":[1]}}")));
  // Without the option a page is one record.
  EXPECT_EQ(ReadBoth(data).size(), 4u);
}

TEST(JsonStreamTest, StringRecords) {
  EXPECT_THAT(
      ReadBoth("\"{\\\"a\\\":1}\"\r\n\"{\\\"b\\\":\\\"}\\\"}\"\r\n"),
      ::testing::ElementsAre(Rec(1, "\"{\\\"a\\\":1}\""), Rec(2, "\"{\\\"b\\\":\\\"}\\\"}\"")));
}

TEST(JsonStreamTest, UnclosedOuterArrayIsANote) {
  std::vector<Got> got = ReadBoth("[\n{\"a\":1},\n{\"a\":2},\n");
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1], Rec(3, "{\"a\":2}"));
  EXPECT_EQ(got[2].kind, JsonItem::kNote);
}

TEST(JsonStreamTest, MismatchedBracketsDoNotLoseLaterRecords) {
  std::vector<Got> got = ReadBoth("{\"a\":[1}}\n{\"b\":2}\n");
  ASSERT_GE(got.size(), 2u);
  EXPECT_EQ(got[0].kind, JsonItem::kBad);
  EXPECT_EQ(got[0].line, 1u);
  EXPECT_EQ(got.back(), Rec(2, "{\"b\":2}"));
}

class FailingStream : public ByteStream {
 public:
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    if (calls_++ == 0) {
      std::string_view first = "{\"a\":1}\n{\"b\"";
      size_t k = std::min(n, first.size());
      std::memcpy(buf, first.data(), k);
      return k;
    }
    return absl::DataLossError("corrupt archive member");
  }

 private:
  int calls_ = 0;
};

TEST(JsonStreamTest, StreamErrorsPropagate) {
  FailingStream stream;
  JsonRecordReader reader(stream);
  JsonItem item;
  absl::StatusOr<bool> first = reader.Next(&item);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(item.text, "{\"a\":1}");
  absl::StatusOr<bool> second = reader.Next(&item);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kDataLoss);
}

TEST(JsonStreamTest, EmptyAndWhitespaceInputs) {
  EXPECT_TRUE(ReadBoth("").empty());
  EXPECT_TRUE(ReadBoth(" \r\n\r\n\t").empty());
  EXPECT_TRUE(ReadBoth("[]\n[ ]").empty());
}

}  // namespace
}  // namespace tern::json
