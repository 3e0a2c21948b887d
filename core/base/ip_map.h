// IpMap<V>: a hash map keyed by client IP text. Canonical addresses
// (NormalizeClientIp's output for an IP literal) are held by their 16 bytes
// (PackCanonicalIp), any other text (host names, other spellings) by the
// text, so it answers exactly as a map keyed by the text would. A key takes
// 16 bytes where a string took 32 and, for most IPv6, 48 more on the heap:
// rotating mobile addresses make per-IP tables the largest of an analysis
// or a report (docs/BENCHMARKS.md "Change 12" and "Change 13").
// Thread-compatible.
#ifndef TERN_CORE_BASE_IP_MAP_H_
#define TERN_CORE_BASE_IP_MAP_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "core/base/ip.h"

namespace tern {

template <typename V>
class IpMap {
 public:
  // The value of `ip`, or nullptr.
  const V* Find(std::string_view ip) const {
    if (const std::optional<PackedIp> packed = PackCanonicalIp(ip)) {
      auto it = packed_.find(*packed);
      return it == packed_.end() ? nullptr : &it->second;
    }
    // Debian's Abseil hashes its own string_view, not std::string_view.
    auto it = text_.find(absl::string_view(ip.data(), ip.size()));
    return it == text_.end() ? nullptr : &it->second;
  }

  // The value of `ip`, made from `init` when it has none; second is true then.
  std::pair<V*, bool> TryEmplace(std::string_view ip, V init = V()) {
    if (const std::optional<PackedIp> packed = PackCanonicalIp(ip)) {
      auto [it, inserted] = packed_.try_emplace(*packed, std::move(init));
      return {&it->second, inserted};
    }
    auto [it, inserted] = text_.try_emplace(std::string(ip), std::move(init));
    return {&it->second, inserted};
  }

  size_t size() const { return packed_.size() + text_.size(); }

  // Calls fn(ip text, value) for every entry, in no particular order.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const auto& [packed, value] : packed_) fn(PackedIpText(packed), value);
    for (const auto& [text, value] : text_) fn(text, value);
  }

 private:
  absl::flat_hash_map<PackedIp, V> packed_;
  absl::flat_hash_map<std::string, V> text_;
};

}  // namespace tern

#endif  // TERN_CORE_BASE_IP_MAP_H_
