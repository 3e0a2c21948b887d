// WindowQueue: the entries of one key's sliding window (oldest first), for
// rule state kept per mailbox, actor or address.
//
// A std::deque allocates some 600 bytes as soon as it exists, empty or not
// (its map and a first 512-byte node). Rules keep one window per mailbox or
// actor, most of them holding zero to a few entries, and at 2M records those
// empty deques were most of the rules' state (docs/BENCHMARKS.md "Change
// 12"). This is a vector read from a head offset: nothing is allocated while
// empty, popped entries are destroyed in batches once they are at least half
// of the vector, and an emptied window gives its buffer back.
//
// Iteration is oldest to newest over the live entries; push_back and
// pop_front invalidate iterators and references. Thread-compatible.
#ifndef TERN_CORE_DETECT_WINDOW_QUEUE_H_
#define TERN_CORE_DETECT_WINDOW_QUEUE_H_

#include <cstddef>
#include <utility>
#include <vector>

namespace tern::detect {

template <typename T>
class WindowQueue {
 public:
  using iterator = typename std::vector<T>::iterator;
  using const_iterator = typename std::vector<T>::const_iterator;

  bool empty() const { return head_ == items_.size(); }
  size_t size() const { return items_.size() - head_; }

  // REQUIRES: !empty().
  T& front() { return items_[head_]; }
  const T& front() const { return items_[head_]; }
  T& back() { return items_.back(); }
  const T& back() const { return items_.back(); }

  void push_back(T value) { items_.push_back(std::move(value)); }

  // REQUIRES: !empty().
  void pop_front() {
    ++head_;
    if (head_ == items_.size()) {
      std::vector<T>().swap(items_);
      head_ = 0;
    } else if (head_ >= kCompactAfter && 2 * head_ >= items_.size()) {
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }

  iterator begin() { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
  const_iterator end() const { return items_.end(); }

 private:
  // Popped entries wait to be destroyed until there are this many (and
  // they are half the vector): a long window shifts its entries rarely.
  static constexpr size_t kCompactAfter = 16;

  std::vector<T> items_;
  size_t head_ = 0;  // items_[0, head_) are popped
};

}  // namespace tern::detect

#endif  // TERN_CORE_DETECT_WINDOW_QUEUE_H_
