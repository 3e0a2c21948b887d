#include "core/ingest/event_pipeline.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern {
namespace {

Event Numbered(int i) {
  Event e;
  e.record_id = "r" + std::to_string(i);
  e.provenance.line = static_cast<uint64_t>(i);
  return e;
}

TEST(EventPipelineTest, DeliversEverythingInOrderOnAnotherThread) {
  std::vector<std::string> ids;
  std::vector<std::string> raws;
  const std::thread::id producer = std::this_thread::get_id();
  bool other_thread = true;
  EventPipeline::Options options;
  options.batch_events = 7;  // partial batches at the end too
  options.max_batches = 2;
  EventPipeline pipeline(
      [&](Event& e, std::string_view raw) {
        other_thread = other_thread && std::this_thread::get_id() != producer;
        ids.push_back(e.record_id);
        raws.emplace_back(raw);
        return absl::OkStatus();
      },
      options);
  for (int i = 0; i < 1000; ++i) {
    std::string raw(static_cast<size_t>(i % 50), static_cast<char>('a' + i % 26));
    ASSERT_TRUE(pipeline.Push(Numbered(i), raw).ok());
  }
  ASSERT_TRUE(pipeline.Finish().ok());
  ASSERT_EQ(ids.size(), 1000u);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(ids[i], "r" + std::to_string(i));
    EXPECT_EQ(raws[i], std::string(static_cast<size_t>(i % 50), static_cast<char>('a' + i % 26)));
  }
  EXPECT_TRUE(other_thread);
}

TEST(EventPipelineTest, StopsAtTheConsumersFirstError) {
  int consumed = 0;
  EventPipeline::Options options;
  options.batch_events = 4;
  EventPipeline pipeline(
      [&](Event& e, std::string_view) {
        if (e.record_id == "r10") return absl::DataLossError("store broke at r10");
        ++consumed;
        return absl::OkStatus();
      },
      options);
  absl::Status pushed;
  for (int i = 0; i < 10000 && pushed.ok(); ++i) pushed = pipeline.Push(Numbered(i), "x");
  // The producer learns of the failure, from Push or at the latest Finish.
  const absl::Status finished = pipeline.Finish();
  EXPECT_EQ(finished.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(finished.message()), ::testing::HasSubstr("r10"));
  EXPECT_TRUE(pushed.ok() || pushed.code() == absl::StatusCode::kDataLoss);
  EXPECT_EQ(consumed, 10);
}

TEST(EventPipelineTest, FinishWithoutEventsAndTwice) {
  EventPipeline pipeline([](Event&, std::string_view) { return absl::OkStatus(); });
  EXPECT_TRUE(pipeline.Finish().ok());
  EXPECT_TRUE(pipeline.Finish().ok());
}

}  // namespace
}  // namespace tern
