#include "core/correlate/ip_catalog.h"

#include <algorithm>
#include <optional>
#include <utility>

namespace tern::correlate {
namespace {

// PackCanonicalIp writes IPv4 as ::ffff:a.b.c.d, a form no canonical IPv6
// text packs to, so the prefix alone tells the two apart.
bool IsIpv4(const PackedIp& packed) {
  return std::all_of(packed.begin(), packed.begin() + 10, [](uint8_t b) { return b == 0; }) &&
         packed[10] == 0xff && packed[11] == 0xff;
}

uint32_t Ipv4Value(const PackedIp& packed) {
  return uint32_t{packed[12]} << 24 | uint32_t{packed[13]} << 16 | uint32_t{packed[14]} << 8 |
         uint32_t{packed[15]};
}

template <typename T, typename Key>
std::optional<size_t> IndexOf(const std::vector<T>& sorted, const Key& key) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), key);
  if (it == sorted.end() || !(*it == key)) return std::nullopt;
  return static_cast<size_t>(it - sorted.begin());
}

// Sorts (key, first seen) pairs by key and splits them into the two arrays.
template <typename Key>
void SortInto(std::vector<std::pair<Key, TimeMs>> entries, std::vector<Key>* keys,
              std::vector<TimeMs>* first_seen) {
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Key> sorted;
  sorted.reserve(entries.size());
  for (auto& [key, time] : entries) {
    sorted.push_back(std::move(key));
    first_seen->push_back(time);
  }
  *keys = std::move(sorted);
}

}  // namespace

uint32_t IpCatalog::FindFrozen(std::string_view ip) const {
  std::optional<size_t> index;
  size_t base = 0;
  if (const std::optional<PackedIp> packed = PackCanonicalIp(ip)) {
    if (IsIpv4(*packed)) {
      index = IndexOf(v4_, Ipv4Value(*packed));
    } else {
      index = IndexOf(v6_, *packed);
      base = v4_.size();
    }
  } else {
    index = IndexOf(text_, ip);
    base = v4_.size() + v6_.size();
  }
  return index.has_value() ? static_cast<uint32_t>(base + *index) : kNone;
}

uint32_t IpCatalog::Find(std::string_view ip) const {
  if (const uint32_t id = FindFrozen(ip); id != kNone) return id;
  const uint32_t* id = added_.Find(ip);
  return id == nullptr ? kNone : *id;
}

uint32_t IpCatalog::FindOrAdd(std::string_view ip, TimeMs t) {
  // Only frozen addresses need the search (before a Freeze there are none).
  if (added_.size() < first_seen_.size()) {
    if (const uint32_t id = FindFrozen(ip); id != kNone) return id;
  }
  auto [id, inserted] = added_.TryEmplace(ip, static_cast<uint32_t>(first_seen_.size()));
  if (inserted) first_seen_.push_back(t);
  return *id;
}

void IpCatalog::Freeze() {
  std::vector<std::pair<uint32_t, TimeMs>> v4;
  std::vector<std::pair<PackedIp, TimeMs>> v6;
  std::vector<std::pair<std::string, TimeMs>> text;
  size_t id = 0;
  for (const uint32_t value : v4_) v4.emplace_back(value, first_seen_[id++]);
  for (const PackedIp& packed : v6_) v6.emplace_back(packed, first_seen_[id++]);
  for (std::string& name : text_) text.emplace_back(std::move(name), first_seen_[id++]);
  added_.ForEach([&](const std::string& ip, uint32_t added_id) {
    const TimeMs t = first_seen_[added_id];
    if (const std::optional<PackedIp> packed = PackCanonicalIp(ip)) {
      if (IsIpv4(*packed)) {
        v4.emplace_back(Ipv4Value(*packed), t);
      } else {
        v6.emplace_back(*packed, t);
      }
    } else {
      text.emplace_back(ip, t);
    }
  });
  added_ = IpMap<uint32_t>();
  std::vector<TimeMs> first_seen;
  first_seen.reserve(v4.size() + v6.size() + text.size());
  SortInto(std::move(v4), &v4_, &first_seen);
  SortInto(std::move(v6), &v6_, &first_seen);
  SortInto(std::move(text), &text_, &first_seen);
  first_seen_ = std::move(first_seen);
}

size_t IpCatalog::MemoryBytes() const {
  size_t bytes = v4_.capacity() * sizeof(uint32_t) + v6_.capacity() * sizeof(PackedIp) +
                 first_seen_.capacity() * sizeof(TimeMs) + text_.capacity() * sizeof(std::string);
  for (const std::string& name : text_) bytes += name.capacity() > 15 ? name.capacity() + 1 : 0;
  // A hash table slot (key, id and control byte) at the usual load.
  return bytes + added_.size() * 2 * (sizeof(PackedIp) + sizeof(uint32_t) + 1);
}

}  // namespace tern::correlate
