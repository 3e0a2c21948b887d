#include "core/detect/window_queue.h"

#include <malloc.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace tern::detect {
namespace {

std::vector<std::string> Contents(const WindowQueue<std::string>& q) {
  return std::vector<std::string>(q.begin(), q.end());
}

TEST(WindowQueueTest, BehavesAsADequeUnderRandomPushesAndPops) {
  std::mt19937 random(7);
  WindowQueue<std::string> q;
  std::deque<std::string> reference;
  for (int step = 0; step < 20000; ++step) {
    // Bursts of pushes then runs of pops, so the queue empties now and then
    // and also grows long enough to compact its popped prefix.
    const bool push = reference.empty() || random() % 100 < (step / 500 % 2 == 0 ? 70 : 30);
    if (push) {
      const std::string value = "entry-" + std::to_string(step);
      q.push_back(value);
      reference.push_back(value);
    } else {
      ASSERT_EQ(q.front(), reference.front()) << step;
      q.pop_front();
      reference.pop_front();
    }
    ASSERT_EQ(q.size(), reference.size()) << step;
    ASSERT_EQ(q.empty(), reference.empty()) << step;
    if (!reference.empty()) {
      ASSERT_EQ(q.front(), reference.front()) << step;
      ASSERT_EQ(q.back(), reference.back()) << step;
    }
    if (step % 97 == 0) {
      ASSERT_EQ(Contents(q), std::vector<std::string>(reference.begin(), reference.end())) << step;
    }
  }
}

TEST(WindowQueueTest, EntriesCanBeChangedInPlace) {
  WindowQueue<int> q;
  for (int i = 0; i < 5; ++i) q.push_back(i);
  q.pop_front();
  for (int& v : q) v *= 10;
  EXPECT_EQ(std::vector<int>(q.begin(), q.end()), (std::vector<int>{10, 20, 30, 40}));
}

TEST(WindowQueueTest, PoppedEntriesAreDestroyedAndAnEmptiedQueueHoldsNothing) {
  auto tracked = std::make_shared<int>(0);
  WindowQueue<std::shared_ptr<int>> q;
  for (int i = 0; i < 40; ++i) q.push_back(tracked);
  EXPECT_EQ(tracked.use_count(), 41);
  // Popped entries are destroyed in batches: never more than the live ones
  // plus as many again (and at least the 16 a compaction waits for).
  for (int i = 0; i < 30; ++i) {
    q.pop_front();
    const long live = static_cast<long>(q.size());
    EXPECT_LE(tracked.use_count() - 1, std::max(2 * live, live + 16)) << i;
  }
  while (!q.empty()) q.pop_front();
  EXPECT_EQ(tracked.use_count(), 1);
  // Empty again: reusable.
  q.push_back(tracked);
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.front(), tracked);
}

TEST(WindowQueueTest, EmptyQueuesAllocateNothing) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "malloc statistics are the sanitizer's";
#endif
  // What the rules rely on: a key whose window is empty costs the object
  // itself, not a deque's map and first node (some 600 bytes each).
  std::vector<WindowQueue<std::string>> queues;
  queues.reserve(1000);
  const size_t before = mallinfo2().uordblks;
  for (int i = 0; i < 1000; ++i) queues.emplace_back();
  EXPECT_EQ(mallinfo2().uordblks, before);
  queues[3].push_back("a long enough string to live on the heap");
  queues[3].pop_front();
  EXPECT_EQ(mallinfo2().uordblks, before);
  EXPECT_TRUE(queues[3].empty());
}

}  // namespace
}  // namespace tern::detect
