#include "core/store/derived_appender.h"

#include <string>
#include <string_view>
#include <vector>

#include "core/store/case_store_test_util.h"
#include "gtest/gtest.h"

namespace tern {
namespace {

using testing_util::OpenOrDie;
using testing_util::TempDir;

std::vector<std::pair<std::string, std::string>> Scan(CaseStore& store, std::string_view kind) {
  std::vector<std::pair<std::string, std::string>> out;
  EXPECT_TRUE(store
                  .ScanDerived(kind,
                               [&out](std::string_view k, std::string_view v) {
                                 out.emplace_back(std::string(k), std::string(v));
                                 return true;
                               })
                  .ok());
  return out;
}

TEST(DerivedAppenderTest, ReplacesTheKindAcrossManyBatches) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->ReplaceDerived("findings", {{"F-old", "gone"}, {"F-0002", "old"}}).ok());
  ASSERT_TRUE(store->ReplaceDerived("other", {{"k", "kept"}}).ok());

  // About three batches' worth, added out of key order.
  const std::string value(1000, 'v');
  const int count = static_cast<int>(3 * DerivedAppender::kBatchBytes / value.size());
  DerivedAppender out(store.get(), "findings");
  for (int i = count; i >= 1; --i) {
    out.Add("F-" + std::to_string(1000000 + i), value + std::to_string(i));
  }
  ASSERT_TRUE(out.Finish().ok());
  EXPECT_EQ(out.added(), static_cast<uint64_t>(count));

  const auto stored = Scan(*store, "findings");
  ASSERT_EQ(stored.size(), static_cast<size_t>(count));
  for (int i = 1; i <= count; ++i) {
    ASSERT_EQ(stored[i - 1].first, "F-" + std::to_string(1000000 + i));
    ASSERT_EQ(stored[i - 1].second, value + std::to_string(i));
  }
  EXPECT_EQ(Scan(*store, "other"),
            (std::vector<std::pair<std::string, std::string>>{{"k", "kept"}}));
}

TEST(DerivedAppenderTest, AnEmptyAppenderLeavesTheKindEmpty) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->ReplaceDerived("sessions", {{"S-1", "one"}}).ok());
  DerivedAppender out(store.get(), "sessions");
  ASSERT_TRUE(out.Finish().ok());
  EXPECT_TRUE(Scan(*store, "sessions").empty());
}

TEST(DerivedAppenderTest, KeptEntriesStayAndNewOnesJoinThem) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->ReplaceDerived("spill", {{"a", "1"}, {"c", "3"}}).ok());
  DerivedAppender out(store.get(), "spill", DerivedAppender::Existing::kKept);
  out.Add("b", "2");
  out.Add("c", "new");
  ASSERT_TRUE(out.Finish().ok());
  EXPECT_EQ(out.added(), 2u);
  EXPECT_EQ(Scan(*store, "spill"), (std::vector<std::pair<std::string, std::string>>{
                                       {"a", "1"}, {"b", "2"}, {"c", "new"}}));
}

TEST(DerivedAppenderTest, AWriteThatFailsIsReported) {
  TempDir tmp;
  {
    auto store = OpenOrDie(tmp.path(), StoreMode::kReadWrite);
    ASSERT_NE(store, nullptr);
  }
  auto store = OpenOrDie(tmp.path(), StoreMode::kReadOnly);
  ASSERT_NE(store, nullptr);
  DerivedAppender out(store.get(), "sessions");
  out.Add("S-1", "one");
  EXPECT_FALSE(out.Finish().ok());
}

}  // namespace
}  // namespace tern
