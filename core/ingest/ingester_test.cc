#include "core/ingest/ingester.h"

#include <filesystem>
#include <fstream>
#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "core/evidence/hasher.h"
#include "core/ingest/custody.h"
#include "core/store/run_records.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace tern {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// A toy format for tests: first line "#lines", then "id,epoch_seconds,op"
// or "id,epoch_seconds,op,mailbox" per line (an empty id: a row without one,
// like Search-MailboxAuditLog's); other lines are rejected.
class LinesParser : public Parser {
 public:
  std::string_view name() const override { return "test-lines"; }
  std::string_view description() const override { return "test format"; }
  int Sniff(std::string_view head) const override { return head.rfind("#lines", 0) == 0 ? 50 : 0; }
  absl::Status Parse(ByteStream& text, ParseContext& ctx) const override {
    std::string all;
    absl::Status read = ReadUpTo(text, 1 << 20, &all);
    if (!read.ok()) return read;
    uint64_t line_no = 0;
    for (absl::string_view line : absl::StrSplit(all, '\n')) {
      ++line_no;
      if (line_no == 1 || line.empty()) continue;
      std::vector<std::string> f = absl::StrSplit(line, ',');
      int64_t seconds = 0;
      if ((f.size() != 3 && f.size() != 4) || !absl::SimpleAtoi(f[1], &seconds)) {
        ctx.Reject(line_no, "expected id,seconds,operation");
        continue;
      }
      Event e;
      e.record_id = f[0];
      e.time_ms = seconds * 1000;
      e.operation = f[2];
      if (f.size() == 4) e.mailbox_upn = f[3];
      e.provenance.line = line_no;
      absl::Status accepted =
          ctx.events->Accept(std::move(e), std::string_view(line.data(), line.size()));
      if (!accepted.ok()) return accepted;
    }
    return absl::OkStatus();
  }
};

class CollectingObserver : public IngestObserver {
 public:
  void OnItemStart(const std::string&) override {}
  void OnProgress(uint64_t, uint64_t) override {}
  void OnWarning(const Warning& w) override { warnings.push_back(w); }
  std::vector<Warning> warnings;
};

class IngesterTest : public ::testing::Test {
 protected:
  IngesterTest() {
    EXPECT_TRUE(registry_.Register(std::make_unique<LinesParser>()).ok());
    auto store = CaseStore::Open((dir_ / "store").string(), StoreMode::kReadWrite);
    EXPECT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  ~IngesterTest() override { store_.reset(); }
  std::string Write(const std::string& name, const std::string& content) {
    const fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  IngestSummary Ingest(const std::vector<std::string>& inputs, uint32_t run = 1) {
    IngestOptions options;
    options.run = run;
    Ingester ingester(store_.get(), &registry_, options, &observer_);
    EXPECT_TRUE(ingester.RecoverInterrupted().ok());
    absl::StatusOr<IngestSummary> s = ingester.Ingest(inputs);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : IngestSummary{};
  }
  std::vector<EvidenceRecord> Evidence() {
    auto records = store_->ListEvidence();
    EXPECT_TRUE(records.ok());
    return records.ok() ? *records : std::vector<EvidenceRecord>{};
  }

  testing::TempDir tmp_;
  fs::path dir_ = tmp_.path();
  ParserRegistry registry_;
  std::unique_ptr<CaseStore> store_;
  CollectingObserver observer_;
};

TEST(ParserRegistryTest, RejectsDuplicateNamesAndDetectsTheBestMatch) {
  ParserRegistry registry;
  ASSERT_TRUE(registry.Register(std::make_unique<LinesParser>()).ok());
  absl::Status again = registry.Register(std::make_unique<LinesParser>());
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(again.message()), HasSubstr("test-lines"));
  EXPECT_NE(registry.Detect("#lines\n"), nullptr);
  EXPECT_EQ(registry.Detect("something else"), nullptr);
  EXPECT_NE(registry.Find("TEST-LINES"), nullptr);
  EXPECT_EQ(registry.Find("nope"), nullptr);
}

TEST_F(IngesterTest, DeduplicatesWithinAndAcrossFilesAndRecordsCustody) {
  const std::string a = Write("a.txt", "#lines\nr1,100,Send\nr2,200,Send\nr1,100,Send\n");
  const std::string b = Write("b.txt", "#lines\nr2,200,Send\nr3,300,HardDelete\nbroken line\n");
  IngestSummary s = Ingest({a, b});
  EXPECT_EQ(s.items, 2u);
  EXPECT_EQ(s.records_parsed, 6u);
  EXPECT_EQ(s.records_stored, 3u);
  EXPECT_EQ(s.records_duplicate, 2u);
  EXPECT_EQ(s.records_rejected, 1u);
  EXPECT_EQ(*store_->CountEvents(), 3u);
  EXPECT_EQ(*store_->CountCopies(), 2u);

  std::vector<EvidenceRecord> ev = Evidence();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].status, "ingested");
  EXPECT_EQ(ev[0].format, "test-lines");
  EXPECT_EQ(ev[0].sha256, HashFile(a)->sha256);
  EXPECT_EQ(ev[0].size, fs::file_size(a));
  EXPECT_EQ(ev[0].records_parsed, 3u);
  EXPECT_EQ(ev[0].first_event_ms, 100000);
  EXPECT_EQ(ev[0].last_event_ms, 200000);
  EXPECT_EQ(ev[1].records_rejected, 1u);
  ASSERT_EQ(ev[1].warnings.size(), 1u);
  EXPECT_EQ(ev[1].warnings[0].kind, "rejected-record");
  EXPECT_EQ(ev[1].warnings[0].line, 4u);
  EXPECT_THAT(ev[1].warnings[0].source, HasSubstr("b.txt"));
}

