#include <map>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "core/detect/rules.h"
#include "gtest/gtest.h"

namespace tern::detect {
namespace {

TEST(StaleSweepTest, DropsOnlyStaleStateAndOnlyEvery65536Calls) {
  absl::flat_hash_map<std::string, TimeMs> last_seen;
  for (int i = 0; i < 1000; ++i) last_seen["k" + std::to_string(i)] = i;
  StaleSweep sweep;
  auto stale = [](TimeMs t) { return t < 500; };
  for (int call = 1; call < 65536; ++call) {
    sweep.Run(last_seen, stale);
    ASSERT_EQ(last_seen.size(), 1000u) << call;  // not due yet
  }
  sweep.Run(last_seen, stale);
  EXPECT_EQ(last_seen.size(), 500u);
  for (const auto& [key, t] : last_seen) EXPECT_GE(t, 500) << key;
}

TEST(SlidingKeysTest, AllBeforeIsWhatExpireWouldDropEntirely) {
  SlidingKeys<int> keys;
  EXPECT_TRUE(keys.AllBefore(0));
  keys.Touch("a", 100, 1);
  keys.Touch("b", 200, 2);
  EXPECT_FALSE(keys.AllBefore(200));
  EXPECT_TRUE(keys.AllBefore(201));
  keys.Touch("a", 300, 1);  // a seen again later
  EXPECT_FALSE(keys.AllBefore(201));
  int dropped = 0;
  keys.Expire(301, [&](const int&) { ++dropped; });
  EXPECT_EQ(dropped, 2);
  EXPECT_TRUE(keys.AllBefore(0));
}

}  // namespace
}  // namespace tern::detect
