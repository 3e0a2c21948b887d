// WriteCaseReports over a real, analyzed case store: the outputs land in the
// report directory (created), are listed in the order the commands print
// them, match what the renderers make, and a bad timeline name writes nothing.
#include "reports/case_report.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/base/version.h"
#include "core/detect/analyzer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/builtin_outputs.h"
#include "reports/case_view.h"
#include "reports/findings_json.h"
#include "reports/incident_report.h"
#include "reports/report_html.h"
#include "tests/testing/temp_dir.h"

namespace tern {
namespace {

using ::testing::HasSubstr;

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class CaseReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = CaseStore::Open(CaseDir(tmp_.path()).store(), StoreMode::kReadWrite);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    EvidenceRecord file;
    file.ordinal = 1;
    file.given_path = "export.jsonl";
    file.sha256 = std::string(64, 'a');
    file.status = "ingested";
    ASSERT_TRUE(store_->PutEvidence(file).ok());
    for (int i = 0; i < 3; ++i) {
      Event e;
      e.record_id = "r" + std::to_string(i);
      e.time_ms = 1709690400000 + i * 60000;
      e.operation = "MailItemsAccessed";
      e.client_ip = "10.0.0.1";
      e.mailbox_upn = "alice@contoso.example";
      e.mailbox_guid = "aaaa-guid";
      e.actor_upn = "alice@contoso.example";
      e.logon_type = kLogonOwner;
      e.provenance = {1, static_cast<uint64_t>(i + 1), static_cast<uint64_t>(i + 1)};
      ASSERT_TRUE(store_->AddEvent(e, "{}").ok());
    }
    ASSERT_TRUE(store_->Commit().ok());
    ASSERT_TRUE(Analyze(*store_, AnalyzeOptions{}).ok());
  }
  void TearDown() override { store_.reset(); }

  testing::TempDir tmp_;
  std::unique_ptr<CaseStore> store_;
};

TEST_F(CaseReportTest, WritesTheOutputsIntoTheReportDirectory) {
  const CaseDir out(tmp_ / "reports/today");
  CaseReportOptions options;
  options.timeline = "csv";
  absl::StatusOr<std::vector<WrittenOutput>> written =
      WriteCaseReports(*store_, out, BuiltinOutputs(), options, nullptr);
  ASSERT_TRUE(written.ok()) << written.status();
  ASSERT_EQ(written->size(), 4u);
  EXPECT_EQ((*written)[0].label, "timeline");
  EXPECT_EQ((*written)[0].path, DisplayPath(out.File("timeline.csv")));
  EXPECT_EQ((*written)[1].label, "report");
  EXPECT_EQ((*written)[1].path, DisplayPath(out.report()));
  EXPECT_EQ((*written)[2].label, "findings");
  EXPECT_EQ((*written)[2].path, DisplayPath(out.findings()));
  EXPECT_EQ((*written)[3].label, "sessions");
  EXPECT_EQ((*written)[3].path, DisplayPath(out.File(kSessionsFile)));

  absl::StatusOr<CaseView> view = LoadCaseView(*store_, ToolVersion());
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(Read(out.report()), RenderReportHtml(*view).value());
  EXPECT_THAT(Read(out.findings()), HasSubstr("\"events\": 3"));
  EXPECT_THAT(Read(out.File("timeline.csv")), HasSubstr("MailItemsAccessed"));
  EXPECT_THAT(Read(out.File(kSessionsFile)), HasSubstr("\"id\":\"S-"));  // every session
  // No incident, so nothing was exposed: no exposure.csv (tests/story_e2e_test.cc has one).
  EXPECT_FALSE(std::filesystem::exists(out.File(kExposureFileName)));
}

// report.html reads the events under each finding it shows from the store
// while it renders (the view does not hold them): the same page as from
// events loaded beforehand.
TEST_F(CaseReportTest, TheEventsUnderFindingsAreReadWhileRendering) {
  absl::StatusOr<CaseView> view = LoadCaseView(*store_, ToolVersion());
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(view->activity.event_store, store_.get());
  EXPECT_TRUE(view->activity.finding_events.empty());
  Finding f;
  f.id = "F-9999";
  f.rule = "test-rule";
  f.severity = Severity::kHigh;
  f.title = "two anchors";
  f.evidence = {EvidenceAnchor{"r1", 1, 2, 1709690460000}, EvidenceAnchor{"gone", 1, 9, 0}};
  view->findings.push_back(f);
  view->anchors.push_back({ResolvedAnchor{"r1", std::string(64, 'a'), "", 2, 1709690460000, 1},
                           ResolvedAnchor{"gone", std::string(64, 'a'), "", 9, 0, 1}});
  ++view->findings_by_severity[f.severity];
  const std::string page = RenderReportHtml(*view).value();
  EXPECT_THAT(page, HasSubstr("record gone is not in the case store"));

  CaseView preloaded = *view;
  preloaded.activity.event_store = nullptr;
  for (const Finding& finding : preloaded.findings) {
    preloaded.activity.finding_events.push_back(LoadFindingEvents(*store_, finding).value());
  }
  EXPECT_EQ(preloaded.activity.finding_events.back().size(), 2u);
  EXPECT_FALSE(preloaded.activity.finding_events.back()[1].has_value());
  EXPECT_EQ(RenderReportHtml(preloaded).value(), page);
}

