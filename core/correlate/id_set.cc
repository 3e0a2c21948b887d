#include "core/correlate/id_set.h"

#include <algorithm>

namespace tern::correlate {
namespace {

// The bucket (top 16 of 48 bits) and the piece kept in it (the next 16).
size_t BucketOf(uint64_t value) { return static_cast<size_t>(value >> 32 & 0xffff); }
uint16_t PieceOf(uint64_t value) { return static_cast<uint16_t>(value >> 16 & 0xffff); }

}  // namespace

bool IdPrefixSet::Insert(uint64_t value) {
  if (buckets_.empty()) buckets_.resize(size_t{1} << kBucketBits);
  std::vector<uint16_t>& bucket = buckets_[BucketOf(value)];
  const uint16_t piece = PieceOf(value);
  auto it = std::lower_bound(bucket.begin(), bucket.end(), piece);
  if (it != bucket.end() && *it == piece) return false;
  if (bucket.size() == bucket.capacity()) {
    // Grow by a quarter, not double: the slack is what this class saves.
    const size_t at = static_cast<size_t>(it - bucket.begin());
    bucket.reserve(bucket.size() + bucket.size() / 4 + 4);
    it = bucket.begin() + static_cast<std::ptrdiff_t>(at);
  }
  bucket.insert(it, piece);
  ++size_;
  return true;
}

bool IdPrefixSet::ContainsPrefixOf(uint64_t value) const {
  if (buckets_.empty()) return false;
  const std::vector<uint16_t>& bucket = buckets_[BucketOf(value)];
  return std::binary_search(bucket.begin(), bucket.end(), PieceOf(value));
}

size_t IdPrefixSet::MemoryBytes() const {
  size_t bytes = buckets_.capacity() * sizeof(std::vector<uint16_t>);
  for (const std::vector<uint16_t>& b : buckets_) bytes += b.capacity() * sizeof(uint16_t);
  return bytes;
}

void IdPrefixSet::Clear() {
  std::vector<std::vector<uint16_t>>().swap(buckets_);
  size_ = 0;
}

}  // namespace tern::correlate
