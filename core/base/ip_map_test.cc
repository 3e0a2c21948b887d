// IpMap: the same answers as a map keyed by the IP text, whatever the spelling.
#include "core/base/ip_map.h"

#include <map>
#include <string>

#include "gtest/gtest.h"

namespace tern {
namespace {

TEST(IpMapTest, AnswersAsATextKeyedMap) {
  // Canonical addresses, other spellings of the same addresses, host names.
  const char* texts[] = {"1.2.3.4",
                         "::ffff:1.2.3.4",
                         "2001:db8::1",
                         "2001:DB8::1",
                         "2001:db8:0:0:0:0:0:1",
                         "client.local",
                         "",
                         "::"};
  IpMap<int> map;
  std::map<std::string, int> expected;
  int n = 0;
  for (const char* text : texts) {
    auto [value, inserted] = map.TryEmplace(text, ++n);
    EXPECT_TRUE(inserted) << text;
    EXPECT_EQ(*value, n) << text;
    expected[text] = n;
  }
  EXPECT_EQ(map.size(), expected.size());
  for (const char* text : texts) {
    auto [value, inserted] = map.TryEmplace(text, 100);
    EXPECT_FALSE(inserted) << text;
    ++*value;
    ++expected[text];
  }
  for (const auto& [text, value] : expected) {
    ASSERT_NE(map.Find(text), nullptr) << text;
    EXPECT_EQ(*map.Find(text), value) << text;
  }
  EXPECT_EQ(map.Find("1.2.3.5"), nullptr);
  EXPECT_EQ(map.Find("other.local"), nullptr);

  std::map<std::string, int> visited;
  map.ForEach([&](const std::string& text, int value) { visited[text] = value; });
  EXPECT_EQ(visited, expected);
}

}  // namespace
}  // namespace tern
