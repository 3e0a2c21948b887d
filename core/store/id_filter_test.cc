#include "core/store/id_filter.h"

#include <string>

#include "gtest/gtest.h"

namespace tern::store_internal {
namespace {

std::string Id(int n) { return "4f2c9a1e-0000-4000-8000-" + std::to_string(1000000000 + n); }

TEST(IdFilterTest, EmptyFilterHoldsNothing) {
  IdFilter f;
  EXPECT_FALSE(f.MayContain(Id(1)));
  EXPECT_FALSE(f.MayContain(""));
  EXPECT_EQ(f.MemoryBytes(), 0u);
}

TEST(IdFilterTest, EveryAddedIdIsFoundAcrossStages) {
  IdFilter f;
  constexpr int kIds = 700000;  // three stages
  for (int i = 0; i < kIds; i += 2) f.Add(Id(i));
  for (int i = 0; i < kIds; i += 2) ASSERT_TRUE(f.MayContain(Id(i))) << i;
  // The ids never added: nearly all are told apart.
  int false_positives = 0;
  for (int i = 1; i < kIds; i += 2) false_positives += f.MayContain(Id(i)) ? 1 : 0;
  EXPECT_LT(false_positives, kIds / 2 / 50) << "more than 2% false positives";
  EXPECT_GT(f.MemoryBytes(), 0u);
  EXPECT_LT(f.MemoryBytes(), size_t{4} << 20);
}

TEST(IdFilterTest, CloseIdsDiffer) {
  IdFilter f;
  f.Add("a");
  EXPECT_TRUE(f.MayContain("a"));
  EXPECT_FALSE(f.MayContain("b"));
  EXPECT_FALSE(f.MayContain("a "));
}

}  // namespace
}  // namespace tern::store_internal
