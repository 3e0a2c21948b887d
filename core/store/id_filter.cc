#include "core/store/id_filter.h"

#include <utility>

#include "core/base/strings.h"

namespace tern::store_internal {
namespace {

constexpr size_t kFirstStageIds = size_t{1} << 18;
constexpr int kBitsPerIdLog2 = 4;  // 16 bits per id of capacity: ~0.1-0.5% false positives
constexpr int kProbes = 6;

}  // namespace

uint64_t IdFilter::HashOf(std::string_view id) { return HashText(id); }

uint64_t IdFilter::Bit(const Stage& s, uint64_t h, int i) {
  // Double hashing: probe i is h + i * h2 (h2 odd, so the probes differ).
  const uint64_t h2 = (h >> 32 | h << 32) | 1;
  return (h + static_cast<uint64_t>(i) * h2) & s.mask;
}

bool IdFilter::Probe(const Stage& s, uint64_t h) {
  for (int i = 0; i < kProbes; ++i) {
    const uint64_t bit = Bit(s, h, i);
    if ((s.bits[bit >> 6] & (uint64_t{1} << (bit & 63))) == 0) return false;
  }
  return true;
}

void IdFilter::Add(std::string_view id) {
  if (stages_.empty() || stages_.back().count >= stages_.back().capacity) {
    Stage next;
    next.capacity = stages_.empty() ? kFirstStageIds : stages_.back().capacity * 2;
    const uint64_t nbits = uint64_t{next.capacity} << kBitsPerIdLog2;
    next.bits.assign(nbits / 64, 0);
    next.mask = nbits - 1;
    stages_.push_back(std::move(next));
  }
  Stage& s = stages_.back();
  const uint64_t h = HashOf(id);
  for (int i = 0; i < kProbes; ++i) {
    const uint64_t bit = Bit(s, h, i);
    s.bits[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
  ++s.count;
}

bool IdFilter::MayContain(std::string_view id) const {
  if (stages_.empty()) return false;
  const uint64_t h = HashOf(id);
  for (const Stage& s : stages_) {
    if (Probe(s, h)) return true;
  }
  return false;
}

size_t IdFilter::MemoryBytes() const {
  size_t n = 0;
  for (const Stage& s : stages_) n += s.bits.size() * sizeof(uint64_t);
  return n;
}

}  // namespace tern::store_internal
