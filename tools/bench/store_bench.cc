// Micro-benchmarks of the case store write path: AddEvent of new records
// (batched, WAL-less, with secondary indexes), AddEvent of duplicates, and
// the event encoding alone.
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "core/model/codec.h"
#include "core/store/case_store.h"
#include "tools/bench/samples.h"

namespace tern::bench {
namespace {

// A fresh store in a temporary directory, removed afterwards.
class TempStore {
 public:
  TempStore() {
    static int counter = 0;
    dir_ = (std::filesystem::temp_directory_path() /
            ("tern-microbench-" + std::to_string(getpid()) + "-" + std::to_string(counter++)))
               .string();
    std::filesystem::remove_all(dir_);
    absl::StatusOr<std::unique_ptr<CaseStore>> store = CaseStore::Open(dir_, StoreMode::kReadWrite);
    if (store.ok()) store_ = *std::move(store);
  }
  ~TempStore() {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  CaseStore* get() { return store_.get(); }

 private:
  std::string dir_;
  std::unique_ptr<CaseStore> store_;
};

// Adds the sample events again and again under new record ids; the batch
// size of each iteration is range(0). Commit() (flush) is part of the time.
void BM_StoreAddNew(benchmark::State& state) {
  const Samples& s = GetSamples();
  TempStore store;
  if (store.get() == nullptr) {
    state.SkipWithError("cannot open a store");
    return;
  }
  const int64_t batch = state.range(0);
  uint64_t n = 0;
  uint64_t bytes = 0;
  for (auto _ : state) {
    for (int64_t i = 0; i < batch; ++i, ++n) {
      Event e = s.events[n % s.events.size()];
      e.record_id = std::to_string(n) + "-" + e.record_id;
      e.provenance = {1, n + 1, n + 1};
      const std::string& raw = s.audit[n % s.audit.size()];
      bytes += raw.size();
      if (!store.get()->AddEvent(e, raw).ok()) state.SkipWithError("AddEvent failed");
    }
    if (!store.get()->Commit().ok()) state.SkipWithError("Commit failed");
  }
  state.SetItemsProcessed(static_cast<int64_t>(n));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_StoreAddNew)->Arg(20000)->Unit(benchmark::kMillisecond);

// Re-adds records the store already holds: the de-duplication path.
void BM_StoreAddDuplicate(benchmark::State& state) {
  const Samples& s = GetSamples();
  TempStore store;
  if (store.get() == nullptr) {
    state.SkipWithError("cannot open a store");
    return;
  }
  for (size_t i = 0; i < s.events.size(); ++i) {
    Event e = s.events[i];
    e.provenance = {1, i + 1, i + 1};
    if (!store.get()->AddEvent(e, s.audit[i]).ok()) state.SkipWithError("AddEvent failed");
  }
  if (!store.get()->Commit().ok()) state.SkipWithError("Commit failed");
  uint64_t n = 0;
  for (auto _ : state) {
    const size_t i = n % s.events.size();
    Event e = s.events[i];
    e.provenance = {2, n + 1, n + 1};
    if (!store.get()->AddEvent(e, s.audit[i]).ok()) state.SkipWithError("AddEvent failed");
    ++n;
  }
  state.SetItemsProcessed(static_cast<int64_t>(n));
}
BENCHMARK(BM_StoreAddDuplicate);

void BM_EncodeEvent(benchmark::State& state) {
  const Samples& s = GetSamples();
  size_t i = 0;
  for (auto _ : state) {
    std::string bytes = EncodeEvent(s.events[i]);
    benchmark::DoNotOptimize(bytes.data());
    if (++i == s.events.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_EncodeEvent);

void BM_DecodeEvent(benchmark::State& state) {
  const Samples& s = GetSamples();
  std::vector<std::string> encoded;
  for (const Event& e : s.events) encoded.push_back(EncodeEvent(e));
  size_t i = 0;
  for (auto _ : state) {
    absl::StatusOr<Event> e = DecodeEvent(encoded[i]);
    benchmark::DoNotOptimize(e.ok());
    if (++i == encoded.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_DecodeEvent);

}  // namespace
}  // namespace tern::bench
