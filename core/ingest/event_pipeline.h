// EventPipeline: hands parsed events from the parsing thread to one consumer
// thread (the store writer) in order, in batches, with bounded memory.
//
// Parsing (decode, split, normalize) and storing (de-duplication, RocksDB
// writes) each take about half of an ingest's CPU; running them on two
// threads overlaps them. The consumer sees exactly the sequence of events it
// would see single-threaded, so the store's contents do not depend on the
// thread count.
//
// Thread-safety: Push() and Finish() from one producer thread; the consumer
// callback runs on the pipeline's own thread.
#ifndef TERN_CORE_INGEST_EVENT_PIPELINE_H_
#define TERN_CORE_INGEST_EVENT_PIPELINE_H_

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "core/base/batch_channel.h"
#include "core/model/event.h"

namespace tern {

class EventPipeline {
 public:
  // Called on the pipeline's thread for each event, in Push() order; it may
  // modify the event but not keep it. `raw` is valid for the call only.
  // After a non-OK return the remaining events are dropped and
  // Push()/Finish() report that status.
  using Consumer = std::function<absl::Status(Event& event, std::string_view raw)>;

  struct Options {
    // Events per hand-over: large enough that locking is noise. Default: 256.
    size_t batch_events = 256;
    // Batches queued or being filled at most; memory is about
    // max_batches * batch_events * (event + raw record size). Default: 4.
    size_t max_batches = 4;
  };

  // Starts the consumer thread.
  explicit EventPipeline(Consumer consumer);
  EventPipeline(Consumer consumer, Options options);
  // Calls Finish() if it was not called.
  ~EventPipeline();
  EventPipeline(const EventPipeline&) = delete;
  EventPipeline& operator=(const EventPipeline&) = delete;

  // Queues `event` and a copy of `raw`; blocks while the queue is full.
  // Returns the consumer's error once it has failed (the event is dropped).
  absl::Status Push(Event event, std::string_view raw);
  // Hands over what is queued, waits until the consumer has taken all of it
  // and stops the thread. Returns the consumer's first error. Idempotent.
  absl::Status Finish();

 private:
  struct Batch {
    std::vector<Event> events;
    std::vector<size_t> raw_ends;  // end offset of each event's raw bytes in `raw`
    std::string raw;
    void Clear() {
      events.clear();
      raw_ends.clear();
      raw.clear();
    }
  };

  void Run();
  // Sends `filling_` to the consumer and takes an empty batch to fill,
  // waiting for one; none once the consumer has failed.
  void Hand();
  absl::Status Error();

  Consumer consumer_;
  // Events are freed by the producer when it refills a batch, on the thread
  // that allocated them (core/base/batch_channel.h).
  BatchChannel<Batch> channel_;
  std::unique_ptr<Batch> filling_;  // producer only; null once the consumer failed
  bool finished_ = false;           // producer only
  size_t batch_events_;

  absl::Mutex mu_;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> failed_{false};
  std::thread thread_;
};

}  // namespace tern

#endif  // TERN_CORE_INGEST_EVENT_PIPELINE_H_
