#include "core/base/strings.h"

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
