// Answers of a pure function remembered by text key, for the per-event
// questions a pass over a case asks again and again with few distinct keys
// (an actor's UPN, what a client string says). Bounded: when full it forgets
// everything at once, so an attacker-written key per event costs time, never
// memory, and an answer is recomputed, never wrong. Thread-compatible.
#ifndef TERN_CORE_BASE_BOUNDED_MEMO_H_
#define TERN_CORE_BASE_BOUNDED_MEMO_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "core/base/strings.h"

namespace tern {

template <typename Value>
class BoundedMemo {
 public:
  explicit BoundedMemo(size_t capacity) : capacity_(capacity) {}

  // The answer remembered for `key`, else compute()'s, remembered. Valid
  // until the next call.
  template <typename Compute>
  const Value& Get(std::string_view key, Compute&& compute) {
    if (auto it = answers_.find(ToAbsl(key)); it != answers_.end()) return it->second;
    if (answers_.size() >= capacity_) answers_.clear();
    return answers_.emplace(std::string(key), compute()).first->second;
  }

  size_t size() const { return answers_.size(); }

 private:
  size_t capacity_;
  absl::flat_hash_map<std::string, Value> answers_;
};

}  // namespace tern

#endif  // TERN_CORE_BASE_BOUNDED_MEMO_H_
