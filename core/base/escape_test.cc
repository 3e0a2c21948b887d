#include "core/base/escape.h"

#include <cstddef>
#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace tern {
namespace {

constexpr std::string_view kFffd = "\xEF\xBF\xBD";

struct Case {
  std::string_view in;
  std::string_view want;
};

TEST(HtmlEscapeTest, Cases) {
  const Case cases[] = {
      {"", ""},
      {"plain text", "plain text"},
      {"<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"},
      {"a & b", "a &amp; b"},
      {"&amp;", "&amp;amp;"},
      {"\"quoted\"", "&quot;quoted&quot;"},
      {"tab\tnew\nline", "tab\tnew\nline"},
      {"cr\rline", "cr\xEF\xBF\xBDline"},
      {std::string_view("nul\0byte", 8),
       "nul\xEF\xBF\xBD"
       "byte"},
      {"esc\x1b[31m", "esc\xEF\xBF\xBD[31m"},
      {"del\x7f", "del\xEF\xBF\xBD"},
      {"c1\xC2\x9B", "c1\xEF\xBF\xBD"},
      {"Bo\xC3\xAEte de r\xC3\xA9"
       "ception",
       "Bo\xC3\xAEte de r\xC3\xA9"
       "ception"},
      {"bad\xff", "bad\xEF\xBF\xBD"},
      {"\xF0\x9F\x93\xA7 mail", "\xF0\x9F\x93\xA7 mail"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(HtmlEscape(c.in), c.want) << c.in;
  }
}

TEST(CsvCellTest, Cases) {
  const Case cases[] = {
      {"", ""},
      {"plain", "plain"},
      {"a,b", "\"a,b\""},
      {"say \"hi\"", "\"say \"\"hi\"\"\""},
      {"line\nbreak", "\"line\nbreak\""},
      {"line\r\nbreak", "\"line\r\nbreak\""},
      {" leading", "\" leading\""},
      {"trailing ", "\"trailing \""},
      {"in side", "in side"},
      // Formula neutralization (OWASP CSV injection).
      {"=1+2", "'=1+2"},
      {"=HYPERLINK(\"http://evil\",\"x\")", "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""},
      {"+1", "'+1"},
      {"-1", "'-1"},
      {"@SUM(A1)", "'@SUM(A1)"},
      {"\tTAB", "'\tTAB"},
      {"\r=1", "\"'\r=1\""},
      {"=1,2", "\"'=1,2\""},
      {"a=1", "a=1"},
      {"'quoted", "'quoted"},
      {"\xC3\xA9t\xC3\xA9", "\xC3\xA9t\xC3\xA9"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CsvCell(c.in), c.want) << c.in;
  }
}

TEST(CsvCellTest, EmbeddedNulAndLongInput) {
  const std::string with_nul("a\0b", 3);
  EXPECT_EQ(CsvCell(with_nul), with_nul);
  const std::string quotes(100000, '"');
  const std::string cell = CsvCell(quotes);
  EXPECT_EQ(cell.size(), 2 * quotes.size() + 2);
  EXPECT_EQ(cell.front(), '"');
  EXPECT_EQ(cell.back(), '"');
}

TEST(TerminalSafeTest, Cases) {
  const Case cases[] = {
      {"", ""},
      {"plain", "plain"},
      {"tab\tand\nnewline", "tab\tand\nnewline"},
      {"\x1b[31mred\x1b[0m", "red"},
      {"\x1b[1;31;40mbold\x1b[m", "bold"},
      {"\x1b[2J\x1b[Hcleared", "cleared"},
      {"\x1b[?25lhidden cursor", "hidden cursor"},
      {"\x1b]0;evil title\x07"
       "after",
       "after"},
      {"\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "link"},
      {"\x1b]0;title\xC2\x9C"
       "after",
       "after"},
      {"\x1bPdcs payload\x1b\\after", "after"},
      {"\x1b"
       "cReset",
       "Reset"},
      {"\x1b(Bcharset", "charset"},
      {"\x1b"
       "7saved",
       "saved"},
      {"cr\roverwrite", "croverwrite"},
      {"back\bspace", "backspace"},
      {"bell\x07", "bell"},
      {std::string_view("nul\0byte", 8), "nulbyte"},
      {"del\x7f", "del"},
      {"c1\xC2\x85next", "c1next"},
      {"csi8\xC2\x9B"
       "31mred",
       "csi8red"},
      {"osc8\xC2\x9D"
       "0;title\x07"
       "after",
       "osc8after"},
      {"bad\xff utf8", "bad\xEF\xBF\xBD utf8"},
      {"raw c1 \x9b"
       "31m",
       "raw c1 \xEF\xBF\xBD"
       "31m"},
      {"\xC3\xA9t\xC3\xA9 \xF0\x9F\x93\xA7", "\xC3\xA9t\xC3\xA9 \xF0\x9F\x93\xA7"},
      // Unterminated sequences: the introducer goes, inert text stays visible.
      {"\x1b]0;never ends", "0;never ends"},
      {"\x1b[", ""},
      {"\x1b", ""},
      {"end\x1b[12", "end"},
      {"\x1b[31\xC3\xA9", "\xC3\xA9"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(TerminalSafe(c.in), c.want) << c.in;
  }
}

TEST(TerminalSafeTest, OutputNeverContainsControls) {
  std::string hostile;
  for (int i = 0; i < 256; ++i) {
    hostile += static_cast<char>(i);
    hostile += "\x1b[";
    hostile += static_cast<char>(i);
    hostile += "\x1b]";
    hostile += static_cast<char>(255 - i);
  }
  const std::string safe = TerminalSafe(hostile);
  for (char c : safe) {
    const auto byte = static_cast<unsigned char>(c);
    EXPECT_FALSE((byte < 0x20 && c != '\t' && c != '\n') || byte == 0x7f) << static_cast<int>(byte);
  }
  EXPECT_TRUE(IsValidUtf8(safe));
  EXPECT_EQ(safe.find("\xC2\x9B"), std::string::npos);
}

TEST(SanitizeUtf8Test, ValidTextUnchanged) {
  const std::string_view valid[] = {
      "",
      "ascii",
      std::string_view("nul\0inside", 10),
      "\xC2\x80",          // U+0080, smallest two-byte
      "\xDF\xBF",          // U+07FF
      "\xE0\xA0\x80",      // U+0800, smallest three-byte
      "\xED\x9F\xBF",      // U+D7FF, just below the surrogates
      "\xEE\x80\x80",      // U+E000, just above the surrogates
      "\xEF\xBF\xBF",      // U+FFFF
      "\xF0\x90\x80\x80",  // U+10000, smallest four-byte
      "\xF4\x8F\xBF\xBF",  // U+10FFFF, largest code point
      "\\Bo\xC3\xAEte de r\xC3\xA9"
      "ception",
  };
  for (std::string_view text : valid) {
    EXPECT_EQ(SanitizeUtf8(text), text);
    EXPECT_TRUE(IsValidUtf8(text)) << text;
  }
}

TEST(SanitizeUtf8Test, InvalidSequencesReplaced) {
  const std::string f(kFffd);
  const Case cases[] = {
      {"\x80", kFffd},  // lone continuation
      {"\xBF", kFffd},
      {"\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"},                  // overlong '/'
      {"\xC1\xBF", "\xEF\xBF\xBD\xEF\xBF\xBD"},                  // overlong
      {"\xE0\x80\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},  // overlong three-byte
      {"\xF0\x80\x80\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
      {"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},                  // U+D800 surrogate
      {"\xED\xBF\xBF", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},                  // U+DFFF surrogate
      {"\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},  // > U+10FFFF
      {"\xF5\x80\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
      {"\xFF", kFffd},
      {"\xFE", kFffd},
      // Truncated sequences: one replacement per maximal subpart.
      {"\xC3", kFffd},
      {"\xE2\x82", kFffd},
      {"\xF0\x9F\x93", kFffd},
      {"a\xE2\x82z", "a\xEF\xBF\xBDz"},
      {"\xF0\x9F\x93\xC3\xA9", "\xEF\xBF\xBD\xC3\xA9"},
      {"ok\xC3\xA9\xFFok", "ok\xC3\xA9\xEF\xBF\xBDok"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(SanitizeUtf8(c.in), c.want);
    EXPECT_FALSE(IsValidUtf8(c.in));
    EXPECT_TRUE(IsValidUtf8(SanitizeUtf8(c.in)));
  }
}

TEST(IsValidUtf8Test, ReportsFirstBadOffset) {
  size_t offset = 999;
  EXPECT_TRUE(IsValidUtf8("fine \xC3\xA9", &offset));
  EXPECT_EQ(offset, 999u);  // untouched on success
  EXPECT_FALSE(IsValidUtf8("abc\xFF", &offset));
  EXPECT_EQ(offset, 3u);
  EXPECT_FALSE(IsValidUtf8("\xC3\xA9\xC3\xA9\xE2\x82", &offset));
  EXPECT_EQ(offset, 4u);
  EXPECT_FALSE(IsValidUtf8("\x80", &offset));
  EXPECT_EQ(offset, 0u);
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // null bad_offset is allowed
}

TEST(SanitizeUtf8Test, LongHostileInput) {
  std::string hostile;
  for (int i = 0; i < 100000; ++i) hostile += static_cast<char>(0x80 + i % 0x80);
  const std::string clean = SanitizeUtf8(hostile);
  EXPECT_TRUE(IsValidUtf8(clean));
  EXPECT_EQ(SanitizeUtf8(clean), clean);
}

}  // namespace
}  // namespace tern
