#include "core/sigma/pattern.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tern::sigma {
namespace {

using ::testing::ElementsAre;

TEST(PatternTest, PlainValuesMatchWholeValueIgnoringAsciiCase) {
  Pattern p = Pattern::Text("New-InboxRule", false, false, false);
  EXPECT_EQ(p.kind(), Pattern::Kind::kExact);
  EXPECT_TRUE(p.Matches("new-inboxrule"));
  EXPECT_TRUE(p.Matches("NEW-INBOXRULE"));
  EXPECT_FALSE(p.Matches("New-InboxRules"));
  EXPECT_FALSE(p.Matches(""));
}

TEST(PatternTest, CasedIsCaseSensitive) {
  Pattern p = Pattern::Text("Bob", true, false, false);
  EXPECT_TRUE(p.Matches("Bob"));
  EXPECT_FALSE(p.Matches("bob"));
}

TEST(PatternTest, WrappingGivesContainsStartsAndEndsWith) {
  EXPECT_EQ(Pattern::Text("abc", false, true, true).kind(), Pattern::Kind::kContains);
  EXPECT_TRUE(Pattern::Text("abc", false, true, true).Matches("xxABCxx"));
  EXPECT_FALSE(Pattern::Text("abc", false, true, true).Matches("xxABxCx"));
  EXPECT_TRUE(Pattern::Text("abc", false, false, true).Matches("abcd"));
  EXPECT_FALSE(Pattern::Text("abc", false, false, true).Matches("dabc"));
  EXPECT_TRUE(Pattern::Text("abc", false, true, false).Matches("dabc"));
  EXPECT_FALSE(Pattern::Text("abc", false, true, false).Matches("abcd"));
}

TEST(PatternTest, WildcardsStarAndQuestionMark) {
  Pattern p = Pattern::Text("a*b?d", false, false, false);
  EXPECT_EQ(p.kind(), Pattern::Kind::kGlob);
  EXPECT_TRUE(p.Matches("ab_d"));
  EXPECT_TRUE(p.Matches("aXXXbcd"));
  EXPECT_TRUE(p.Matches("AxBcD"));
  EXPECT_FALSE(p.Matches("abd"));
  EXPECT_FALSE(p.Matches("abcde"));
  // '?' is one character, also a multi-byte one.
  EXPECT_TRUE(Pattern::Text("caf?", false, false, false).Matches("caf\xC3\xA9"));
  EXPECT_TRUE(Pattern::Text("*", false, false, false).Matches(""));
  EXPECT_TRUE(Pattern::Text("*", false, false, false).Matches("anything"));
  // Backtracking over repeated prefixes.
  EXPECT_TRUE(Pattern::Text("*aab", false, false, false).Matches("aaaab"));
  EXPECT_TRUE(Pattern::Text("*a*a*b", false, false, false).Matches("xaxxaxxb"));
}

TEST(PatternTest, EscapedWildcardsAreLiteral) {
  Pattern star = Pattern::Text("a\\*b", false, false, false);
  EXPECT_EQ(star.kind(), Pattern::Kind::kExact);
  EXPECT_TRUE(star.Matches("a*b"));
  EXPECT_FALSE(star.Matches("axb"));
  EXPECT_TRUE(Pattern::Text("a\\?", false, false, false).Matches("a?"));
  EXPECT_FALSE(Pattern::Text("a\\?", false, false, false).Matches("ab"));
  // "\\\\" is one backslash; a lone backslash stays a backslash.
  EXPECT_TRUE(Pattern::Text("dom\\\\user", false, false, false).Matches("dom\\user"));
  EXPECT_TRUE(Pattern::Text("dom\\user", false, false, false).Matches("dom\\user"));
}

TEST(PatternTest, RegexIsCaseSensitiveUnlessI) {
  Pattern p = *Pattern::Regex("^Set-.*Rule$", "");
  EXPECT_TRUE(p.Matches("Set-InboxRule"));
  EXPECT_FALSE(p.Matches("set-inboxrule"));
  EXPECT_TRUE(Pattern::Regex("^set-.*rule$", "i")->Matches("Set-InboxRule"));
  // Partial match, like a search.
  EXPECT_TRUE(Pattern::Regex("Inbox", "")->Matches("Set-InboxRule"));
  EXPECT_TRUE(Pattern::Regex("^b$", "m")->Matches("a\nb\nc"));
  EXPECT_FALSE(Pattern::Regex("^b$", "")->Matches("a\nb\nc"));
  EXPECT_TRUE(Pattern::Regex("a.c", "s")->Matches("a\nc"));
  EXPECT_FALSE(Pattern::Regex("a.c", "")->Matches("a\nc"));
  EXPECT_FALSE(Pattern::Regex("(", "").ok());
  EXPECT_FALSE(Pattern::Regex("a", "x").ok());
}

TEST(PatternTest, CidrMatchesIpv4AndIpv6AndNormalizesPorts) {
  Pattern v4 = *Pattern::Cidr("203.0.113.0/24");
  EXPECT_TRUE(v4.Matches("203.0.113.7"));
  EXPECT_TRUE(v4.Matches("203.0.113.7:51234"));
  EXPECT_TRUE(v4.Matches("::ffff:203.0.113.9"));
  EXPECT_FALSE(v4.Matches("203.0.114.7"));
  EXPECT_FALSE(v4.Matches("2001:db8::1"));
  EXPECT_FALSE(v4.Matches("not an ip"));
  Pattern odd = *Pattern::Cidr("10.0.0.0/9");
  EXPECT_TRUE(odd.Matches("10.127.255.255"));
  EXPECT_FALSE(odd.Matches("10.128.0.0"));
  Pattern v6 = *Pattern::Cidr("2001:db8::/32");
  EXPECT_TRUE(v6.Matches("[2001:DB8::abcd]:443"));
  EXPECT_FALSE(v6.Matches("2001:db9::1"));
  EXPECT_TRUE(Pattern::Cidr("198.51.100.4")->Matches("198.51.100.4"));
  EXPECT_FALSE(Pattern::Cidr("1.2.3.0/33").ok());
  EXPECT_FALSE(Pattern::Cidr("foo/8").ok());
}

TEST(PatternTest, NumbersCompare) {
  EXPECT_TRUE(Pattern::Number(Pattern::Compare::kGt, "90")->Matches("91"));
  EXPECT_FALSE(Pattern::Number(Pattern::Compare::kGt, "90")->Matches("90"));
  EXPECT_TRUE(Pattern::Number(Pattern::Compare::kGte, "90")->Matches("90"));
  EXPECT_TRUE(Pattern::Number(Pattern::Compare::kLt, "90")->Matches("0"));
  EXPECT_TRUE(Pattern::Number(Pattern::Compare::kLte, "1.5")->Matches("1.5"));
  EXPECT_FALSE(Pattern::Number(Pattern::Compare::kLt, "90")->Matches("abc"));
  EXPECT_FALSE(Pattern::Number(Pattern::Compare::kLt, "x").ok());
}

TEST(PatternTest, NullMatchesEmpty) {
  EXPECT_TRUE(Pattern::Null().Matches(""));
  EXPECT_FALSE(Pattern::Null().Matches("x"));
}

TEST(PatternTest, WindashExpandsLeadingDashes) {
  EXPECT_THAT(WindashVariants("-enc x"), ElementsAre("-enc x", "/enc x",
                                                     "\xE2\x80\x93"
                                                     "enc x",
                                                     "\xE2\x80\x94"
                                                     "enc x",
                                                     "\xE2\x80\x95"
                                                     "enc x"));
  EXPECT_THAT(WindashVariants("a-b"), ElementsAre("a-b"));
}

TEST(PatternTest, Base64AndOffsets) {
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  EXPECT_EQ(Base64("foobar"), "Zm9vYmFy");
  // pySigma's values for "http://" (the specification example).
  EXPECT_THAT(Base64OffsetVariants("http://"), ElementsAre("aHR0cDovL", "h0dHA6Ly", "odHRwOi8v"));
  // Every variant occurs in the encoding of text holding the value.
  for (std::string prefix : {"", "x", "xy"}) {
    const std::string enc = Base64(prefix + "Invoke-Mimikatz trailing");
    bool found = false;
    for (const std::string& v : Base64OffsetVariants("Invoke-Mimikatz")) {
      found = found || enc.find(v) != std::string::npos;
    }
    EXPECT_TRUE(found) << prefix;
  }
}

TEST(PatternTest, Utf16Encodings) {
  EXPECT_EQ(Utf16("ab", false, false), std::string("a\0b\0", 4));
  EXPECT_EQ(Utf16("ab", true, false), std::string("\0a\0b", 4));
  EXPECT_EQ(Utf16("a", false, true), std::string("\xFF\xFE"
                                                 "a\0",
                                                 4));
  EXPECT_EQ(Utf16("\xC3\xA9", false, false), std::string("\xE9\0", 2));
}

}  // namespace
}  // namespace tern::sigma
