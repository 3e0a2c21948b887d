#include "core/ingest/event_pipeline.h"

#include <pthread.h>

#include <algorithm>
#include <utility>

namespace tern {

EventPipeline::EventPipeline(Consumer consumer) : EventPipeline(std::move(consumer), Options()) {}

EventPipeline::EventPipeline(Consumer consumer, Options options)
    : consumer_(std::move(consumer)),
      channel_(options.max_batches),
      batch_events_(std::max<size_t>(options.batch_events, 1)) {
  filling_ = channel_.Acquire();
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
  if (b.events.size() >= batch_events_) Hand();
  return absl::OkStatus();
}

void EventPipeline::Hand() {
  channel_.Send(std::move(filling_));
  filling_ = channel_.Acquire();
  if (filling_ != nullptr) filling_->Clear();
}

void EventPipeline::Run() {
  while (std::unique_ptr<Batch> batch = channel_.Receive()) {
    size_t begin = 0;
    for (size_t i = 0; i < batch->events.size(); ++i) {
      const std::string_view raw(batch->raw.data() + begin, batch->raw_ends[i] - begin);
      begin = batch->raw_ends[i];
      absl::Status status = consumer_(batch->events[i], raw);
      if (!status.ok()) {
        {
          absl::MutexLock lock(&mu_);
          error_ = std::move(status);
        }
        // Before the cancel, which is what a waiting producer wakes to.
        failed_.store(true, std::memory_order_release);
        channel_.Recycle(std::move(batch));
        channel_.Cancel();
        return;
      }
    }
    channel_.Recycle(std::move(batch));
  }
}

absl::Status EventPipeline::Finish() {
  if (finished_) return Error();
  finished_ = true;
  if (filling_ != nullptr && !filling_->events.empty()) channel_.Send(std::move(filling_));
  channel_.Close();
  thread_.join();
  return Error();
}

absl::Status EventPipeline::Error() {
  absl::MutexLock lock(&mu_);
  return error_;
}

}  // namespace tern