TEST_F(CaseReportTest, LogsWhatItWrote) {
  const CaseDir out(tmp_ / "out");
  ASSERT_TRUE(out.Create().ok());
  absl::StatusOr<std::unique_ptr<RunLog>> log = RunLog::Open(out.log());
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE(
      WriteCaseReports(*store_, out, BuiltinOutputs(), CaseReportOptions{}, log->get()).ok());
  const std::string text = Read(out.log());
  EXPECT_THAT(text, HasSubstr("INFO wrote " + out.findings() + "\n"));
  EXPECT_THAT(text, HasSubstr("INFO wrote " + out.report() + "\n"));
}

TEST_F(CaseReportTest, AnUnknownTimelineWritesNothing) {
  const CaseDir out(tmp_ / "never");
  CaseReportOptions options;
  options.timeline = "xml";
  absl::StatusOr<std::vector<WrittenOutput>> written =
      WriteCaseReports(*store_, out, BuiltinOutputs(), options, nullptr);
  EXPECT_EQ(written.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(CaseDir::IsDirectory(out.root()));
}

// With two or more threads sessions.jsonl (and the timeline) are written
// beside the view's load and the documents are shared between the threads:
// the same files, byte for byte, listed in the same order.
TEST_F(CaseReportTest, MoreThreadsWriteTheSameFilesInTheSameOrder) {
  std::vector<std::vector<WrittenOutput>> lists;
  std::vector<std::string> contents;
  for (int threads : {1, 2, 3}) {
    const CaseDir out(tmp_ / ("threads-" + std::to_string(threads)));
    CaseReportOptions options;
    options.timeline = "jsonl";
    options.threads = threads;
    absl::StatusOr<std::vector<WrittenOutput>> written =
        WriteCaseReports(*store_, out, BuiltinOutputs(), options, nullptr);
    ASSERT_TRUE(written.ok()) << written.status();
    std::string all;
    for (WrittenOutput& w : *written) {
      absl::StrAppend(&all, w.label, "\n", Read(w.path), "\n");
      w.path = w.path.substr(out.root().size());  // relative, to compare the lists
    }
    lists.push_back(*written);
    contents.push_back(all);
  }
  ASSERT_EQ(lists[0].size(), 4u);
  for (size_t i = 1; i < lists.size(); ++i) {
    ASSERT_EQ(lists[i].size(), lists[0].size());
    for (size_t j = 0; j < lists[0].size(); ++j) {
      EXPECT_EQ(lists[i][j].label, lists[0][j].label);
      EXPECT_EQ(lists[i][j].path, lists[0][j].path);
    }
    EXPECT_EQ(contents[i], contents[0]);
  }
}

// Test documents: one made from the store alone (it must get no view), one
// that reads the view, and either may fail.
struct TestDocuments {
  static inline std::atomic<int> viewless_given_a_view = 0;
  class Module : public OutputModule {
   public:
    Module(const OutputTarget& target, bool fail) : target_(target), fail_(fail) {}
    absl::Status WriteFooter() override {
      if (fail_) return absl::UnavailableError("cannot write " + target_.path);
      std::ofstream(target_.path) << (target_.view == nullptr ? "no view" : "view");
      return absl::OkStatus();
    }

   private:
    OutputTarget target_;
    bool fail_;
  };
  static OutputInfo Info(std::string name, bool reads_view, bool fail) {
    OutputFactory make;
    if (reads_view) {
      make = fail ? +[](const OutputTarget& t) -> std::unique_ptr<OutputModule> {
        return std::make_unique<Module>(t, true);
      }
      : +[](const OutputTarget& t) -> std::unique_ptr<OutputModule> {
          return std::make_unique<Module>(t, false);
        };
    } else {
      make = fail ? +[](const OutputTarget& t) -> std::unique_ptr<OutputModule> {
        if (t.view != nullptr) ++viewless_given_a_view;
        return std::make_unique<Module>(t, true);
      }
      : +[](const OutputTarget& t) -> std::unique_ptr<OutputModule> {
          if (t.view != nullptr) ++viewless_given_a_view;
          return std::make_unique<Module>(t, false);
        };
    }
    OutputInfo info{name, "test", kOutputCaseDocument, name + ".txt", name, make};
    info.reads_view = reads_view;
    return info;
  }
};

// The outcome does not depend on which thread wrote what: every document is
// attempted, and the first failure in registry order is the one returned.
TEST_F(CaseReportTest, TheFirstFailureInRegistryOrderIsReturnedWhateverTheThreads) {
  for (int threads : {1, 2}) {
    SCOPED_TRACE(threads);
    OutputRegistry registry;
    ASSERT_TRUE(registry.Register(TestDocuments::Info("a", true, false)).ok());
    ASSERT_TRUE(registry.Register(TestDocuments::Info("b", false, true)).ok());
    ASSERT_TRUE(registry.Register(TestDocuments::Info("c", true, true)).ok());
    ASSERT_TRUE(registry.Register(TestDocuments::Info("d", false, false)).ok());
    const CaseDir out(tmp_ / ("fail-" + std::to_string(threads)));
    CaseReportOptions options;
    options.threads = threads;
    absl::StatusOr<std::vector<WrittenOutput>> written =
        WriteCaseReports(*store_, out, registry, options, nullptr);
    EXPECT_EQ(written.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(std::string(written.status().message()), HasSubstr("b.txt"));
    EXPECT_EQ(Read(out.File("a.txt")), "view");
    EXPECT_EQ(Read(out.File("d.txt")), "no view");

    OutputRegistry ok_registry;
    ASSERT_TRUE(ok_registry.Register(TestDocuments::Info("a", true, false)).ok());
    ASSERT_TRUE(ok_registry.Register(TestDocuments::Info("d", false, false)).ok());
    written = WriteCaseReports(*store_, CaseDir(tmp_ / ("ok-" + std::to_string(threads))),
                               ok_registry, options, nullptr);
    ASSERT_TRUE(written.ok()) << written.status();
    ASSERT_EQ(written->size(), 2u);
    EXPECT_EQ((*written)[0].label, "a");
    EXPECT_EQ((*written)[1].label, "d");
  }
  EXPECT_EQ(TestDocuments::viewless_given_a_view, 0);
}

// A timeline that cannot be written is the failure returned, and the
// documents are still attempted, whichever thread wrote what.
TEST_F(CaseReportTest, AFailedTimelineIsReturnedAndTheDocumentsStillWritten) {
  for (int threads : {1, 2}) {
    SCOPED_TRACE(threads);
    const CaseDir out(tmp_ / ("timeline-fails-" + std::to_string(threads)));
    ASSERT_TRUE(std::filesystem::create_directories(out.File("timeline.csv") + "/taken"));
    CaseReportOptions options;
    options.timeline = "csv";
    options.threads = threads;
    absl::StatusOr<std::vector<WrittenOutput>> written =
        WriteCaseReports(*store_, out, BuiltinOutputs(), options, nullptr);
    EXPECT_FALSE(written.ok());
    EXPECT_THAT(std::string(written.status().message()), HasSubstr("timeline.csv"));
    EXPECT_TRUE(std::filesystem::exists(out.report()));
    EXPECT_TRUE(std::filesystem::exists(out.File(kSessionsFile)));
  }
}

// A case whose analysis did not finish is refused before anything is
// written, with any number of threads (sessions.jsonl does not wait for the
// view that would refuse it).
TEST_F(CaseReportTest, AnUnfinishedAnalysisWritesNothing) {
  ASSERT_TRUE(store_->PutMeta(kAnalysisStateKey, kAnalysisRunning).ok());
  for (int threads : {1, 2}) {
    const CaseDir out(tmp_ / ("unfinished-" + std::to_string(threads)));
    CaseReportOptions options;
    options.threads = threads;
    absl::StatusOr<std::vector<WrittenOutput>> written =
        WriteCaseReports(*store_, out, BuiltinOutputs(), options, nullptr);
    EXPECT_EQ(written.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(std::string(written.status().message()), HasSubstr("before reporting"));
    EXPECT_FALSE(CaseDir::IsDirectory(out.root()));
  }
}

}  // namespace
}  // namespace tern
