// CaseStore::ScanEvents: every event of a time range, in store order.
//
// Reading a scan's blocks (ZSTD) and decoding its events is about a third
// of an analysis' main thread (docs/BENCHMARKS.md "Change 15"). With
// SetScanThreads(2+) a reader thread does both, a few batches ahead, while
// the callback runs on the calling thread, so callers that keep
// thread-local state (the report's display time zone) see no difference.
#include <pthread.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "core/base/batch_channel.h"
#include "core/base/threads.h"
#include "core/store/case_store.h"
#include "core/store/store_internal.h"
#include "rocksdb/options.h"

namespace tern {
namespace {

using store_internal::Sv;

// Events per hand-over (locking is noise at this size) and batches alive at
// once: memory is about kScanBatches * kScanBatchEvents decoded events.
constexpr size_t kScanBatchEvents = 64;
constexpr size_t kScanBatches = 4;

// Events whose stored value is larger than this are not decoded into
// again: a slot would otherwise keep the capacity of the largest event it
// ever held (a bulk MailItemsAccessed lists hundreds of items), over a
// thousand slots.
constexpr size_t kReusedValueBytes = 8 << 10;

// Decoded events on their way from the reader thread to the caller. The
// events past `size` are left from earlier rounds: decoding into them
// reuses their strings.
struct DecodedBatch {
  std::vector<Event> events;
  std::vector<bool> large;  // per event: its value was over kReusedValueBytes
  size_t size = 0;
  absl::Status status;  // how the scan ended, on its last batch

  // The next event to decode a value of `bytes` into.
  Event* Next(size_t bytes) {
    if (size == events.size()) {
      events.emplace_back();
      large.push_back(false);
    } else if (large[size]) {
      events[size] = Event();
    }
    large[size] = bytes > kReusedValueBytes;
    return &events[size];
  }
};

}  // namespace

absl::Status CaseStore::Impl::VisitEventValues(
    TimeMs from, TimeMs to,
    absl::FunctionRef<bool(std::string_view, std::string_view)> visit) const {
  const std::string lower = store_internal::TimeKey(from);
  const std::string upper = store_internal::TimeKey(to);
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  // A scan reads each block once: caching them only evicts what point
  // lookups need and grows the heap.
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, H(store_internal::kEvents)));
  for (it->Seek(lower); it->Valid(); it->Next()) {
    if (!visit(Sv(it->key()).substr(8), Sv(it->value()))) break;
  }
  return Err(it->status(), "scanning events");
}

absl::Status CaseStore::Impl::ScanAhead(TimeMs from, TimeMs to,
                                        const std::function<bool(const Event&)>& fn) const {
  BatchChannel<DecodedBatch> channel(kScanBatches);
  // Fills batches until the range ends, a value does not decode, or the
  // caller cancels.
  auto read_ahead = [&] {
    std::unique_ptr<DecodedBatch> batch = channel.Acquire();
    if (batch == nullptr) return;
    batch->size = 0;
    absl::Status decoded;
    const absl::Status scanned =
        VisitEventValues(from, to, [&](std::string_view id, std::string_view value) {
          decoded = DecodeEventValueInto(value, id, batch->Next(value.size()));
          if (!decoded.ok()) return false;
          if (++batch->size < kScanBatchEvents) return true;
          channel.Send(std::move(batch));
          batch = channel.Acquire();
          if (batch == nullptr) return false;  // the caller has stopped
          batch->size = 0;
          return true;
        });
    if (batch != nullptr) {
      batch->status = decoded.ok() ? scanned : decoded;
      channel.Send(std::move(batch));
    }
    channel.Close();
  };
  std::thread reader(read_ahead);
  // Named for profilers and debuggers ("tern-scan" in perf, top -H, gdb).
  pthread_setname_np(reader.native_handle(), "tern-scan");
  absl::Status status;
  while (std::unique_ptr<DecodedBatch> batch = channel.Receive()) {
    bool more = true;
    for (size_t i = 0; i < batch->size && more; ++i) more = fn(batch->events[i]);
    // Stopped early by fn: the error after these events was not reached.
    if (more) status = std::move(batch->status);
    batch->status = absl::OkStatus();
    channel.Recycle(std::move(batch));
    if (!more || !status.ok()) {
      channel.Cancel();
      break;
    }
  }
  reader.join();
  return status;
}

void CaseStore::SetScanThreads(int threads) { impl_->scan_threads = ResolveThreads(threads); }

absl::Status CaseStore::ScanEvents(TimeMs from, TimeMs to,
                                   const std::function<bool(const Event&)>& fn) {
  if (from >= to) return absl::OkStatus();
  if (impl_->scan_threads >= 2) return impl_->ScanAhead(from, to, fn);
  Event e;
  absl::Status decoded;
  const absl::Status scanned =
      impl_->VisitEventValues(from, to, [&](std::string_view id, std::string_view value) {
        decoded = impl_->DecodeEventValueInto(value, id, &e);
        return decoded.ok() && fn(e);
      });
  return decoded.ok() ? scanned : decoded;
}

}  // namespace tern
