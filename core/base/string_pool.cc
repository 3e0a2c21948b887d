#include "core/base/string_pool.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "core/base/strings.h"

namespace tern {
namespace {

// Small enough that a pool of a few values stays small; values longer than
// a quarter of it get a block of their own, so no block wastes more.
constexpr size_t kBlockBytes = 64 << 10;

}  // namespace

std::string_view StringPool::Storage::Copy(std::string_view value) {
  if (value.empty()) return std::string_view();
  if (value.size() > kBlockBytes / 4) {
    // Inserted before the current block, which keeps its free tail.
    auto own = std::make_unique<char[]>(value.size());
    std::memcpy(own.get(), value.data(), value.size());
    const std::string_view copy(own.get(), value.size());
    blocks.insert(blocks.empty() ? blocks.end() : blocks.end() - 1, std::move(own));
    return copy;
  }
  if (value.size() > block_left) {
    blocks.push_back(std::make_unique<char[]>(kBlockBytes));
    block_left = kBlockBytes;
  }
  char* at = blocks.back().get() + (kBlockBytes - block_left);
  std::memcpy(at, value.data(), value.size());
  block_left -= value.size();
  return std::string_view(at, value.size());
}

size_t StringPool::ByText::operator()(uint32_t id) const { return (*this)(Of(id)); }

size_t StringPool::ByText::operator()(std::string_view text) const { return HashText(text); }

StringPool::StringPool()
    : storage_(std::make_unique<Storage>()),
      ids_(0, ByText{storage_.get()}, ByText{storage_.get()}) {}

StringPool::StringPool(StringPool&&) noexcept = default;
StringPool& StringPool::operator=(StringPool&&) noexcept = default;
StringPool::~StringPool() = default;

uint32_t StringPool::Intern(std::string_view value) {
  if (auto it = ids_.find(value); it != ids_.end()) return *it;
  const auto id = static_cast<uint32_t>(storage_->views.size());
  storage_->views.push_back(storage_->Copy(value));
  ids_.insert(id);
  return id;
}

std::optional<uint32_t> StringPool::Find(std::string_view value) const {
  auto it = ids_.find(value);
  if (it == ids_.end()) return std::nullopt;
  return *it;
}

}  // namespace tern