TEST_F(IngesterTest, KnownBytesAreSkippedAndContributeNothing) {
  const std::string a = Write("a.txt", "#lines\nr1,100,Send\n");
  const std::string copy = Write("sub/copy.txt", "#lines\nr1,100,Send\n");
  Ingest({a});
  IngestSummary s = Ingest({copy});
  EXPECT_EQ(s.items_skipped, 1u);
  EXPECT_EQ(s.records_parsed, 0u);
  EXPECT_EQ(*store_->CountCopies(), 0u);
  std::vector<EvidenceRecord> ev = Evidence();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].status, "skipped-known-sha256");
  EXPECT_EQ(ev[1].same_as, ev[0].ordinal);
}

TEST_F(IngesterTest, IdenticalFilesInOneWalkAreSkippedToo) {
  Write("dir/x.txt", "#lines\nr1,100,Send\n");
  Write("dir/y.txt", "#lines\nr1,100,Send\n");
  IngestSummary s = Ingest({(dir_ / "dir").string()});
  EXPECT_EQ(s.items, 2u);
  EXPECT_EQ(s.items_skipped, 1u);
  EXPECT_EQ(s.records_duplicate, 0u);
}

TEST_F(IngesterTest, InterruptedItemsAreRolledBack) {
  // Simulate a crash: an item left "in-progress" with an event stored.
  EvidenceRecord record;
  record.ordinal = *store_->AllocateEvidenceOrdinal();
  record.status = "in-progress";
  ASSERT_TRUE(store_->PutEvidence(record).ok());
  Event e;
  e.record_id = "ghost";
  e.time_ms = 5;
  e.provenance.evidence = record.ordinal;
  ASSERT_TRUE(store_->AddEvent(e, "raw").ok());
  ASSERT_TRUE(store_->Commit().ok());

  const std::string a = Write("a.txt", "#lines\nghost,5,Send\n");
  IngestSummary s = Ingest({a});
  EXPECT_EQ(s.rolled_back, 1u);
  EXPECT_EQ(s.records_stored, 1u);
  EXPECT_EQ(*store_->CountEvents(), 1u);
  std::vector<EvidenceRecord> ev = Evidence();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].status, "interrupted");
  auto stored = store_->GetEvent("ghost");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->provenance.evidence, ev[1].ordinal);
}

TEST_F(IngesterTest, UnrecognizedAndMissingInputsAreReportedNotFatal) {
  const std::string junk = Write("junk.bin", "\x01\x02 not a known format");
  const std::string good = Write("good.txt", "#lines\nr1,100,Send\n");
  IngestSummary s = Ingest({(dir_ / "missing.txt").string(), junk, good});
  EXPECT_EQ(s.records_stored, 1u);
  EXPECT_EQ(s.failed_inputs.size(), 1u);
  EXPECT_EQ(s.items_failed, 2u);
  std::vector<EvidenceRecord> ev = Evidence();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].status, "unrecognized-format");
  EXPECT_EQ(ev[0].sha256, HashFile(junk)->sha256);
}

TEST_F(IngesterTest, WarnsWhenAnExportStopsAtAToolCap) {
  std::string content = "#lines\n";
  for (int i = 0; i < 5000; ++i) content += "id" + std::to_string(i) + ",1,Send\n";
  const std::string capped = Write("capped.txt", content);
  Ingest({capped});
  std::vector<EvidenceRecord> ev = Evidence();
  ASSERT_EQ(ev.size(), 1u);
  ASSERT_EQ(ev[0].warnings.size(), 1u);
  EXPECT_EQ(ev[0].warnings[0].kind, "export-cap-reached");
}

TEST_F(IngesterTest, CustodyJsonListsRunsAndEvidence) {
  const std::string a = Write("a.txt", "#lines\nr1,100,Send\n");
  absl::StatusOr<uint32_t> run = BeginRun(*store_);
  ASSERT_TRUE(run.ok());
  RunRecord record;
  record.number = *run;
  record.command_line = "tern ingest a.txt";
  ASSERT_TRUE(PutRun(*store_, record).ok());
  Ingest({a});
  const std::string path = (dir_ / "custody.json").string();
  ASSERT_TRUE(WriteCustodyJson(*store_, path).ok());
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(text, HasSubstr("\"schema\": \"tern.custody/1\""));
  EXPECT_THAT(text, HasSubstr("\"command_line\": \"tern ingest a.txt\""));
  EXPECT_THAT(text, HasSubstr(HashFile(a)->sha256));
}

