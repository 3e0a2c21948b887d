#include "core/base/json_writer.h"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace tern {
namespace {

std::string Quoted(std::string_view text) {
  std::string out;
  AppendJsonString(text, &out);
  return out;
}

TEST(JsonWriterTest, CompactObject) {
  JsonWriter w;
  w.BeginObject()
      .Key("id")
      .String("abc")
      .Key("n")
      .Int(-5)
      .Key("u")
      .Uint(18446744073709551615u)
      .Key("ok")
      .Bool(true)
      .Key("no")
      .Bool(false)
      .Key("nothing")
      .Null()
      .Key("list")
      .BeginArray()
      .Int(1)
      .Int(2)
      .EndArray()
      .EndObject();
  EXPECT_EQ(w.str(), R"({"id":"abc","n":-5,"u":18446744073709551615,"ok":true,"no":false,)"
                     R"("nothing":null,"list":[1,2]})");
}

TEST(JsonWriterTest, PrettyNested) {
  JsonWriter w(2);
  w.BeginObject();
  w.Key("name").String("rule");
  w.Key("tags").BeginArray().String("a").String("b").EndArray();
  w.Key("empty_list").BeginArray().EndArray();
  w.Key("empty_object").BeginObject().EndObject();
  w.Key("nested").BeginObject().Key("x").Int(1).EndObject();
  w.Key("matrix").BeginArray().BeginArray().Int(1).EndArray().BeginArray().EndArray().EndArray();
  w.EndObject();
  EXPECT_EQ(w.str(),
            "{\n"
            "  \"name\": \"rule\",\n"
            "  \"tags\": [\n"
            "    \"a\",\n"
            "    \"b\"\n"
            "  ],\n"
            "  \"empty_list\": [],\n"
            "  \"empty_object\": {},\n"
            "  \"nested\": {\n"
            "    \"x\": 1\n"
            "  },\n"
            "  \"matrix\": [\n"
            "    [\n"
            "      1\n"
            "    ],\n"
            "    []\n"
            "  ]\n"
            "}");
}

TEST(JsonWriterTest, PrettyWithFourSpacesAndNegativeIndentIsCompact) {
  JsonWriter four(4);
  four.BeginArray().Int(1).EndArray();
  EXPECT_EQ(four.str(), "[\n    1\n]");
  JsonWriter negative(-3);
  negative.BeginArray().Int(1).Int(2).EndArray();
  EXPECT_EQ(negative.str(), "[1,2]");
}

TEST(JsonWriterTest, EmptyTopLevelContainers) {
  EXPECT_EQ(JsonWriter(2).BeginObject().EndObject().str(), "{}");
  EXPECT_EQ(JsonWriter(2).BeginArray().EndArray().str(), "[]");
  EXPECT_EQ(JsonWriter().BeginObject().EndObject().str(), "{}");
}

TEST(JsonWriterTest, ScalarsAtTopLevel) {
  EXPECT_EQ(JsonWriter().String("x").str(), "\"x\"");
  EXPECT_EQ(JsonWriter().Int(std::numeric_limits<int64_t>::min()).str(), "-9223372036854775808");
  EXPECT_EQ(JsonWriter().Null().str(), "null");
}

TEST(JsonWriterTest, SuccessiveTopLevelValuesAreJsonLines) {
  JsonWriter w;
  w.BeginObject().Key("a").Int(1).EndObject();
  w.BeginObject().Key("a").Int(2).EndObject();
  EXPECT_EQ(w.str(), "{\"a\":1}\n{\"a\":2}");
  const std::string taken = w.Take();
  EXPECT_EQ(taken, "{\"a\":1}\n{\"a\":2}");
  w.BeginObject().EndObject();
  EXPECT_EQ(w.str(), "{}");  // a fresh document after Take()
}

TEST(JsonWriterTest, Doubles) {
  struct Case {
    double value;
    const char* want;
  };
  const Case cases[] = {
      {0.0, "0"},
      {-0.0, "-0"},
      {1.0, "1"},
      {1.5, "1.5"},
      {0.1, "0.1"},
      {1156492.0, "1156492"},
      {1e21, "1e+21"},
      {1.5e-7, "1.5e-07"},
      {123456.789, "123456.789"},
      {std::numeric_limits<double>::quiet_NaN(), "null"},
      {std::numeric_limits<double>::infinity(), "null"},
      {-std::numeric_limits<double>::infinity(), "null"},
  };
  for (const Case& c : cases) {
    JsonWriter w;
    w.BeginArray().Double(c.value).EndArray();
    EXPECT_EQ(w.str(), std::string("[") + c.want + "]") << c.want;
  }
  // Shortest representation that round-trips.
  EXPECT_EQ(JsonWriter().Double(0.30000000000000004).str(), "0.30000000000000004");
}

TEST(JsonWriterTest, NaNAsObjectMemberIsNull) {
  JsonWriter w;
  w.BeginObject().Key("x").Double(std::numeric_limits<double>::quiet_NaN()).Key("y").Int(1);
  w.EndObject();
  EXPECT_EQ(w.str(), R"({"x":null,"y":1})");
}

TEST(JsonWriterTest, RawValues) {
  JsonWriter w;
  w.BeginObject().Key("details").Raw(R"({"k":[1,2]})").Key("n").Int(3).EndObject();
  EXPECT_EQ(w.str(), R"({"details":{"k":[1,2]},"n":3})");
  JsonWriter arr;
  arr.BeginArray().Raw("1").Raw("true").EndArray();
  EXPECT_EQ(arr.str(), "[1,true]");
}

TEST(JsonWriterTest, MisuseStillProducesValidJson) {
  // A key without a value gets null instead of leaving "{"k":}".
  JsonWriter dangling;
  dangling.BeginObject().Key("k").EndObject();
  EXPECT_EQ(dangling.str(), R"({"k":null})");
  JsonWriter twice;
  twice.BeginObject().Key("a").Key("b").Int(1).EndObject();
  EXPECT_EQ(twice.str(), R"({"a":null,"b":1})");
  // Unbalanced End calls are ignored.
  JsonWriter extra;
  extra.BeginArray().EndArray().EndArray().EndObject();
  EXPECT_EQ(extra.str(), "[]");
}

TEST(JsonWriterTest, KeysAreEscaped) {
  JsonWriter w;
  w.BeginObject().Key("a\"b\n").Int(1).EndObject();
  EXPECT_EQ(w.str(), R"({"a\"b\n":1})");
}

