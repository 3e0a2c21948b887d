// StringPool: interns strings. Each distinct value is held once, its bytes
// in blocks of an append-only arena, and gets a dense 32-bit id in the order
// values first appear. Ids and the views View() returns stay valid for the
// pool's life, moves included.
//
// It replaces the "string -> next id" maps whose node or slot held a second
// copy of every key: at tenant scale an identity directory's identifiers,
// an analysis' actors and mailboxes are hundreds of thousands of strings
// (docs/BENCHMARKS.md "Change 14"). A value costs its bytes plus ~25.
//
// Thread-compatible.
#ifndef TERN_CORE_BASE_STRING_POOL_H_
#define TERN_CORE_BASE_STRING_POOL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"

namespace tern {

class StringPool {
 public:
  StringPool();
  StringPool(StringPool&&) noexcept;
  StringPool& operator=(StringPool&&) noexcept;
  StringPool(const StringPool&) = delete;
  StringPool& operator=(const StringPool&) = delete;
  ~StringPool();

  // The id of `value`, added when new (ids count up from 0).
  uint32_t Intern(std::string_view value);
  // The id of `value` if it was interned.
  std::optional<uint32_t> Find(std::string_view value) const;
  bool contains(std::string_view value) const { return Find(value).has_value(); }

  // The value of `id` (< size()).
  std::string_view View(uint32_t id) const { return storage_->views[id]; }
  size_t size() const { return storage_->views.size(); }

 private:
  // Held apart so the set's hasher can point at it across moves.
  struct Storage {
    std::vector<std::unique_ptr<char[]>> blocks;
    size_t block_left = 0;                // bytes free at the end of the last block
    std::vector<std::string_view> views;  // by id
    std::string_view Copy(std::string_view value);
  };
  // Hash and equality of ids by their text, and of text itself, so that a
  // lookup by string_view needs no id.
  struct ByText {
    using is_transparent = void;
    const Storage* storage;
    std::string_view Of(uint32_t id) const { return storage->views[id]; }
    static std::string_view Of(std::string_view text) { return text; }
    size_t operator()(uint32_t id) const;
    size_t operator()(std::string_view text) const;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return Of(a) == Of(b);
    }
  };

  std::unique_ptr<Storage> storage_;
  absl::flat_hash_set<uint32_t, ByText, ByText> ids_;
};

}  // namespace tern

#endif  // TERN_CORE_BASE_STRING_POOL_H_
