// BatchChannel: hands batches of work from one producer thread to one
// consumer thread, in order, with at most `capacity` batches alive at once
// (queued, being filled or being consumed), so memory stays bounded whatever
// the speed of either side.
//
// The consumer gives each batch back (Recycle) and the producer refills it:
// a batch's contents are freed and their memory reused on the thread that
// made them. With per-thread heaps, freeing on the other thread cost about
// 40% more peak RSS in the ingest pipeline (core/ingest/event_pipeline.h).
//
// Either side may stop early: the producer by closing, the consumer by
// cancelling, after which Acquire() returns nullptr instead of waiting for
// room that would never come.
//
// Thread-safety: Acquire, Send and Close from the producer thread; Receive,
// Recycle and Cancel from the consumer thread.
#ifndef TERN_CORE_BASE_BATCH_CHANNEL_H_
#define TERN_CORE_BASE_BATCH_CHANNEL_H_

#include <algorithm>
#include <cstddef>
#include <deque>
#include <memory>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace tern {

template <typename Batch>
class BatchChannel {
 public:
  // At least two batches, one filled while the other is consumed, or
  // nothing would overlap.
  explicit BatchChannel(size_t capacity) : capacity_(std::max<size_t>(capacity, 2)) {}
  BatchChannel(const BatchChannel&) = delete;
  BatchChannel& operator=(const BatchChannel&) = delete;

  // A batch to fill: a recycled one, as the consumer left it, or a new one.
  // Waits while `capacity` batches are alive. nullptr once cancelled.
  std::unique_ptr<Batch> Acquire() {
    absl::MutexLock lock(&mu_);
    auto can_fill = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return cancelled_ || !free_.empty() || alive_ < capacity_;
    };
    mu_.Await(absl::Condition(&can_fill));
    if (cancelled_) return nullptr;
    if (free_.empty()) {
      ++alive_;
      return std::make_unique<Batch>();
    }
    std::unique_ptr<Batch> batch = std::move(free_.back());
    free_.pop_back();
    return batch;
  }

  // Queues `batch` for the consumer; dropped once cancelled.
  void Send(std::unique_ptr<Batch> batch) {
    absl::MutexLock lock(&mu_);
    if (cancelled_) {
      free_.push_back(std::move(batch));
      return;
    }
    full_.push_back(std::move(batch));
  }

  // No more batches will be sent.
  void Close() {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }

  // The next batch in Send() order; nullptr once closed and drained, or
  // cancelled.
  std::unique_ptr<Batch> Receive() {
    absl::MutexLock lock(&mu_);
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return cancelled_ || closed_ || !full_.empty();
    };
    mu_.Await(absl::Condition(&ready));
    if (cancelled_ || full_.empty()) return nullptr;
    std::unique_ptr<Batch> batch = std::move(full_.front());
    full_.pop_front();
    return batch;
  }

  // Gives a consumed batch back to the producer.
  void Recycle(std::unique_ptr<Batch> batch) {
    absl::MutexLock lock(&mu_);
    free_.push_back(std::move(batch));
  }

  // The consumer wants no more batches: queued ones go back to the
  // producer unread, and Acquire() returns nullptr from now on.
  void Cancel() {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
    while (!full_.empty()) {
      free_.push_back(std::move(full_.front()));
      full_.pop_front();
    }
  }

 private:
  const size_t capacity_;
  absl::Mutex mu_;
  std::deque<std::unique_ptr<Batch>> full_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Batch>> free_ ABSL_GUARDED_BY(mu_);
  size_t alive_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace tern

#endif  // TERN_CORE_BASE_BATCH_CHANNEL_H_