TEST(AppendJsonStringTest, Escapes) {
  struct Case {
    std::string_view in;
    std::string_view want;
  };
  const Case cases[] = {
      {"", R"("")"},
      {"plain", R"("plain")"},
      {"quote\"back\\slash", R"("quote\"back\\slash")"},
      {"\n\r\t\b\f", R"("\n\r\t\b\f")"},
      {std::string_view("\0", 1), R"("\u0000")"},
      {"\x01\x1f", R"("\u0001\u001f")"},
      {"\x1b[31m", R"("\u001b[31m")"},
      {"del\x7f", R"("del\u007f")"},
      {"csi\xC2\x9B", R"("csi\u009b")"},
      {"\xC2\xA0nbsp", "\"\xC2\xA0nbsp\""},
      {"ls\xE2\x80\xA8ps\xE2\x80\xA9", R"("ls\u2028ps\u2029")"},
      {"\xE2\x80\xA7\xE2\x80\xAA", "\"\xE2\x80\xA7\xE2\x80\xAA\""},
      {"<script>&</script>", R"("<script>&</script>")"},
      {"a/b", R"("a/b")"},
      {"\\Bo\xC3\xAEte de r\xC3\xA9"
       "ception",
       "\"\\\\Bo\xC3\xAEte de r\xC3\xA9"
       "ception\""},
      {"\xF0\x9F\x93\xA7", "\"\xF0\x9F\x93\xA7\""},
      // Invalid UTF-8 becomes U+FFFD.
      {"bad\xff", "\"bad\xEF\xBF\xBD\""},
      {"\xED\xA0\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""},
      {"\xC3", "\"\xEF\xBF\xBD\""},
      {"\xFF\n", "\"\xEF\xBF\xBD\\n\""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Quoted(c.in), c.want) << c.in;
  }
}

TEST(AppendJsonStringTest, AppendsToExistingText) {
  std::string out = "prefix:";
  AppendJsonString("x", &out);
  EXPECT_EQ(out, "prefix:\"x\"");
}

TEST(AppendJsonStringTest, LongHostileString) {
  std::string hostile;
  for (int i = 0; i < 200000; ++i) hostile += static_cast<char>(i % 256);
  const std::string quoted = Quoted(hostile);
  ASSERT_GE(quoted.size(), 2u);
  EXPECT_EQ(quoted.front(), '"');
  EXPECT_EQ(quoted.back(), '"');
  // No raw control characters survive and every quote inside is escaped.
  for (size_t i = 1; i + 1 < quoted.size(); ++i) {
    const auto byte = static_cast<unsigned char>(quoted[i]);
    ASSERT_GE(byte, 0x20) << i;
    if (quoted[i] == '"') {
      size_t backslashes = 0;
      for (size_t j = i; j > 0 && quoted[j - 1] == '\\'; --j) ++backslashes;
      ASSERT_EQ(backslashes % 2, 1u) << i;
    }
  }
}

}  // namespace
}  // namespace tern
