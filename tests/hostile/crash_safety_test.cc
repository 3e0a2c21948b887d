// Crash safety and concurrency of the real `tern` binary:
//  - SIGKILL during `tern ingest` at several points, then the same command
//    again: the case holds exactly the events an uninterrupted run stores
//    (the full `tern search --format jsonl` export, provenance included, is
//    byte-identical), custody lists every input as ingested with the same
//    counts, and the killed attempts' items remain as "interrupted";
//  - a second writer on a case in use is refused at once, clearly;
//  - evidence (files, folders, archives) is never modified by any command;
//  - `tern verify` reports a corrupted case store (exit 4) by name.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/hostile/hostile_case.h"

namespace tern::hostile {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr int kParts = 6;
constexpr int kRecordsPerPart = 8000;

// Six exports whose neighbours overlap by a quarter (so rollback must also
// undo duplicate copies), as separate inputs: each is committed on its own.
class CrashSafetyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    evidence_ = new ::tern::testing::TempDir();
    for (int p = 0; p < kParts; ++p) {
      std::string text;
      const int first = p * kRecordsPerPart * 3 / 4;
      for (int i = first; i < first + kRecordsPerPart; ++i) {
        absl::StrAppend(
            &text,
            JsonRecord(absl::StrCat("crash-", i),
                       absl::StrCat("\"Seq\":", i, ",\"ClientIP\":\"198.51.100.", i % 250, "\"")),
            "\n");
      }
      inputs_->push_back(evidence_->Write(absl::StrCat("part", p + 1, ".jsonl"), text));
    }
    const std::string reference_dir = evidence_->path() + "/reference";
    reference_ = new Reference(Ingest(reference_dir));
    // Analyzed in a copy, so the tests can copy the ingested reference.
    const std::string analyzed = evidence_->path() + "/reference-analyzed";
    fs::copy(reference_dir, analyzed, fs::copy_options::recursive);
    reference_->findings = AnalyzeAndReport(analyzed);
  }
  static void TearDownTestSuite() {
    delete reference_;
    delete evidence_;
    inputs_->clear();
  }

  struct Reference {
    std::string events;                          // tern search --format jsonl
    std::map<std::string, CustodyItem> custody;  // ingested items by display
    std::string findings;                        // findings.json after analyze + report
  };

  static std::string AnalyzeAndReport(const std::string& case_dir) {
    ProcessResult analyzed = RunTernLimited({"analyze", "--case", case_dir, "--quiet"});
    EXPECT_THAT(analyzed.exit_code, ::testing::AnyOf(0, 1)) << analyzed.Describe();
    ProcessResult reported = RunTernLimited({"report", "--case", case_dir, "--quiet"});
    EXPECT_EQ(reported.exit_code, 0) << reported.Describe();
    std::ifstream in(case_dir + "/findings.json", std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  static std::vector<std::string> IngestArgs(const std::string& case_dir) {
    std::vector<std::string> args = {"ingest", "--case", case_dir, "--quiet"};
    args.insert(args.end(), inputs_->begin(), inputs_->end());
    return args;
  }

  static Reference Read(const std::string& case_dir) {
    Reference r;
    ProcessResult search =
        RunTernLimited({"search", "--case", case_dir, "--format", "jsonl", "--quiet"});
    EXPECT_EQ(search.exit_code, 0) << search.Describe();
    r.events = search.out;
    for (const CustodyItem& c : ReadCustody(case_dir + "/custody.json")) {
      if (c.status == "ingested") {
        EXPECT_EQ(r.custody.count(c.display), 0u) << c.display << " ingested twice";
        r.custody[c.display] = c;
      }
    }
    return r;
  }

  static Reference Ingest(const std::string& case_dir) {
    ProcessResult r = RunTernLimited(IngestArgs(case_dir));
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    return Read(case_dir);
  }

  static ::tern::testing::TempDir* evidence_;
  static std::vector<std::string>* inputs_;
  static Reference* reference_;
  ::tern::testing::TempDir tmp_;
};

::tern::testing::TempDir* CrashSafetyTest::evidence_ = nullptr;
std::vector<std::string>* CrashSafetyTest::inputs_ = new std::vector<std::string>();
CrashSafetyTest::Reference* CrashSafetyTest::reference_ = nullptr;

// Where to kill: once `tern` has this input open, after this delay.
struct KillPoint {
  int part;
  int delay_ms;
};

// Starts the ingest and SIGKILLs it at `point`. Returns false if the ingest
// finished before the kill could land.
bool IngestAndKill(const std::vector<std::string>& args, KillPoint point) {
  TernProcess tern(args);
  const std::string file = absl::StrCat("/part", point.part, ".jsonl");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (tern.Running() && std::chrono::steady_clock::now() < deadline) {
    if (HasOpenFile(tern.pid(), file)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(point.delay_ms));
      tern.Kill(SIGKILL);
      ProcessResult r = tern.Wait();
      return r.signal == SIGKILL;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return false;
}

class KillAndRerunTest : public CrashSafetyTest,
                         public ::testing::WithParamInterface<std::vector<KillPoint>> {};

TEST_P(KillAndRerunTest, RerunYieldsExactlyTheUninterruptedCase) {
  const std::string case_dir = tmp_.path() + "/case";
  const std::vector<std::string> args = IngestArgs(case_dir);
  int kills = 0;
  for (const KillPoint& point : GetParam()) kills += IngestAndKill(args, point) ? 1 : 0;
  ASSERT_GT(kills, 0) << "no kill landed mid-ingest";

  // The same command again, to completion.
  ProcessResult rerun = RunTernLimited(args);
  EXPECT_EQ(rerun.exit_code, 0) << rerun.Describe();

  const Reference got = Read(case_dir);
  // Exactly the same events, byte for byte: none lost, none duplicated,
  // the same stored copy and provenance for each.
  EXPECT_EQ(got.events.size(), reference_->events.size());
  EXPECT_TRUE(got.events == reference_->events) << "the event export differs";
  // Custody is complete: every input ingested once, with the same counts.
  ASSERT_EQ(got.custody.size(), reference_->custody.size());
  for (const auto& [display, want] : reference_->custody) {
    auto it = got.custody.find(display);
    ASSERT_NE(it, got.custody.end()) << display;
    EXPECT_EQ(it->second.parsed, want.parsed) << display;
    EXPECT_EQ(it->second.stored, want.stored) << display;
  }
  // What the killed attempts left on disk is rolled back and labelled
  // "interrupted" (an item whose events were all still in memory left
  // nothing to undo, and no record); each killed run says it was killed.
  for (const CustodyItem& c : ReadCustody(case_dir + "/custody.json")) {
    if (c.status == "interrupted") {
      EXPECT_EQ(c.stored, 0u) << c.display;
    } else {
      EXPECT_THAT(c.status, ::testing::AnyOf("ingested", "skipped-known-sha256")) << c.display;
    }
  }
  std::vector<std::string> outcomes = ReadRunOutcomes(case_dir + "/custody.json");
  ASSERT_EQ(outcomes.size(), static_cast<size_t>(kills) + 1);
  EXPECT_EQ(outcomes.back(), "ok");
  outcomes.pop_back();
  EXPECT_THAT(outcomes, ::testing::Each("interrupted"));

  // A later analysis sees the same case too.
  const std::string findings = AnalyzeAndReport(case_dir);
  EXPECT_FALSE(findings.empty());
  EXPECT_TRUE(findings == reference_->findings)
      << "findings.json differs from the uninterrupted case's";
}

INSTANTIATE_TEST_SUITE_P(
    KillPoints, KillAndRerunTest,
    ::testing::Values(std::vector<KillPoint>{{1, 0}},   // before anything is committed
                      std::vector<KillPoint>{{3, 30}},  // halfway
                      std::vector<KillPoint>{{6, 60}},  // in the last input
                      std::vector<KillPoint>{{2, 10}, {4, 0}, {4, 80}}),
    // "part2_10ms_part4_0ms_part4_80ms": which kills, in the test's name.
    [](const ::testing::TestParamInfo<std::vector<KillPoint>>& info) {
      std::string name;
      for (const KillPoint& p : info.param) {
        absl::StrAppend(&name, name.empty() ? "" : "_", "part", p.part, "_", p.delay_ms, "ms");
      }
      return name;
    });  // three times

TEST_F(CrashSafetyTest, SecondWriterIsRefusedAtOnce) {
  const std::string case_dir = tmp_.path() + "/case";
  TernProcess first(IngestArgs(case_dir));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (first.Running() && !HasOpenFile(first.pid(), "/part2.jsonl") &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(first.Running()) << "the first ingest ended too soon";
  // Frozen mid-ingest, it holds the case for as long as this test needs.
  first.Kill(SIGSTOP);
  for (const std::vector<std::string>& second :
       {std::vector<std::string>{"ingest", "--case", case_dir, inputs_->front()},
        std::vector<std::string>{"analyze", "--case", case_dir},
        std::vector<std::string>{"run", "--case", case_dir, inputs_->front()}}) {
    const auto start = std::chrono::steady_clock::now();
    ProcessResult r = RunTernLimited(second, RunLimits{.timeout_seconds = 30});
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(r.exit_code, 3) << second[0] << ": " << r.Describe();
    EXPECT_THAT(r.err, HasSubstr("in use by another tern process")) << second[0];
    EXPECT_LT(took, std::chrono::seconds(Sanitized() ? 15 : 5)) << second[0] << " waited";
  }
  first.Kill(SIGCONT);
  ProcessResult done = first.Wait();
  EXPECT_EQ(done.exit_code, 0) << done.Describe();
  // The refused writers changed nothing: the case is exactly the reference.
  EXPECT_TRUE(Read(case_dir).events == reference_->events);
}

TEST_F(CrashSafetyTest, EvidenceIsNeverModifiedByAnyCommand) {
  // Files, a folder, archives (nested too), read-only and writable.
  const std::string root = tmp_.path() + "/evidence";
  tmp_.Write("evidence/a.jsonl", GoodJsonl());
  tmp_.Write("evidence/sub/b.csv", FixtureBytes("e2e/export_a.csv"));
  const std::string inner = ::tern::testing::MakeArchive(
      "ustar", "gzip", {{"x/c.jsonl", FixtureBytes("formats/json/ual_records.jsonl")}});
  tmp_.Write("evidence/sub/d.zip", ::tern::testing::MakeArchive("zip", "", {{"inner.tgz", inner}}));
  tmp_.Write("evidence/e.csv.gz", ::tern::testing::MakeArchive(
                                      "raw", "gzip", {{"x", FixtureBytes("e2e/export_a.csv")}}));
  chmod((root + "/a.jsonl").c_str(), 0444);
  chmod((root + "/sub/d.zip").c_str(), 0400);
  const std::map<std::string, FileState> before = Snapshot(root);
  ASSERT_GE(before.size(), 6u);

  const std::string case_dir = tmp_.path() + "/case";
  const std::string zip = root + "/sub/d.zip";
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"run", "--case", case_dir, "--quiet", root},
        std::vector<std::string>{"ingest", "--case", case_dir, "--quiet", root, zip},
        std::vector<std::string>{"analyze", "--case", case_dir, "--quiet"},
        std::vector<std::string>{"report", "--case", case_dir, "--quiet", "--timeline", "csv"},
        std::vector<std::string>{"verify", "--case", case_dir},
        std::vector<std::string>{"search", "--case", case_dir, "--quiet"}}) {
    ProcessResult r = RunTernLimited(args);
    EXPECT_THAT(r.exit_code, ::testing::AnyOf(0, 1)) << args[0] << ": " << r.Describe();
    EXPECT_EQ(Snapshot(root), before) << "evidence changed by tern " << args[0];
  }
}

