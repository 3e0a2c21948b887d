#include "core/base/bounded_memo.h"

#include <string>

#include "gtest/gtest.h"

namespace tern {
namespace {

TEST(BoundedMemoTest, ComputesEachKeyOnceUntilFullThenForgetsAll) {
  BoundedMemo<std::string> memo(2);
  int computed = 0;
  auto upper = [&](std::string_view key) {
    return [&computed, key] {
      ++computed;
      std::string out(key);
      for (char& c : out) c = static_cast<char>(c - 'a' + 'A');
      return out;
    };
  };
  EXPECT_EQ(memo.Get("ab", upper("ab")), "AB");
  EXPECT_EQ(memo.Get("ab", upper("ab")), "AB");
  EXPECT_EQ(memo.Get("cd", upper("cd")), "CD");
  EXPECT_EQ(computed, 2);
  EXPECT_EQ(memo.size(), 2u);
  // Full: a third key forgets the first two.
  EXPECT_EQ(memo.Get("ef", upper("ef")), "EF");
  EXPECT_EQ(memo.size(), 1u);
  EXPECT_EQ(memo.Get("ab", upper("ab")), "AB");
  EXPECT_EQ(computed, 4);
}

TEST(BoundedMemoTest, KeysWithNulAndEmptyAreDistinct) {
  BoundedMemo<int> memo(8);
  EXPECT_EQ(memo.Get(std::string_view("a\0b", 3), [] { return 1; }), 1);
  EXPECT_EQ(memo.Get("a", [] { return 2; }), 2);
  EXPECT_EQ(memo.Get("", [] { return 3; }), 3);
  EXPECT_EQ(memo.Get(std::string_view("a\0b", 3), [] { return 9; }), 1);
  EXPECT_EQ(memo.size(), 3u);
}

}  // namespace
}  // namespace tern
