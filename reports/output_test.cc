// The output registry: what it accepts, how commands find outputs by use,
// and that every built-in output is registered once, with the uses its
// commands rely on.
#include "reports/output.h"

#include <cstdio>
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/builtin_outputs.h"

namespace tern {
namespace {

using ::testing::HasSubstr;

// Counts what it is given, writing nothing.
class CountingOutput : public OutputModule {
 public:
  absl::Status WriteEvent(const Event&, const EventEnrichment&) override {
    return absl::OkStatus();
  }
};

std::unique_ptr<OutputModule> MakeCounting(const OutputTarget&) {
  return std::make_unique<CountingOutput>();
}

OutputInfo Info(std::string name, uint32_t uses, std::string file = "") {
  return {std::move(name), "test", uses, std::move(file), "test", &MakeCounting};
}

TEST(OutputRegistryTest, FindsByNameAndUse) {
  OutputRegistry registry;
  ASSERT_TRUE(registry.Register(Info("a", kOutputSearch)).ok());
  ASSERT_TRUE(registry.Register(Info("b", kOutputSearch | kOutputTimeline, "t.b")).ok());
  ASSERT_TRUE(registry.Register(Info("c", kOutputTimeline, "t.c")).ok());
  EXPECT_EQ(registry.Names(kOutputSearch), "a|b");
  EXPECT_EQ(registry.Names(kOutputTimeline), "b|c");
  EXPECT_EQ(registry.Names(kOutputExport), "");
  absl::StatusOr<const OutputInfo*> b = registry.Find("b", kOutputTimeline, "timeline");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)->file_name, "t.b");
  absl::StatusOr<const OutputInfo*> a = registry.Find("a", kOutputTimeline, "timeline");
  EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(a.status().message(), "--timeline must be b or c, not 'a'");
  // The name is from the command line: terminal-safe in the message.
  EXPECT_THAT(std::string(registry.Find("\x1b[2J", kOutputSearch, "format").status().message()),
              ::testing::AllOf(HasSubstr("--format must be a or b, not '"),
                               ::testing::Not(HasSubstr("\x1b"))));
}

TEST(OutputRegistryTest, RejectsDuplicatesAndIncompleteOutputs) {
  OutputRegistry registry;
  ASSERT_TRUE(registry.Register(Info("a", kOutputSearch)).ok());
  EXPECT_EQ(registry.Register(Info("a", kOutputExport)).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(registry.Register(Info("", kOutputSearch)).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry.Register(Info("x", 0)).code(), absl::StatusCode::kInvalidArgument);
  // A file output must name its file.
  EXPECT_EQ(registry.Register(Info("d", kOutputCaseDocument)).code(),
            absl::StatusCode::kInvalidArgument);
  OutputInfo no_factory = Info("e", kOutputSearch);
  no_factory.make = nullptr;
  EXPECT_EQ(registry.Register(no_factory).code(), absl::StatusCode::kInvalidArgument);
  // A document written without the case view cannot be conditional on it.
  OutputInfo viewless = Info("f", kOutputCaseDocument, "f.txt");
  viewless.reads_view = false;
  viewless.written_when = [](const CaseView&) { return true; };
  EXPECT_EQ(registry.Register(viewless).code(), absl::StatusCode::kInvalidArgument);
  viewless.written_when = nullptr;
  EXPECT_TRUE(registry.Register(viewless).ok());
}

TEST(BuiltinOutputsTest, EveryOutputOnceWithTheUsesItsCommandsNeed) {
  OutputRegistry registry;
  ASSERT_TRUE(RegisterBuiltinOutputs(registry).ok());  // no duplicate name
  EXPECT_EQ(registry.Names(kOutputCaseDocument),
            "report.html|findings.json|sessions.jsonl|exposure.csv");
  EXPECT_EQ(registry.Names(kOutputTimeline), "csv|jsonl");
  EXPECT_EQ(registry.Names(kOutputSearch), "table|csv|jsonl");
  EXPECT_EQ(registry.Names(kOutputExport), "ecs");
  for (const OutputInfo* info : registry.For(kOutputTimeline)) {
    EXPECT_EQ(info->file_name, "timeline." + info->name);
  }
  EXPECT_EQ(BuiltinOutputs().Names(kOutputSearch), registry.Names(kOutputSearch));
}

// What the manifest seals besides custody.json: each output names its own
// file once (core/custody/manifest.h no longer lists them).
TEST(BuiltinOutputsTest, EveryFileAnOutputWritesIsNamedOnceForTheSeal) {
  EXPECT_THAT(
      BuiltinOutputs().FileNames(),
      ::testing::ElementsAre("report.html", "findings.json", "sessions.jsonl", "exposure.csv",
                             "timeline.csv", "timeline.jsonl", "events.ndjson"));
  OutputRegistry registry;
  ASSERT_TRUE(registry.Register({"a", "a", kOutputTimeline, "same.txt", "a", &MakeCounting}).ok());
  ASSERT_TRUE(registry.Register({"b", "b", kOutputSearch, "same.txt", "b", &MakeCounting}).ok());
  ASSERT_TRUE(registry.Register({"c", "c", kOutputSearch, "", "c", &MakeCounting}).ok());
  EXPECT_THAT(registry.FileNames(), ::testing::ElementsAre("same.txt"));
}

TEST(BuiltinOutputsTest, ExposureIsWrittenOnlyForACaseWithIncidents) {
  absl::StatusOr<const OutputInfo*> exposure =
      BuiltinOutputs().Find("exposure.csv", kOutputCaseDocument, "document");
  ASSERT_TRUE(exposure.ok()) << exposure.status();
  ASSERT_NE((*exposure)->written_when, nullptr);
  CaseView view;
  EXPECT_FALSE((*exposure)->written_when(view));
  view.incidents.emplace_back();
  EXPECT_TRUE((*exposure)->written_when(view));
  for (const char* always : {"report.html", "findings.json", "sessions.jsonl"}) {
    EXPECT_EQ((*BuiltinOutputs().Find(always, kOutputCaseDocument, "document"))->written_when,
              nullptr);
  }
}

TEST(BuiltinOutputsTest, CsvWritesItsHeaderEvenWithoutEvents) {
  char* data = nullptr;
  size_t size = 0;
  std::FILE* out = open_memstream(&data, &size);
  ASSERT_NE(out, nullptr);
  OutputTarget target;
  target.out = out;
  std::unique_ptr<OutputModule> csv =
      (*BuiltinOutputs().Find("csv", kOutputSearch, "format"))->make(target);
  ASSERT_TRUE(csv->WriteHeader().ok());
  ASSERT_TRUE(csv->WriteFooter().ok());
  std::fclose(out);
  const std::string text(data, size);
  free(data);
  EXPECT_THAT(text, ::testing::StartsWith("datetime,operation,"));
  EXPECT_EQ(text.back(), '\n');
}

}  // namespace
}  // namespace tern