// Flips `count` bytes at `offset` (from the end when negative) of `path`.
void Corrupt(const std::string& path, int64_t offset, int count) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  const int64_t size = static_cast<int64_t>(fs::file_size(path));
  const int64_t at = offset >= 0 ? offset : size + offset;
  for (int i = 0; i < count && at + i < size; ++i) {
    f.seekg(at + i);
    const char c = static_cast<char>(f.get());
    f.seekp(at + i);
    f.put(static_cast<char>(c ^ 0x55));
  }
}

// The largest table file of a case store.
std::string LargestSst(const std::string& case_dir) {
  std::string best;
  uintmax_t best_size = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(case_dir + "/store")) {
    if (e.path().extension() == ".sst" && e.file_size() > best_size) {
      best = e.path().string();
      best_size = e.file_size();
    }
  }
  return best;
}

TEST_F(CrashSafetyTest, VerifyReportsACorruptStore) {
  const std::string original = tmp_.path() + "/case";
  fs::copy(evidence_->path() + "/reference", original, fs::copy_options::recursive);
  ProcessResult ok = RunTernLimited({"verify", "--case", original});
  ASSERT_EQ(ok.exit_code, 0) << ok.Describe();
  EXPECT_THAT(ok.out, HasSubstr("case store checksums OK"));

  // A flipped run of bytes in the middle of a table file, and a damaged
  // table footer: both are store corruption, exit 4, named as such.
  for (int64_t where : {int64_t{-1}, int64_t{-20}}) {
    const std::string copy = tmp_.path() + absl::StrCat("/copy", -where);
    fs::copy(original, copy, fs::copy_options::recursive);
    const std::string sst = LargestSst(copy);
    ASSERT_FALSE(sst.empty());
    const int64_t offset = where == -1 ? static_cast<int64_t>(fs::file_size(sst) / 2) : where;
    Corrupt(sst, offset, 16);
    ProcessResult r = RunTernLimited({"verify", "--case", copy});
    EXPECT_EQ(r.exit_code, 4) << r.Describe();
    EXPECT_THAT(r.out, HasSubstr("STORE     case store")) << r.Describe();
    EXPECT_THAT(r.out, HasSubstr("Corrupt")) << r.Describe();
    if (where == -1) {
      // A bad block is found by the checksum pass, which names the file.
      EXPECT_THAT(r.out, HasSubstr(fs::path(sst).filename().string())) << r.Describe();
    }
  }
}

}  // namespace
}  // namespace tern::hostile
