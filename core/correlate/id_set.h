// The session ids the sessionizer has given out (core/correlate/
// sessionizer.h), kept by the top 32 of their 48 bits in about 2.3 bytes
// each: 65,536 buckets by the top 16 bits, each a sorted vector of the next
// 16. The exact ids cost 4.5 bytes each this way, 33 MB of a 10M-record
// analysis' peak (docs/BENCHMARKS.md "Change 24"); the ids of a case grow
// with its sessions, not with what it found.
//
// Insert is true only for a value whose 32-bit prefix no earlier value had,
// so a value it accepts differs from every value before it: that is all the
// sessionizer needs to keep ids unique. It also turns down a new value that
// merely shares a prefix, about n / 2^32 of them after n inserts (one in 600
// at 7 million sessions); the sessionizer salts those as it salts true
// collisions. Inserts come in a fixed order, so the answer is reproducible.
//
// Values spread evenly over the buckets (they are hash bits), so an insert
// moves about n / 65,536 entries. Thread-compatible.
#ifndef TERN_CORE_CORRELATE_ID_SET_H_
#define TERN_CORE_CORRELATE_ID_SET_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tern::correlate {

class IdPrefixSet {
 public:
  // Remembers the prefix of the low 48 bits of `value`; true when no value
  // inserted before had it.
  bool Insert(uint64_t value);
  // Whether a value with the prefix of `value` was inserted.
  bool ContainsPrefixOf(uint64_t value) const;
  size_t size() const { return size_; }
  // Bytes held by the buckets (for tests and benchmarks).
  size_t MemoryBytes() const;
  void Clear();

 private:
  static constexpr int kBucketBits = 16;
  std::vector<std::vector<uint16_t>> buckets_;  // empty until the first Insert
  size_t size_ = 0;
};

}  // namespace tern::correlate

#endif  // TERN_CORE_CORRELATE_ID_SET_H_
