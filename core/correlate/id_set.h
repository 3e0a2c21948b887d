// A set of 48-bit values (the sessionizer's session ids, core/correlate/
// sessionizer.h) held in about 4.5 bytes each: 65,536 buckets by the top 16
// bits, each a sorted vector of the low 32 bits. A hash set of uint64_t costs
// 9 bytes per slot at a load of 7/16 to 7/8, i.e. 10 to 20 bytes per value;
// the ids of a case grow with its sessions (1.4 million at 2M records), so
// this is what keeps them from growing with the events.
//
// Values spread evenly over the buckets (they are hash bits), so an insert
// moves about n / 65,536 entries. Thread-compatible.
#ifndef TERN_CORE_CORRELATE_ID_SET_H_
#define TERN_CORE_CORRELATE_ID_SET_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tern::correlate {

class IdSet48 {
 public:
  // Adds the low 48 bits of `value`; true when they were not in the set.
  bool Insert(uint64_t value);
  bool Contains(uint64_t value) const;
  size_t size() const { return size_; }
  // Bytes held by the buckets (for tests and benchmarks).
  size_t MemoryBytes() const;
  void Clear();

 private:
  static constexpr int kBucketBits = 16;
  std::vector<std::vector<uint32_t>> buckets_;  // empty until the first Insert
  size_t size_ = 0;
};

}  // namespace tern::correlate

#endif  // TERN_CORE_CORRELATE_ID_SET_H_
