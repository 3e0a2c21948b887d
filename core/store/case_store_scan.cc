// CaseStore::ScanEvents: every event of a time range, in store order.
//
// Reading a scan's blocks (ZSTD) and decoding its events is about a third
// of an analysis' main thread, and nearly all of a light scan such as the
// report's (docs/BENCHMARKS.md "Change 15"). With SetScanThreads(2+) a
// reader thread does it a few batches ahead; for a light callback a reader
// copies each stored entry out of its decompressed block and a decoder
// thread decodes. The callback runs on the calling thread either way, so
// callers that keep thread-local state (the report's display time zone)
// see no difference.
#include <pthread.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "core/base/batch_channel.h"
#include "core/base/status_macros.h"
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
  size_t filled = 0;        // events[0, filled) are this round's
  absl::Status status;      // how the scan ended, on its last batch

  size_t size() const { return filled; }
  void Clear() {
    filled = 0;
    status = absl::OkStatus();
  }
  // The next event to decode a value of `bytes` into.
  Event* Next(size_t bytes) {
    if (filled == events.size()) {
      events.emplace_back();
      large.push_back(false);
    } else if (large[filled]) {
      events[filled] = Event();
    }
    large[filled] = bytes > kReusedValueBytes;
    return &events[filled];
  }
};

// Stored entries on their way from the reader thread to the decoder: each
// entry's record id and value, back to back in one buffer.
struct ValueBatch {
  std::string bytes;
  std::vector<size_t> ends;  // per entry: where its id ends, where its value ends
  absl::Status status;       // how the scan ended, on its last batch

  size_t size() const { return ends.size() / 2; }
  void Add(std::string_view id, std::string_view value) {
    bytes.append(id);
    ends.push_back(bytes.size());
    bytes.append(value);
    ends.push_back(bytes.size());
  }
  std::string_view Id(size_t i) const { return Slice(i == 0 ? 0 : ends[2 * i - 1], ends[2 * i]); }
  std::string_view Value(size_t i) const { return Slice(ends[2 * i], ends[2 * i + 1]); }
  // Ready for refilling; a buffer grown past a megabyte by a huge record is
  // given back rather than kept.
  void Clear() {
    if (bytes.capacity() > (size_t{1} << 20)) bytes = std::string();
    bytes.clear();
    ends.clear();
    status = absl::OkStatus();
  }

 private:
  std::string_view Slice(size_t begin, size_t end) const {
    return std::string_view(bytes).substr(begin, end - begin);
  }
};

// Fills batches from `channel` with the entries `scan` visits, each by
// add(batch, id, value), until the entries end, add fails or the consumer
// cancels. The last batch sent carries how it ended: the scan's status, or
// add's error. Closes the channel.
template <typename Batch, typename Scan, typename Add>
void FillBatches(BatchChannel<Batch>& channel, Scan scan, Add add) {
  std::unique_ptr<Batch> batch = channel.Acquire();
  if (batch != nullptr) {
    batch->Clear();
    absl::Status added;
    const absl::Status scanned = scan([&](std::string_view id, std::string_view value) {
      added = add(*batch, id, value);
      if (!added.ok()) return false;
      if (batch->size() < kScanBatchEvents) return true;
      channel.Send(std::move(batch));
      batch = channel.Acquire();
      if (batch == nullptr) return false;  // the consumer has stopped
      batch->Clear();
      return true;
    });
    if (batch != nullptr) {
      batch->status = added.ok() ? scanned : added;
      channel.Send(std::move(batch));
    }
  }
  channel.Close();
}

