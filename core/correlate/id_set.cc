#include "core/correlate/id_set.h"

#include <algorithm>

namespace tern::correlate {
namespace {

constexpr uint64_t kMask48 = (uint64_t{1} << 48) - 1;

}  // namespace

bool IdSet48::Insert(uint64_t value) {
  value &= kMask48;
  if (buckets_.empty()) buckets_.resize(size_t{1} << kBucketBits);
  std::vector<uint32_t>& bucket = buckets_[value >> 32];
  const uint32_t low = static_cast<uint32_t>(value);
  auto it = std::lower_bound(bucket.begin(), bucket.end(), low);
  if (it != bucket.end() && *it == low) return false;
  if (bucket.size() == bucket.capacity()) {
    // Grow by a quarter, not double: the slack is what this class saves.
    const size_t at = static_cast<size_t>(it - bucket.begin());
    bucket.reserve(bucket.size() + bucket.size() / 4 + 4);
    it = bucket.begin() + static_cast<std::ptrdiff_t>(at);
  }
  bucket.insert(it, low);
  ++size_;
  return true;
}

bool IdSet48::Contains(uint64_t value) const {
  value &= kMask48;
  if (buckets_.empty()) return false;
  const std::vector<uint32_t>& bucket = buckets_[value >> 32];
  return std::binary_search(bucket.begin(), bucket.end(), static_cast<uint32_t>(value));
}

size_t IdSet48::MemoryBytes() const {
  size_t bytes = buckets_.capacity() * sizeof(std::vector<uint32_t>);
  for (const std::vector<uint32_t>& b : buckets_) bytes += b.capacity() * sizeof(uint32_t);
  return bytes;
}

void IdSet48::Clear() {
  std::vector<std::vector<uint32_t>>().swap(buckets_);
  size_ = 0;
}

}  // namespace tern::correlate
