// IdFilter: an in-memory, growing Bloom filter over the record ids a writer
// has stored, so that AddEvent can tell a new record id (nearly every one of
// an ingest) from one that may be in the store without asking RocksDB: a
// point read of the ids family cost about a tenth of the store writer's time
// (docs/BENCHMARKS.md "Change 7").
//
// MayContain is never false for an added id; it is true for a few percent of
// the others (then the caller reads the store). It grows in stages, each
// twice the size of the one before, at 16 bits per id of a stage's capacity
// (8 MiB for 2M ids, 33 MiB for 10M).
// Owned by CaseStore::Impl; thread-compatible.
#ifndef TERN_CORE_STORE_ID_FILTER_H_
#define TERN_CORE_STORE_ID_FILTER_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace tern::store_internal {

class IdFilter {
 public:
  void Add(std::string_view id);
  bool MayContain(std::string_view id) const;
  // Bytes held by the filter's bit arrays.
  size_t MemoryBytes() const;

 private:
  struct Stage {
    std::vector<uint64_t> bits;
    uint64_t mask = 0;  // number of bits - 1 (a power of two)
    size_t capacity = 0;
    size_t count = 0;
  };
  static uint64_t HashOf(std::string_view id);
  static uint64_t Bit(const Stage& s, uint64_t h, int i);
  static bool Probe(const Stage& s, uint64_t h);

  std::vector<Stage> stages_;
};

}  // namespace tern::store_internal

#endif  // TERN_CORE_STORE_ID_FILTER_H_