// Mailbox audit rows (no id) matched by UAL records ingested later: their
// item's custody counts follow, in the same run or a later one.
TEST_F(IngesterTest, RowsTakenOverByALaterUalRecordAreRecounted) {
  const std::string mal = Write("mal.txt", "#lines\n,100,HardDelete,bob\n,200,Update,bob\n");
  const std::string ual = Write("ual.txt", "#lines\nu1,100,HardDelete,Bob\n");
  EXPECT_EQ(Ingest({mal}, /*run=*/1).records_stored, 2u);
  // This run's totals count this run's records; the earlier item's record
  // is recounted.
  IngestSummary second = Ingest({ual}, /*run=*/2);
  EXPECT_EQ(second.records_stored, 1u);
  EXPECT_EQ(second.records_duplicate, 0u);
  EXPECT_EQ(*store_->CountEvents(), 2u);
  EXPECT_EQ(*store_->CountCopies(), 1u);
  std::vector<EvidenceRecord> ev = Evidence();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].records_stored, 1u);
  EXPECT_EQ(ev[0].records_duplicate, 1u);
  EXPECT_EQ(ev[1].records_stored, 1u);
}

TEST_F(IngesterTest, RowsTakenOverInTheSameRunAreRecounted) {
  const std::string mal = Write("mal.txt", "#lines\n,100,HardDelete,bob\n,200,Update,bob\n");
  const std::string ual = Write("ual.txt", "#lines\nu1,100,HardDelete,bob\n");
  IngestSummary s = Ingest({mal, ual});
  EXPECT_EQ(s.records_parsed, 3u);
  EXPECT_EQ(s.records_stored, 2u);
  EXPECT_EQ(s.records_duplicate, 1u);
  std::vector<EvidenceRecord> ev = Evidence();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].records_stored, 1u);
  EXPECT_EQ(ev[0].records_duplicate, 1u);
}

// A UAL record that took rows over, left "in-progress" by a crash: recovery
// gives the rows back, and their item's counts come from the store whether
// or not the crash lost the earlier update of its record.
TEST_F(IngesterTest, RecoveryGivesTakenOverRowsBack) {
  for (bool record_updated : {false, true}) {
    SCOPED_TRACE(record_updated);
    store_.reset();
    fs::remove_all(dir_ / "store");
    store_ = *CaseStore::Open((dir_ / "store").string(), StoreMode::kReadWrite);
    const std::string mal = Write("mal.txt", "#lines\n,100,HardDelete,bob\n,200,Update,bob\n");
    Ingest({mal}, /*run=*/1);
    EvidenceRecord crashed;
    crashed.ordinal = *store_->AllocateEvidenceOrdinal();
    crashed.status = "in-progress";
    ASSERT_TRUE(store_->PutEvidence(crashed).ok());
    Event e;
    e.record_id = "u1";
    e.time_ms = 100000;
    e.operation = "HardDelete";
    e.mailbox_upn = "bob";
    e.provenance.evidence = crashed.ordinal;
    ASSERT_TRUE(store_->AddEvent(e, "raw").ok());
    EXPECT_EQ(*store_->CountCopies(), 1u);
    if (record_updated) {
      EvidenceRecord m = Evidence()[0];
      m.records_stored = 1;
      m.records_duplicate = 1;
      ASSERT_TRUE(store_->PutEvidence(m).ok());
    }
    ASSERT_TRUE(store_->Commit().ok());

    IngestSummary s = Ingest({}, /*run=*/3);
    EXPECT_EQ(s.rolled_back, 1u);
    EXPECT_EQ(*store_->CountEvents(), 2u);
    EXPECT_EQ(*store_->CountCopies(), 0u);
    std::vector<EvidenceRecord> ev = Evidence();
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(ev[0].records_stored, 2u);
    EXPECT_EQ(ev[0].records_duplicate, 0u);
    EXPECT_EQ(ev[1].status, "interrupted");
  }
}

TEST(SyntheticRecordIdTest, StableForTheSameActionAndDistinctOtherwise) {
  Event a;
  a.time_ms = 1700000000123;
  a.operation = "HardDelete";
  a.mailbox_guid = "m";
  a.client_ip = "1.2.3.4";
  Event b = a;
  b.time_ms = 1700000000999;  // same second
  EXPECT_EQ(SyntheticRecordId(a), SyntheticRecordId(b));
  EXPECT_EQ(SyntheticRecordId(a).rfind("c:", 0), 0u);
  EXPECT_EQ(SyntheticRecordId(a).size(), 34u);
  Event c = a;
  c.items.push_back(MailItem{"subject", "\\Inbox", "", "", -1});
  EXPECT_NE(SyntheticRecordId(a), SyntheticRecordId(c));
}

}  // namespace
}  // namespace tern
