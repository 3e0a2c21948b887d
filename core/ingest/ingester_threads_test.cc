// The ingest pipeline (IngestOptions::threads >= 3) must leave exactly the
// store, custody counts and summary that a single-threaded ingest leaves.
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "core/ingest/ingester.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace tern {
namespace {

namespace fs = std::filesystem;

// "#rows" then "id,seconds,operation" per line; anything else is rejected
// and a line "warn" raises a warning from the parsing thread.
class RowsParser : public Parser {
 public:
  std::string_view name() const override { return "test-rows"; }
  std::string_view description() const override { return "rows for the pipeline test"; }
  int Sniff(std::string_view head) const override { return head.rfind("#rows", 0) == 0 ? 50 : 0; }
  absl::Status Parse(ByteStream& text, ParseContext& ctx) const override {
    std::string all;
    if (absl::Status s = ReadUpTo(text, 64 << 20, &all); !s.ok()) return s;
    uint64_t line = 0;
    for (absl::string_view row : absl::StrSplit(all, '\n')) {
      ++line;
      if (line == 1 || row.empty()) continue;
      if (row == "warn") {
        ctx.Warn("test-warning", line, "a warning while events are being stored");
        continue;
      }
      std::vector<std::string> f = absl::StrSplit(row, ',');
      int64_t seconds = 0;
      if (f.size() != 3 || !absl::SimpleAtoi(f[1], &seconds)) {
        ctx.Reject(line, "expected id,seconds,operation");
        continue;
      }
      Event e;
      e.record_id = f[0];
      e.time_ms = seconds * 1000;
      e.operation = f[2];
      e.provenance.line = line;
      absl::Status accepted = ctx.events->Accept(std::move(e), {row.data(), row.size()});
      if (!accepted.ok()) return accepted;
    }
    return absl::OkStatus();
  }
};

struct Outcome {
  IngestSummary summary;
  std::vector<EvidenceRecord> evidence;
  std::vector<std::string> events;  // id@ordinal:line, in store order
};

class IngesterThreadsTest : public ::testing::Test {
 protected:
  IngesterThreadsTest() {
    fs::create_directories(dir_ / "in");
    EXPECT_TRUE(registry_.Register(std::make_unique<RowsParser>()).ok());
    // Three files with duplicates inside each and across them (overlapping
    // export windows), rejects and warnings, several pipeline batches long.
    for (int f = 0; f < 3; ++f) {
      std::ofstream out(dir_ / "in" / ("part" + std::to_string(f) + ".txt"));
      out << "#rows\n";
      for (int i = 0; i < 3000; ++i) {
        const int id = f * 2000 + i;  // a third of each file repeats the last
        out << "id" << id << "," << 1700000000 + id << ",op" << id % 7 << "\n";
        if (i % 500 == 0) out << "not a row\n";
        if (i % 700 == 0) out << "warn\n";
        if (i % 300 == 0) out << "id" << id << "," << 1700000000 + id << ",op" << id % 7 << "\n";
      }
    }
  }
  Outcome Ingest(int threads) {
    Outcome out;
    const std::string store_dir = (dir_ / ("store" + std::to_string(threads))).string();
    auto store = CaseStore::Open(store_dir, StoreMode::kReadWrite);
    EXPECT_TRUE(store.ok()) << store.status();
    IngestOptions options;
    options.threads = threads;
    Ingester ingester(store->get(), &registry_, options, nullptr);
    absl::StatusOr<IngestSummary> summary = ingester.Ingest({(dir_ / "in").string()});
    EXPECT_TRUE(summary.ok()) << summary.status();
    if (summary.ok()) out.summary = *summary;
    auto evidence = (*store)->ListEvidence();
    EXPECT_TRUE(evidence.ok());
    if (evidence.ok()) out.evidence = *evidence;
    EXPECT_TRUE((*store)
                    ->ScanEvents(0, INT64_MAX,
                                 [&](const Event& e) {
                                   out.events.push_back(e.record_id + "@" +
                                                        std::to_string(e.provenance.evidence) +
                                                        ":" + std::to_string(e.provenance.line));
                                   return true;
                                 })
                    .ok());
    return out;
  }

  testing::TempDir tmp_;
  fs::path dir_ = tmp_.path();
  ParserRegistry registry_;
};

TEST_F(IngesterThreadsTest, PipelinedIngestEqualsSingleThreaded) {
  const Outcome one = Ingest(1);
  const Outcome many = Ingest(4);  // the store writer on its own thread
  EXPECT_EQ(Ingest(2).events, one.events);
  EXPECT_EQ(one.summary.records_parsed, 3u * (3000 + 10 + 6));  // rejects count as parsed
  EXPECT_EQ(one.summary.records_stored, 7000u);
  EXPECT_GT(one.summary.records_rejected, 0u);
  EXPECT_GT(one.summary.warnings, 0u);

  EXPECT_EQ(many.summary.records_parsed, one.summary.records_parsed);
  EXPECT_EQ(many.summary.records_stored, one.summary.records_stored);
  EXPECT_EQ(many.summary.records_duplicate, one.summary.records_duplicate);
  EXPECT_EQ(many.summary.records_rejected, one.summary.records_rejected);
  EXPECT_EQ(many.summary.warnings, one.summary.warnings);
  EXPECT_EQ(many.events, one.events);
  ASSERT_EQ(many.evidence.size(), one.evidence.size());
  for (size_t i = 0; i < one.evidence.size(); ++i) {
    const EvidenceRecord& a = one.evidence[i];
    const EvidenceRecord& b = many.evidence[i];
    EXPECT_EQ(b.display, a.display);
    EXPECT_EQ(b.status, a.status);
    EXPECT_EQ(b.records_parsed, a.records_parsed);
    EXPECT_EQ(b.records_stored, a.records_stored);
    EXPECT_EQ(b.records_duplicate, a.records_duplicate);
    EXPECT_EQ(b.records_rejected, a.records_rejected);
    EXPECT_EQ(b.first_event_ms, a.first_event_ms);
    EXPECT_EQ(b.last_event_ms, a.last_event_ms);
    EXPECT_EQ(b.warning_count, a.warning_count);
  }
}

}  // namespace
}  // namespace tern
