#include "core/ingest/event_pipeline.h"

#include <pthread.h>

#include <utility>

namespace tern {

EventPipeline::EventPipeline(Consumer consumer) : EventPipeline(std::move(consumer), Options()) {}

EventPipeline::EventPipeline(Consumer consumer, Options options)
    : consumer_(std::move(consumer)), options_(options) {
  if (options_.batch_events == 0) options_.batch_events = 1;
  // One batch being filled and one being consumed at least, or nothing
  // would overlap.
  if (options_.max_batches < 2) options_.max_batches = 2;
  filling_ = std::make_unique<Batch>();
  {
    absl::MutexLock lock(&mu_);
    batches_ = 1;
  }
  thread_ = std::thread([this] { Run(); });
  // Named for profilers and debuggers ("tern-store" in perf, top -H, gdb).
  pthread_setname_np(thread_.native_handle(), "tern-store");
}

EventPipeline::~EventPipeline() { Finish().IgnoreError(); }

absl::Status EventPipeline::Push(Event event, std::string_view raw) {
  if (failed_.load(std::memory_order_acquire)) return Error();
  Batch& b = *filling_;
  b.events.push_back(std::move(event));
  b.raw.append(raw);
  b.raw_ends.push_back(b.raw.size());
  if (b.events.size() >= options_.batch_events) Hand();
  return absl::OkStatus();
}

void EventPipeline::Hand() {
  absl::MutexLock lock(&mu_);
  full_.push_back(std::move(filling_));
  const size_t cap = options_.max_batches;
  auto can_refill = [this, cap]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !free_.empty() || batches_ < cap;
  };
  mu_.Await(absl::Condition(&can_refill));
  if (!free_.empty()) {
    filling_ = std::move(free_.back());
    free_.pop_back();
    filling_->Clear();
  } else {
    filling_ = std::make_unique<Batch>();
    ++batches_;
  }
}

void EventPipeline::Run() {
  auto has_work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !full_.empty() || closed_; };
  while (true) {
    std::unique_ptr<Batch> batch;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(&has_work));
      if (full_.empty()) return;  // closed, and everything consumed
      batch = std::move(full_.front());
      full_.pop_front();
    }
    // After a failure, batches are still taken (and dropped) so that the
    // producer never waits for room that would not come.
    if (!failed_.load(std::memory_order_acquire)) {
      size_t begin = 0;
      for (size_t i = 0; i < batch->events.size(); ++i) {
        const std::string_view raw(batch->raw.data() + begin, batch->raw_ends[i] - begin);
        begin = batch->raw_ends[i];
        absl::Status status = consumer_(batch->events[i], raw);
        if (!status.ok()) {
          absl::MutexLock lock(&mu_);
          error_ = std::move(status);
          failed_.store(true, std::memory_order_release);
          break;
        }
      }
    }
    absl::MutexLock lock(&mu_);
    free_.push_back(std::move(batch));
  }
}

absl::Status EventPipeline::Finish() {
  if (finished_) return Error();
  finished_ = true;
  {
    absl::MutexLock lock(&mu_);
    if (!filling_->events.empty()) full_.push_back(std::move(filling_));
    closed_ = true;
  }
  thread_.join();
  return Error();
}

absl::Status EventPipeline::Error() {
  absl::MutexLock lock(&mu_);
  return error_;
}

}  // namespace tern
