#include "core/base/strings.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace tern {
namespace {

TEST(StringsTest, EqualsIgnoreCaseFoldsAsciiOnly) {
  EXPECT_TRUE(EqualsIgnoreCase("New-InboxRule", "new-inboxrule"));
  EXPECT_TRUE(EqualsIgnoreCase("", ""));
  EXPECT_FALSE(EqualsIgnoreCase("Send", "SendAs"));
  EXPECT_FALSE(EqualsIgnoreCase("a-b", "a_b"));
  // Not Unicode folding: "É" and "é" differ in UTF-8 bytes beyond ASCII.
  EXPECT_FALSE(EqualsIgnoreCase("\xc3\x89", "\xc3\xa9"));
}

TEST(StringsTest, AffixesAndContains) {
  EXPECT_TRUE(StartsWithIgnoreCase("ForwardingSmtpAddress", "forwarding"));
  EXPECT_FALSE(StartsWithIgnoreCase("Fwd", "forwarding"));
  EXPECT_TRUE(EndsWithIgnoreCase("Folder.NewValue", ".newvalue"));
  EXPECT_FALSE(EndsWithIgnoreCase("Value", "NewValue"));
  EXPECT_TRUE(ContainsIgnoreCase("Set-InboxRule", "INBOXRULE"));
  EXPECT_TRUE(ContainsIgnoreCase("anything", ""));
  EXPECT_FALSE(ContainsIgnoreCase("rule", "inboxrule"));
}

TEST(StringsTest, ContainsIgnoreCaseAgreesWithSearchingTheLowerCasedTexts) {
  // Every needle of up to 3 letters from a small alphabet (cases and a
  // non-ASCII byte included) in texts built from it: the answer is that of
  // a plain search in the ASCII-lower-cased texts.
  const std::string alphabet = "aAbB.\xc3";
  std::vector<std::string> texts = {""};
  for (size_t len = 1; len <= 4; ++len) {
    std::vector<std::string> longer;
    for (const std::string& t : texts) {
      if (t.size() + 1 != len) continue;
      for (char c : alphabet) longer.push_back(t + c);
    }
    texts.insert(texts.end(), longer.begin(), longer.end());
  }
  size_t found = 0;
  for (const std::string& haystack : texts) {
    for (const std::string& needle : texts) {
      if (needle.size() > 3) continue;
      const bool want = AsciiLower(haystack).find(AsciiLower(needle)) != std::string::npos;
      ASSERT_EQ(ContainsIgnoreCase(haystack, needle), want) << haystack << " / " << needle;
      found += want;
    }
  }
  EXPECT_GT(found, 1000u);
  EXPECT_TRUE(ContainsIgnoreCase("Client=WebServices;eM Client/9", "EM CLIENT"));
  EXPECT_FALSE(ContainsIgnoreCase("python-requests/2", "python/"));
}

TEST(StringsTest, AsciiLowerFoldsAsciiOnly) {
  EXPECT_EQ(AsciiLower("Alice@Contoso.COM"), "alice@contoso.com");
  EXPECT_EQ(AsciiLower("\xC3\x89T\xC3\x89"), "\xC3\x89t\xC3\x89");  // É stays É
  EXPECT_EQ(AsciiLower(""), "");
}

TEST(StringsTest, TrimAsciiWhitespace) {
  EXPECT_EQ(TrimAsciiWhitespace(" \t\r\nOwner \v"), "Owner");
  EXPECT_EQ(TrimAsciiWhitespace("   "), "");
  EXPECT_EQ(TrimAsciiWhitespace("a b"), "a b");
}

}  // namespace
}  // namespace tern
