#include "core/correlate/id_set.h"

#include <cstdint>
#include <random>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "core/correlate/sessionizer.h"
#include "gtest/gtest.h"

namespace tern::correlate {
namespace {

TEST(IdPrefixSetTest, AcceptsAPrefixOnceAndKeepsOnlyTheLow48Bits) {
  IdPrefixSet set;
  const uint64_t id = 0x123456789abcULL;
  EXPECT_FALSE(set.ContainsPrefixOf(id));
  EXPECT_TRUE(set.Insert(id));
  EXPECT_FALSE(set.Insert(id));
  EXPECT_TRUE(set.ContainsPrefixOf(id));
  // Same low 48 bits: the same id.
  EXPECT_FALSE(set.Insert((uint64_t{1} << 48) | id));
  // Same top 32 of 48 bits: turned down although the id is new.
  EXPECT_FALSE(set.Insert(0x12345678ffffULL));
  EXPECT_TRUE(set.ContainsPrefixOf(0x123456780000ULL));
  // Another piece in the same bucket, and another bucket.
  EXPECT_TRUE(set.Insert(0x123456790000ULL));
  EXPECT_TRUE(set.Insert(0x003456789abcULL));
  EXPECT_TRUE(set.Insert(0xffffffffffffULL));
  EXPECT_FALSE(set.ContainsPrefixOf(0xfffffffeffffULL));
  EXPECT_EQ(set.size(), 4u);
  set.Clear();
  EXPECT_EQ(set.size(), 0u);
  EXPECT_FALSE(set.ContainsPrefixOf(id));
  EXPECT_TRUE(set.Insert(id));
}

TEST(IdPrefixSetTest, AgreesWithAHashSetOfPrefixesAndIsSmall) {
  IdPrefixSet set;
  absl::flat_hash_set<uint64_t> prefixes;
  std::mt19937_64 random(14);
  for (int i = 0; i < 300000; ++i) {
    // Session ids are the top 48 bits of FNV-1a; a few repeat on purpose.
    const uint64_t v = (i % 10 == 0 && i > 0) ? (Fnv1a64(std::to_string(i / 2)) >> 16)
                                              : (Fnv1a64(std::to_string(i)) >> 16);
    ASSERT_EQ(set.Insert(v), prefixes.insert(v >> 16).second) << i;
  }
  ASSERT_EQ(set.size(), prefixes.size());
  for (int i = 0; i < 100000; ++i) {
    const uint64_t v = random() >> 16;
    ASSERT_EQ(set.ContainsPrefixOf(v), prefixes.contains(v >> 16));
  }
  // About 2.3 bytes per id plus the bucket table.
  EXPECT_LT(set.MemoryBytes(), set.size() * 5 / 2 + (size_t{1} << 16) * 24);
}

}  // namespace
}  // namespace tern::correlate
