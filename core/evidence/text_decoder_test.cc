#include "core/evidence/text_decoder.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/evidence/byte_stream.h"
#include "core/evidence/evidence_testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern {
namespace {

using ::testing::HasSubstr;

// Hands out one byte per Read, to split every multi-byte sequence.
class OneByteStream : public ByteStream {
 public:
  explicit OneByteStream(std::string data) : data_(std::move(data)) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    if (pos_ == data_.size() || n == 0) return size_t{0};
    buf[0] = data_[pos_++];
    return size_t{1};
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

// Reads `decoder` to the end with reads of `chunk` bytes.
std::string ReadAll(ByteStream& decoder, size_t chunk) {
  std::string out;
  std::vector<char> buf(chunk);
  while (true) {
    absl::StatusOr<size_t> got = decoder.Read(buf.data(), buf.size());
    EXPECT_TRUE(got.ok()) << got.status();
    if (!got.ok() || *got == 0) break;
    out.append(buf.data(), *got);
  }
  return out;
}

std::string Utf16(const std::u16string& text, bool big_endian) {
  std::string out = big_endian ? "\xFE\xFF" : "\xFF\xFE";
  for (char16_t u : text) {
    const char hi = static_cast<char>(u >> 8);
    const char lo = static_cast<char>(u & 0xFF);
    out.push_back(big_endian ? hi : lo);
    out.push_back(big_endian ? lo : hi);
  }
  return out;
}

// "A€😀é\n": one, two (as UTF-16: one unit, UTF-8: three bytes), a
// surrogate pair, and a two-byte UTF-8 character.
const std::u16string kSample = u"A\u20AC\U0001F600\u00E9\n";
const std::string kSampleUtf8 = "A\xE2\x82\xAC\xF0\x9F\x98\x80\xC3\xA9\n";

TEST(TextDecoderTest, Utf8BomIsStripped) {
  MemoryStream raw(
      "\xEF\xBB\xBF"
      "a,b\r\n");
  testing::CollectingSink sink;
  TextDecoder decoder(&raw, &sink, "x.csv");
  EXPECT_EQ(ReadAll(decoder, 64), "a,b\r\n");
  EXPECT_EQ(decoder.encoding(), TextEncoding::kUtf8Bom);
  EXPECT_TRUE(sink.warnings.empty());
}

TEST(TextDecoderTest, Utf8BomSplitAcrossReads) {
  OneByteStream raw("\xEF\xBB\xBF" + kSampleUtf8);
  testing::CollectingSink sink;
  TextDecoder decoder(&raw, &sink, "x.csv");
  EXPECT_EQ(ReadAll(decoder, 1), kSampleUtf8);
  EXPECT_EQ(decoder.encoding(), TextEncoding::kUtf8Bom);
  EXPECT_TRUE(sink.warnings.empty());
}

TEST(TextDecoderTest, NoBomPassesThrough) {
  MemoryStream raw(kSampleUtf8);
  testing::CollectingSink sink;
  TextDecoder decoder(&raw, &sink, "x.csv");
  EXPECT_EQ(ReadAll(decoder, 3), kSampleUtf8);
  EXPECT_EQ(decoder.encoding(), TextEncoding::kUtf8);
  EXPECT_TRUE(sink.warnings.empty());
}

TEST(TextDecoderTest, EmptyAndTinyStreams) {
  for (const std::string& data : {std::string(), std::string("a"), std::string("ab")}) {
    MemoryStream raw(data);
    testing::CollectingSink sink;
    TextDecoder decoder(&raw, &sink, "x.csv");
    EXPECT_EQ(ReadAll(decoder, 8), data);
    EXPECT_EQ(decoder.encoding(), TextEncoding::kUtf8);
  }
}

TEST(TextDecoderTest, Utf16LeWithSurrogatePairSplitAcrossReads) {
  OneByteStream raw(Utf16(kSample, /*big_endian=*/false));
  testing::CollectingSink sink;
  TextDecoder decoder(&raw, &sink, "x.txt");
  // One output byte at a time too, so the decoded surrogate pair (4 bytes)
  // is also handed out across calls.
  EXPECT_EQ(ReadAll(decoder, 1), kSampleUtf8);
  EXPECT_EQ(decoder.encoding(), TextEncoding::kUtf16Le);
  EXPECT_TRUE(sink.warnings.empty());
}

TEST(TextDecoderTest, Utf16BeWithSurrogatePairSplitAcrossReads) {
  OneByteStream raw(Utf16(kSample, /*big_endian=*/true));
  testing::CollectingSink sink;
  TextDecoder decoder(&raw, &sink, "x.txt");
  EXPECT_EQ(ReadAll(decoder, 5), kSampleUtf8);
  EXPECT_EQ(decoder.encoding(), TextEncoding::kUtf16Be);
  EXPECT_TRUE(sink.warnings.empty());
}

TEST(TextDecoderTest, Utf16LargeInputIsStreamed) {
  // Many refills of the internal buffer, with pairs straddling refills.
  std::u16string text;
  for (int i = 0; i < 20000; ++i) text += u"x\U0001F600";
  const std::string data = Utf16(text, false);
  MemoryStream raw(data);
  testing::CollectingSink sink;
  TextDecoder decoder(&raw, &sink, "big.txt");
  std::string want;
  for (int i = 0; i < 20000; ++i) want += "x\xF0\x9F\x98\x80";
  EXPECT_EQ(ReadAll(decoder, 1000), want);
  EXPECT_TRUE(sink.warnings.empty());
}

TEST(TextDecoderTest, LoneSurrogatesBecomeReplacementWithOneWarning) {
  // BOM(2) 'A'(2) then a high surrogate at offset 4 followed by 'B', then a
  // lone low surrogate: both replaced, reported once (the first).
  std::u16string text = u"A";
  text.push_back(0xD800);
  text += u"B";
  text.push_back(0xDC00);
  const std::string data = Utf16(text, false);
  MemoryStream raw(data);  // does not own its bytes
  testing::CollectingSink sink;
  TextDecoder decoder(&raw, &sink, "x.txt");
  EXPECT_EQ(ReadAll(decoder, 64),
            "A\xEF\xBF\xBD"
            "B\xEF\xBF\xBD");
  ASSERT_EQ(sink.warnings.size(), 1u);
  EXPECT_EQ(sink.warnings[0].kind, "invalid-utf16");
  EXPECT_EQ(sink.warnings[0].source, "x.txt");
  EXPECT_THAT(sink.warnings[0].detail, HasSubstr("offset 4"));
}

TEST(TextDecoderTest, HighSurrogateAtEndOfStream) {
  std::u16string text = u"AB";
  text.push_back(0xDBFF);
  OneByteStream raw(Utf16(text, true));
  testing::CollectingSink sink;
  TextDecoder decoder(&raw, &sink, "x.txt");
  EXPECT_EQ(ReadAll(decoder, 64), "AB\xEF\xBF\xBD");
  ASSERT_EQ(sink.warnings.size(), 1u);
  EXPECT_THAT(sink.warnings[0].detail, HasSubstr("offset 6"));
}

TEST(TextDecoderTest, OddTrailingByte) {
  const std::string data = Utf16(u"A", false) + "\x42";
  MemoryStream raw(data);
  testing::CollectingSink sink;
  TextDecoder decoder(&raw, &sink, "x.txt");
  EXPECT_EQ(ReadAll(decoder, 64), "A\xEF\xBF\xBD");
  ASSERT_EQ(sink.warnings.size(), 1u);
  EXPECT_EQ(sink.warnings[0].kind, "invalid-utf16");
  EXPECT_THAT(sink.warnings[0].detail, HasSubstr("odd trailing byte at line 1, byte offset 4"));
}

TEST(TextDecoderTest, InvalidUtf8IsPassedThroughAndReportedOnceWithOffset) {
  const std::string data = "ab\xC3(cd\xFF\xFE";
  OneByteStream raw(data);
  testing::CollectingSink sink;
  TextDecoder decoder(&raw, &sink, "exports/a.zip!x.csv");
  EXPECT_EQ(ReadAll(decoder, 2), data);
  ASSERT_EQ(sink.warnings.size(), 1u);
  EXPECT_EQ(sink.warnings[0].kind, "invalid-utf8");
  EXPECT_EQ(sink.warnings[0].source, "exports/a.zip!x.csv");
  EXPECT_THAT(sink.warnings[0].detail, HasSubstr("byte offset 2"));
}

// The line is what an examiner opens the file at; every read size and
// every place of the bad byte (in the sniffed head or later) gives the same.
TEST(TextDecoderTest, InvalidSequencesAreReportedWithTheirLine) {
  const std::string head = "a\r\nb\nc";
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{64}}) {
    const std::string data = head + "\n\n\xC3(x\n\xFF";
    MemoryStream raw(data);
    testing::CollectingSink sink;
    TextDecoder decoder(&raw, &sink, "x.csv");
    EXPECT_EQ(ReadAll(decoder, chunk), data);
    ASSERT_EQ(sink.warnings.size(), 1u) << chunk;
    EXPECT_EQ(sink.warnings[0].line, 5u) << chunk;
    EXPECT_THAT(sink.warnings[0].detail, HasSubstr("at line 5, byte offset 8")) << chunk;
  }
  {
    OneByteStream raw("\n\x80");  // in the bytes read while sniffing
    testing::CollectingSink sink;
    TextDecoder decoder(&raw, &sink, "x.csv");
    ReadAll(decoder, 64);
    ASSERT_EQ(sink.warnings.size(), 1u);
    EXPECT_EQ(sink.warnings[0].line, 2u);
  }
  {
    std::u16string text = u"A\nB\n";
    text.push_back(0xDC00);
    const std::string data = Utf16(text, true);
    MemoryStream raw(data);
    testing::CollectingSink sink;
    TextDecoder decoder(&raw, &sink, "x.csv");
    ReadAll(decoder, 3);
    ASSERT_EQ(sink.warnings.size(), 1u);
    EXPECT_EQ(sink.warnings[0].line, 3u);
    EXPECT_THAT(sink.warnings[0].detail, HasSubstr("at line 3, byte offset 10"));
  }
}

