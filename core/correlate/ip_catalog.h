// IpCatalog: every client IP of a case with a dense id and the time it was
// first seen. The analysis' first pass adds every event's IP, then Freeze
// turns the growing hash table into sorted arrays: 12 bytes per IPv4 address
// and 24 per IPv6 (address and first-seen time) where the table took about
// 45. Rotating mobile addresses make this the largest per-IP table of the
// second pass (1.35 million addresses at 10M records; docs/BENCHMARKS.md
// "Change 22"). The second pass only looks addresses up; one it did not see
// is still added, after the frozen ones.
//
// Thread-compatible.
#ifndef TERN_CORE_CORRELATE_IP_CATALOG_H_
#define TERN_CORE_CORRELATE_IP_CATALOG_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/ip.h"
#include "core/base/ip_map.h"
#include "core/base/time.h"

namespace tern::correlate {

class IpCatalog {
 public:
  static constexpr uint32_t kNone = ~uint32_t{0};

  // The id of `ip`, adding it as first seen at `t` when it is not known.
  // Addresses must come in non-decreasing time, so the first add is the
  // first sighting. Each spelling is its own address, as with IpMap.
  uint32_t FindOrAdd(std::string_view ip, TimeMs t);
  // The id of `ip`, or kNone.
  uint32_t Find(std::string_view ip) const;
  // When the address with `id` was first seen. REQUIRES: id < size().
  TimeMs FirstSeen(uint32_t id) const { return first_seen_[id]; }
  size_t size() const { return first_seen_.size(); }

  // Moves every address added so far into sorted arrays, numbered in
  // (IPv4, IPv6, other text) order, and frees the hash table. Ids given out
  // before are void. Later adds go to a new table, with ids after these.
  void Freeze();

  // Bytes held (for tests and benchmarks).
  size_t MemoryBytes() const;

 private:
  uint32_t FindFrozen(std::string_view ip) const;

  // Frozen addresses: ids [0, v4), [v4, v4 + v6), then the texts.
  std::vector<uint32_t> v4_;        // sorted, in host order
  std::vector<PackedIp> v6_;        // sorted
  std::vector<std::string> text_;   // sorted; names and non-canonical spellings
  IpMap<uint32_t> added_;           // addresses added since the last Freeze
  std::vector<TimeMs> first_seen_;  // by id
};

}  // namespace tern::correlate

#endif  // TERN_CORE_CORRELATE_IP_CATALOG_H_
