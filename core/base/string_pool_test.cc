#include "core/base/string_pool.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace tern {
namespace {

TEST(StringPoolTest, GivesEachDistinctValueOneIdInOrderOfFirstAppearance) {
  StringPool pool;
  EXPECT_EQ(pool.Intern("alice@contoso.com"), 0u);
  EXPECT_EQ(pool.Intern("bob@contoso.com"), 1u);
  EXPECT_EQ(pool.Intern(std::string("alice@contoso.com")), 0u);
  EXPECT_EQ(pool.Intern(""), 2u);
  EXPECT_EQ(pool.Intern(""), 2u);
  EXPECT_EQ(pool.size(), 3u);
  EXPECT_EQ(pool.View(1), "bob@contoso.com");
  EXPECT_EQ(pool.View(2), "");
  EXPECT_EQ(pool.Find("bob@contoso.com"), 1u);
  EXPECT_EQ(pool.Find("Bob@contoso.com"), std::nullopt);  // exact bytes only
  EXPECT_FALSE(pool.contains("carol"));
}

TEST(StringPoolTest, ViewsStayValidAcrossBlocksLongValuesAndMoves) {
  StringPool pool;
  std::vector<std::string> values;
  for (int i = 0; i < 20000; ++i) values.push_back("identifier-" + std::to_string(i));
  values.push_back(std::string(100000, 'x'));  // longer than a block
  values.push_back(std::string(17000, 'y'));   // a block of its own
  values.push_back("after the long ones");
  std::vector<std::string_view> views;
  for (const std::string& v : values) views.push_back(pool.View(pool.Intern(v)));

  StringPool moved = std::move(pool);
  ASSERT_EQ(moved.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(moved.View(static_cast<uint32_t>(i)), values[i]);
    EXPECT_EQ(moved.View(static_cast<uint32_t>(i)).data(), views[i].data());  // not copied
    EXPECT_EQ(moved.Find(values[i]), i);
  }
  EXPECT_EQ(moved.Intern("identifier-7"), 7u);
  EXPECT_EQ(moved.Intern("new"), values.size());
}

}  // namespace
}  // namespace tern
