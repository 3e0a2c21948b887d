#include "core/correlate/id_set.h"

#include <cstdint>
#include <random>
#include <set>

#include "absl/container/flat_hash_set.h"
#include "core/correlate/sessionizer.h"
#include "gtest/gtest.h"

namespace tern::correlate {
namespace {

TEST(IdSet48Test, InsertsOnceAndKeepsOnlyTheLow48Bits) {
  IdSet48 set;
  EXPECT_FALSE(set.Contains(7));
  EXPECT_TRUE(set.Insert(7));
  EXPECT_FALSE(set.Insert(7));
  EXPECT_TRUE(set.Contains(7));
  // Same low 48 bits: the same id.
  EXPECT_FALSE(set.Insert((uint64_t{1} << 48) | 7));
  // Same low 32 bits in another bucket: a different id.
  EXPECT_TRUE(set.Insert((uint64_t{1} << 32) | 7));
  EXPECT_TRUE(set.Insert(0xffffffffffffULL));
  EXPECT_TRUE(set.Contains(0xffffffffffffULL));
  EXPECT_FALSE(set.Contains(0xfffffffffffeULL));
  EXPECT_EQ(set.size(), 3u);
  set.Clear();
  EXPECT_EQ(set.size(), 0u);
  EXPECT_FALSE(set.Contains(7));
  EXPECT_TRUE(set.Insert(7));
}

TEST(IdSet48Test, AgreesWithAHashSetAndIsSmaller) {
  IdSet48 set;
  absl::flat_hash_set<uint64_t> reference;
  std::mt19937_64 random(14);
  for (int i = 0; i < 300000; ++i) {
    // Session ids are the top 48 bits of FNV-1a; a few repeat on purpose.
    const uint64_t v = (i % 10 == 0 && i > 0) ? (Fnv1a64(std::to_string(i / 2)) >> 16)
                                              : (Fnv1a64(std::to_string(i)) >> 16);
    ASSERT_EQ(set.Insert(v), reference.insert(v).second) << i;
  }
  ASSERT_EQ(set.size(), reference.size());
  for (int i = 0; i < 100000; ++i) {
    const uint64_t v = random() >> 16;
    ASSERT_EQ(set.Contains(v), reference.contains(v));
  }
  // About 4.5 bytes per id plus the bucket table, against the hash set's 9
  // bytes per slot.
  const size_t hash_bytes = reference.capacity() * (sizeof(uint64_t) + 1);
  EXPECT_LT(set.MemoryBytes(), hash_bytes * 2 / 3) << set.MemoryBytes() << " vs " << hash_bytes;
  EXPECT_LT(set.MemoryBytes(), set.size() * 6 + (size_t{1} << 16) * 24);
}

}  // namespace
}  // namespace tern::correlate
