// CaseStore::ScanEvents with and without the reader thread
// (SetScanThreads): the same events, in the same order, on the calling
// thread, with the same early stops and errors.
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "core/model/codec.h"
#include "core/store/case_store.h"
#include "core/store/case_store_test_util.h"
#include "core/store/raw_db_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern {
namespace {

using ::testing::HasSubstr;
using testing_util::MakeEvent;
using testing_util::OpenOrDie;
using testing_util::RawDb;
using testing_util::TempDir;

// More than a few of the reader's batches, with a partial one at the end; events differ in which
// lists they fill, so a decoded event that kept anything of the one decoded before it would show.
constexpr int kEvents = 2000;

Event Numbered(int i) {
  Event e = MakeEvent("r" + std::to_string(100000 + i), int64_t{1700000000000} + i * 1000, 1,
                      static_cast<uint64_t>(i + 1));
  if (i % 3 == 0) e.parameters = {{"Identity", "rule-" + std::to_string(i), true}};
  if (i % 5 == 0) e.items = {{"subject " + std::to_string(i), "\\Inbox", "<m@x>", "id", i}};
  if (i % 7 == 0) e.folders = {"\\Inbox", "\\Archive"};
  if (i % 2 == 0) e.extra = {{"UserAgent", std::string(static_cast<size_t>(i % 300), 'u'), true}};
  if (i % 11 == 0) e.client_ip.clear();
  // Large enough that the reader does not decode into its slot again.
  if (i % 97 == 0) e.items.assign(40, {std::string(300, 's'), "\\Inbox", "<m@x>", "id", i});
  return e;
}

void Fill(CaseStore& store) {
  for (int i = 0; i < kEvents; ++i) {
    ASSERT_TRUE(store.AddEvent(Numbered(i), "raw " + std::to_string(i)).ok());
  }
  ASSERT_TRUE(store.Commit().ok());
}

struct Scanned {
  std::vector<std::string> encoded;  // EncodeEvent of each event delivered
  bool on_calling_thread = true;
  absl::Status status;
};

// Each test runs every way a scan can go: on the calling thread, with a
// reader thread, and with a reader and a decoder thread (a light callback).
using Work = CaseStore::ScanWork;
struct Way {
  int threads;
  Work work;
};
constexpr Way kWays[] = {
    {1, Work::kHeavy}, {2, Work::kHeavy}, {2, Work::kLight}, {3, Work::kLight}};

Scanned Scan(CaseStore& store, TimeMs from, TimeMs to, size_t stop_after = SIZE_MAX,
             Work work = Work::kHeavy) {
  Scanned out;
  const std::thread::id caller = std::this_thread::get_id();
  out.status = store.ScanEvents(
      from, to,
      [&](const Event& e) {
        out.on_calling_thread = out.on_calling_thread && std::this_thread::get_id() == caller;
        out.encoded.push_back(EncodeEvent(e));
        return out.encoded.size() < stop_after;
      },
      work);
  return out;
}

TEST(CaseStoreScanTest, ReadingAheadDeliversTheSameEventsInOrderOnTheCallingThread) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  Fill(*store);
  std::vector<std::string> want;
  for (int i = 0; i < kEvents; ++i) want.push_back(EncodeEvent(Numbered(i)));

  for (const Way& way : kWays) {
    SCOPED_TRACE(::testing::Message()
                 << way.threads << " threads, light " << (way.work == Work::kLight));
    store->SetScanThreads(way.threads);
    const Scanned all = Scan(*store, INT64_MIN, INT64_MAX, SIZE_MAX, way.work);
    ASSERT_TRUE(all.status.ok()) << all.status;
    EXPECT_EQ(all.encoded, want);
    EXPECT_TRUE(all.on_calling_thread);
    // Bounds: from inclusive, to exclusive; empty and inverted ranges.
    const Scanned part =
        Scan(*store, 1700000000000 + 300 * 1000, 1700000000000 + 1000 * 1000, SIZE_MAX, way.work);
    ASSERT_TRUE(part.status.ok());
    EXPECT_EQ(part.encoded, std::vector<std::string>(want.begin() + 300, want.begin() + 1000));
    EXPECT_TRUE(Scan(*store, 5, 5, SIZE_MAX, way.work).encoded.empty());
    EXPECT_TRUE(Scan(*store, 10, -10, SIZE_MAX, way.work).encoded.empty());
    EXPECT_TRUE(Scan(*store, 0, 1000, SIZE_MAX, way.work).encoded.empty());
  }
}

TEST(CaseStoreScanTest, ReadingAheadStopsWhereTheCallbackSays) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  Fill(*store);
  for (const Way& way : kWays) {
    SCOPED_TRACE(::testing::Message()
                 << way.threads << " threads, light " << (way.work == Work::kLight));
    store->SetScanThreads(way.threads);
    // Inside the first batch, on a batch boundary, and past it; the reader
    // thread may be blocked waiting for room when the caller stops.
    for (size_t stop : {1u, 64u, 65u, 256u, 1500u}) {
      const Scanned s = Scan(*store, INT64_MIN, INT64_MAX, stop, way.work);
      EXPECT_TRUE(s.status.ok()) << s.status;
      EXPECT_EQ(s.encoded.size(), stop);
      if (!s.encoded.empty()) EXPECT_EQ(s.encoded.back(), EncodeEvent(Numbered(int(stop) - 1)));
    }
    // The store scans again afterwards, whole.
    EXPECT_EQ(Scan(*store, INT64_MIN, INT64_MAX, SIZE_MAX, way.work).encoded.size(),
              size_t{kEvents});
  }
}

// Overwrites the events value of the `index`-th event (in key order) with
// bytes that do not decode, behind CaseStore's back.
void CorruptEventValue(const std::string& dir, int index) {
  const RawDb raw(dir);
  const auto entries = raw.Entries("events");
  ASSERT_GT(entries.size(), static_cast<size_t>(index));
  raw.Put("events", entries[index].first, "\xff\xff\xff");
}

TEST(CaseStoreScanTest, AnEventThatDoesNotDecodeEndsTheScanAfterTheEventsBeforeIt) {
  TempDir tmp;
  {
    auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
    ASSERT_NE(store, nullptr);
    Fill(*store);
  }
  constexpr int kBad = 700;
  CorruptEventValue(tmp.path(), kBad);
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadOnly);
  ASSERT_NE(store, nullptr);
  for (const Way& way : kWays) {
    SCOPED_TRACE(::testing::Message()
                 << way.threads << " threads, light " << (way.work == Work::kLight));
    store->SetScanThreads(way.threads);
    const Scanned s = Scan(*store, INT64_MIN, INT64_MAX, SIZE_MAX, way.work);
    EXPECT_EQ(s.status.code(), absl::StatusCode::kDataLoss) << s.status;
    EXPECT_THAT(std::string(s.status.message()), HasSubstr("r" + std::to_string(100000 + kBad)));
    EXPECT_EQ(s.encoded.size(), size_t{kBad});
    // A caller that stops before the bad event never hears of it.
    EXPECT_TRUE(Scan(*store, INT64_MIN, INT64_MAX, kBad, way.work).status.ok());
  }
}

}  // namespace
}  // namespace tern