// Starts `body` on a thread named `name` (for perf, top -H and gdb).
std::thread NamedThread(const char* name, std::function<void()> body) {
  std::thread t(std::move(body));
  pthread_setname_np(t.native_handle(), name);
  return t;
}

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
                                        const std::function<bool(const Event&)>& fn,
                                        bool decode_apart) const {
  BatchChannel<ValueBatch> values(kScanBatches);
  BatchChannel<DecodedBatch> events(kScanBatches);
  auto scan = [&](absl::FunctionRef<bool(std::string_view, std::string_view)> visit) {
    return VisitEventValues(from, to, visit);
  };
  // Decodes the stored entry (id, value) into the batch's next event.
  auto decode_into = [this](DecodedBatch& batch, std::string_view id, std::string_view value) {
    absl::Status decoded = DecodeEventValueInto(value, id, batch.Next(value.size()));
    if (decoded.ok()) ++batch.filled;
    return decoded;
  };
  // Reads and decodes into batches of events.
  auto read_and_decode = [&] { FillBatches(events, scan, decode_into); };
  // Copies stored entries into batches for the decoder.
  auto read = [&] {
    FillBatches(values, scan, [](ValueBatch& batch, std::string_view id, std::string_view value) {
      batch.Add(id, value);
      return absl::OkStatus();
    });
  };
  // Decodes each batch of entries into a batch of events, in order, until
  // the entries end, one does not decode, or the caller stops.
  auto decode = [&] {
    while (std::unique_ptr<DecodedBatch> out = events.Acquire()) {
      std::unique_ptr<ValueBatch> in = values.Receive();
      if (in == nullptr) break;
      out->Clear();
      for (size_t i = 0; i < in->size() && out->status.ok(); ++i) {
        out->status = decode_into(*out, in->Id(i), in->Value(i));
      }
      if (out->status.ok()) out->status = std::move(in->status);
      const bool last = !out->status.ok();
      values.Recycle(std::move(in));
      events.Send(std::move(out));
      if (last) break;
    }
    values.Cancel();  // stops the reader, if it is still reading
    events.Close();
  };
  std::thread reader =
      NamedThread("tern-scan", decode_apart ? std::function<void()>(read)
                                            : std::function<void()>(read_and_decode));
  std::thread decoder;
  if (decode_apart) decoder = NamedThread("tern-decode", decode);
  absl::Status status;
  while (std::unique_ptr<DecodedBatch> batch = events.Receive()) {
    bool more = true;
    for (size_t i = 0; i < batch->size() && more; ++i) more = fn(batch->events[i]);
    // Stopped early by fn: the error after these events was not reached.
    if (more) status = std::move(batch->status);
    batch->status = absl::OkStatus();
    events.Recycle(std::move(batch));
    if (!more || !status.ok()) {
      events.Cancel();
      break;
    }
  }
  if (decoder.joinable()) decoder.join();
  reader.join();
  return status;
}

void CaseStore::SetScanThreads(int threads) { impl_->scan_threads = ResolveThreads(threads); }

absl::Status CaseStore::ScanEvents(TimeMs from, TimeMs to,
                                   const std::function<bool(const Event&)>& fn, ScanWork work) {
  if (from >= to) return absl::OkStatus();
  if (impl_->scan_threads >= 2) return impl_->ScanAhead(from, to, fn, work == ScanWork::kLight);
  Event e;
  absl::Status decoded;
  const absl::Status scanned =
      impl_->VisitEventValues(from, to, [&](std::string_view id, std::string_view value) {
        decoded = impl_->DecodeEventValueInto(value, id, &e);
        return decoded.ok() && fn(e);
      });
  return decoded.ok() ? scanned : decoded;
}

absl::Status CaseStore::VisitEvents(std::vector<EventRef> refs,
                                    const std::function<bool(const Event&)>& fn) {
  std::vector<std::string> keys;
  keys.reserve(refs.size());
  for (const EventRef& r : refs) keys.push_back(store_internal::EventKey(r.time, r.record_id));
  refs.clear();
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(ro, impl_->H(store_internal::kEvents)));
  Event e;
  for (const std::string& key : keys) {
    // Forward seeks within the block the iterator holds do not read it again.
    it->Seek(key);
    if (!it->Valid()) break;
    if (Sv(it->key()) != key) continue;
    const std::string_view id = Sv(it->key()).substr(8);
    TERN_RETURN_IF_ERROR(impl_->DecodeEventValueInto(Sv(it->value()), id, &e));
    if (!fn(e)) return absl::OkStatus();
  }
  return impl_->Err(it->status(), "reading events");
}

}  // namespace tern