TEST(TextDecoderTest, InvalidUtf8OffsetCountsTheBom) {
  const std::string data =
      "\xEF\xBB\xBF"
      "abc\x80";
  MemoryStream raw(data);
  testing::CollectingSink sink;
  TextDecoder decoder(&raw, &sink, "x.csv");
  EXPECT_EQ(ReadAll(decoder, 64), "abc\x80");
  ASSERT_EQ(sink.warnings.size(), 1u);
  EXPECT_THAT(sink.warnings[0].detail, HasSubstr("byte offset 6"));
}

TEST(TextDecoderTest, RejectsOverlongsSurrogatesAndTruncation) {
  struct Case {
    std::string data;
    std::string offset;
  };
  const Case cases[] = {
      {"x\xC0\xAF", "offset 1"},           // overlong '/'
      {"xy\xE0\x80\xAF", "offset 2"},      // overlong, 3 bytes
      {"\xED\xA0\x80", "offset 0"},        // UTF-16 surrogate in UTF-8
      {"ok\xF4\x90\x80\x80", "offset 2"},  // above U+10FFFF
      {"abc\xE2\x82", "offset 3"},         // cut off at end of stream
  };
  for (const Case& c : cases) {
    MemoryStream raw(c.data);
    testing::CollectingSink sink;
    TextDecoder decoder(&raw, &sink, "x.csv");
    EXPECT_EQ(ReadAll(decoder, 64), c.data);
    ASSERT_EQ(sink.warnings.size(), 1u) << c.offset;
    EXPECT_EQ(sink.warnings[0].kind, "invalid-utf8");
    EXPECT_THAT(sink.warnings[0].detail, HasSubstr(c.offset));
  }
}

class BrokenStream : public ByteStream {
 public:
  absl::StatusOr<size_t> Read(char*, size_t) override { return absl::DataLossError("broken"); }
};

TEST(TextDecoderTest, ErrorsAreSticky) {
  BrokenStream raw;
  testing::CollectingSink sink;
  TextDecoder decoder(&raw, &sink, "x.csv");
  char buf[4];
  EXPECT_EQ(decoder.Read(buf, sizeof(buf)).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(decoder.Read(buf, sizeof(buf)).status().code(), absl::StatusCode::kDataLoss);
}

TEST(TextDecoderTest, EncodingNames) {
  EXPECT_STREQ(TextEncodingName(TextEncoding::kUtf8), "utf-8");
  EXPECT_STREQ(TextEncodingName(TextEncoding::kUtf8Bom), "utf-8-bom");
  EXPECT_STREQ(TextEncodingName(TextEncoding::kUtf16Le), "utf-16le");
  EXPECT_STREQ(TextEncodingName(TextEncoding::kUtf16Be), "utf-16be");
}

}  // namespace
}  // namespace tern
