#include "core/base/batch_channel.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace tern {
namespace {

std::atomic<int> made{0};

struct Numbers {
  Numbers() { made.fetch_add(1); }
  std::vector<int> values;
};

TEST(BatchChannelTest, DeliversInOrderWithAtMostCapacityBatchesMade) {
  made = 0;
  BatchChannel<Numbers> channel(3);
  std::thread producer([&] {
    for (int i = 0; i < 1000; ++i) {
      std::unique_ptr<Numbers> batch = channel.Acquire();
      ASSERT_NE(batch, nullptr);
      batch->values.assign({i, i + 1});  // a recycled batch holds the old values
      channel.Send(std::move(batch));
    }
    channel.Close();
  });
  int next = 0;
  while (std::unique_ptr<Numbers> batch = channel.Receive()) {
    ASSERT_EQ(batch->values, (std::vector<int>{next, next + 1}));
    ++next;
    channel.Recycle(std::move(batch));
  }
  producer.join();
  EXPECT_EQ(next, 1000);
  EXPECT_LE(made.load(), 3);
  EXPECT_GE(made.load(), 1);
}

TEST(BatchChannelTest, CancelFreesAProducerWaitingForRoom) {
  BatchChannel<Numbers> channel(2);
  std::atomic<int> sent{0};
  std::atomic<bool> refused{false};
  std::thread producer([&] {
    // Far more than fit: the producer blocks in Acquire until cancelled.
    for (int i = 0; i < 100; ++i) {
      std::unique_ptr<Numbers> batch = channel.Acquire();
      if (batch == nullptr) {
        refused = true;
        break;
      }
      channel.Send(std::move(batch));
      ++sent;
    }
    channel.Close();
  });
  std::unique_ptr<Numbers> first = channel.Receive();
  ASSERT_NE(first, nullptr);
  // Keep it: with capacity 2 the producer can send one more, then waits.
  while (sent.load() < 2) std::this_thread::yield();
  channel.Cancel();
  producer.join();
  EXPECT_TRUE(refused.load());
  EXPECT_EQ(sent.load(), 2);
  EXPECT_EQ(channel.Receive(), nullptr);  // cancelled: nothing more, even queued
}

TEST(BatchChannelTest, ACloseWithNothingSentEndsTheConsumer) {
  BatchChannel<Numbers> channel(4);
  std::thread producer([&] { channel.Close(); });
  EXPECT_EQ(channel.Receive(), nullptr);
  producer.join();
}

}  // namespace
}  // namespace tern
