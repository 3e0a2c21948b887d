#include "core/ingest/ingester.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "core/base/status_macros.h"
#include "core/base/threads.h"
#include "core/evidence/hasher.h"
#include "core/evidence/text_decoder.h"
#include "core/ingest/event_pipeline.h"

namespace tern {
namespace {

// Row counts at which a portal or cmdlet export stops silently (FORMATS.md §0).
constexpr uint64_t kExportCaps[] = {5000, 10000, 50000, 500000};

// Finished items wait here until a Commit() has made their events durable;
// only then is their custody record marked "ingested", so a crash can never
// leave a record that claims events the store lost.
constexpr uint64_t kCommitEveryBytes = 512ull << 20;

// The store writer gets a thread of its own from this many threads on. Below
// it, RocksDB's flush and compaction threads already keep a second core busy
// during ingest, and handing events to another thread only adds work: on the
// 2-core bench machine --threads 2 ingested 100k records 13% slower, with 12%
// more CPU, than --threads 1 (docs/BENCHMARKS.md, Change 6).
constexpr int kStoreWriterMinThreads = 3;

std::string NowRfc3339() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
  return FormatRfc3339(ms.count());
}

// Rolled-back items hold no rows any more; their counts stay zero.
bool HoldsRows(const EvidenceRecord& record) {
  return record.status != "interrupted" && record.status != "skipped-known-sha256";
}

// Adds `delta` to the stored count of `record` (and takes it from its
// duplicates): the store reclassified rows of an item after the fact (see
// CaseStore::TakeStoredCountChanges). This run's totals follow when the item
// belongs to this run.
void ApplyCountChange(int64_t delta, uint32_t run, EvidenceRecord* record, IngestSummary* summary) {
  if (!HoldsRows(*record)) return;
  record->records_stored += static_cast<uint64_t>(delta);
  record->records_duplicate -= static_cast<uint64_t>(delta);
  if (record->run == run) {
    summary->records_stored += static_cast<uint64_t>(delta);
    summary->records_duplicate -= static_cast<uint64_t>(delta);
  }
}

// Sets the stored and duplicate counts of the records in `ordinals`, which
// are already in the store, to what the store holds, and empties the set.
// Counting from the store (rather than adding up changes) keeps custody
// right even when a crash lost an earlier update of a record.
absl::Status RecountStoredRecords(CaseStore* store, uint32_t run, std::set<uint32_t>* ordinals,
                                  IngestSummary* summary) {
  if (ordinals->empty()) return absl::OkStatus();
  TERN_ASSIGN_OR_RETURN(std::vector<EvidenceRecord> records, store->ListEvidence());
  for (EvidenceRecord& record : records) {
    if (ordinals->count(record.ordinal) == 0 || !HoldsRows(record)) continue;
    TERN_ASSIGN_OR_RETURN(CaseStore::ItemCounts counts, store->CountItemRecords(record.ordinal));
    if (counts.stored == record.records_stored && counts.duplicate == record.records_duplicate) {
      continue;
    }
    if (record.run == run) {
      summary->records_stored += counts.stored - record.records_stored;
      summary->records_duplicate += counts.duplicate - record.records_duplicate;
    }
    record.records_stored = counts.stored;
    record.records_duplicate = counts.duplicate;
    TERN_RETURN_IF_ERROR(store->PutEvidence(record));
  }
  ordinals->clear();
  return absl::OkStatus();
}

// Counts bytes as they are read, for progress reporting.
class CountingStream : public ByteStream {
 public:
  CountingStream(ByteStream* inner, std::atomic<uint64_t>* counter)
      : inner_(inner), counter_(counter) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    absl::StatusOr<size_t> got = inner_->Read(buf, n);
    if (got.ok()) counter_->fetch_add(*got, std::memory_order_relaxed);
    return got;
  }

 private:
  ByteStream* inner_;
  std::atomic<uint64_t>* counter_;
};

class IngestVisitor : public EvidenceVisitor, public EventSink, public WarningSink {
 public:
  IngestVisitor(CaseStore* store, const ParserRegistry* registry, const IngestOptions& options,
                IngestObserver* observer, IngestSummary* summary, std::string given_path)
      : store_(store),
        registry_(registry),
        options_(options),
        observer_(observer),
        summary_(summary),
        given_path_(std::move(given_path)) {}

  absl::Status status() const { return store_status_; }

  void OnNodeBegin(const EvidenceNode& node) override {
    if (!store_status_.ok()) return;
    absl::StatusOr<uint32_t> ordinal = store_->AllocateEvidenceOrdinal();
    if (!ordinal.ok()) {
      store_status_ = ordinal.status();
      return;
    }
    EvidenceRecord record;
    record.ordinal = *ordinal;
    if (node.parent >= 0) record.parent = ordinals_[node.parent];
    record.given_path = node.given_path;
    record.absolute_path = node.absolute_path;
    record.member_path = node.member_path;
    record.display = node.display;
    record.is_container = node.is_container;
    record.container_format = node.container_format;
    record.mtime_ms = node.mtime_ms;
    record.ingested_at = NowRfc3339();
    record.run = options_.run;
    record.status = "in-progress";
    // No fsync per item: what could need rolling back after a crash is
    // written after this record and cannot survive without it.
    store_status_ = store_->PutEvidenceUntilCommit(record);
    ordinals_[node.id] = record.ordinal;
    records_[node.id] = std::move(record);
    if (observer_ != nullptr && !node.is_container) observer_->OnItemStart(node.display);
  }

  absl::Status OnLeaf(const EvidenceNode& node, ByteStream& content) override {
    TERN_RETURN_IF_ERROR(store_status_);
    EvidenceRecord& record = records_[node.id];
    current_ = &record;
    CountingStream counted(&content, &leaf_bytes_);
    TextDecoder text(&counted, this, node.display);
    std::string head;
    TERN_RETURN_IF_ERROR(ReadUpTo(text, kSniffBytes, &head));
    const Parser* parser = registry_->Detect(head);
    if (parser == nullptr) {
      record.status = head.empty() ? "empty" : "unrecognized-format";
      if (!head.empty()) {
        Report(Warning{"unrecognized-format", node.display, 0,
                       "no parser recognizes this content; the item is hashed and listed "
                       "in custody but contributes no events"});
      } else {
        // An export that came out empty is worth a line in the log: it
        // usually means a search that matched nothing or failed.
        Report(Warning{"empty-file", node.display, 0, "the item is empty (no text to parse)"});
      }
      return absl::OkStatus();
    }
    record.format = std::string(parser->name());
    ParseContext ctx;
    ctx.source = node.display;
    ctx.evidence_ordinal = record.ordinal;
    ctx.max_record_bytes = options_.max_record_bytes;
    ctx.events = this;
    ctx.warnings = this;
    ReplayStream replay(std::move(head), &text);
    if (Threads() >= kStoreWriterMinThreads) {
      // Events are stored on a second thread, in parse order, while the
      // parser goes on; everything is stored before this item ends.
      pipeline_ = std::make_unique<EventPipeline>(
          [this](Event& event, std::string_view raw) { return Store(event, raw); });
    }
    absl::Status parsed = parser->Parse(replay, ctx);
    if (pipeline_ != nullptr) {
      absl::Status stored = pipeline_->Finish();
      pipeline_.reset();
      if (parsed.ok()) parsed = stored;
    }
    ReportConflicts(node.display);
    record.records_rejected += ctx.rejected;
    record.records_parsed += ctx.rejected;
    summary_->records_rejected += ctx.rejected;
    summary_->records_parsed += ctx.rejected;
    current_ = nullptr;
    TERN_RETURN_IF_ERROR(store_status_);
    return parsed;
  }

  void OnNodeEnd(const EvidenceNode& node, const Digests& digests,
                 const absl::Status& status) override {
    auto it = records_.find(node.id);
    if (it == records_.end() || !store_status_.ok()) return;
    EvidenceRecord record = std::move(it->second);
    records_.erase(it);
    record.sha256 = digests.sha256;
    record.sha1 = digests.sha1;
    record.md5 = digests.md5;
    record.size = digests.size;
    if (node.parent < 0) summary_->bytes += digests.size;
    if (!status.ok()) {
      Report(Warning{"read-error", node.display, 0, std::string(status.message())}, &record);
    }
    if (node.is_container) {
      ++summary_->containers;
      record.status = status.ok() ? "ingested" : "incomplete-read";
      Finish(std::move(record));
      return;
    }
    ++summary_->items;
    if (record.status == "in-progress") {
      if (SkipIfKnown(record)) return;
      record.status = status.ok() ? "ingested" : "incomplete-read";
      for (uint64_t cap : kExportCaps) {
        if (record.records_parsed == cap) {
          Report(Warning{"export-cap-reached", node.display, 0,
                         absl::StrCat("exactly ", cap,
                                      " records: the export probably hit a tool limit and "
                                      "is incomplete; re-export in smaller time windows")},
                 &record);
        }
      }
    } else {
      ++summary_->items_failed;
    }
    Finish(std::move(record));
  }

  // EventSink.
  absl::Status Accept(Event event, std::string_view raw) override {
    if (pipeline_ != nullptr) return pipeline_->Push(std::move(event), raw);
    return Store(event, raw);
  }

  // Adds one parsed event of the current item to the store and counts it.
  // Runs on the pipeline's thread when there is one: it touches only the
  // record counts and the store, never what the parsing thread updates.
  absl::Status Store(Event& event, std::string_view raw) {
    TERN_RETURN_IF_ERROR(store_status_);
    EvidenceRecord& record = *current_;
    event.provenance.evidence = record.ordinal;
    if (event.record_id.empty()) {
      event.record_id = SyntheticRecordId(event);
      event.flags |= kFlagSyntheticId;
    }
    CaseStore::IdConflict conflict;
    absl::StatusOr<CaseStore::AddOutcome> outcome = store_->AddEvent(event, raw, &conflict);
    if (!outcome.ok()) {
      store_status_ = outcome.status();
      return store_status_;
    }
    TakeCountChanges();
    ++record.records_parsed;
    ++summary_->records_parsed;
    if (*outcome == CaseStore::AddOutcome::kConflict) {
      conflicts_.push_back({event.record_id, event.provenance.line, std::move(conflict)});
    }
    if (*outcome != CaseStore::AddOutcome::kDuplicate) {
      ++record.records_stored;
      ++summary_->records_stored;
    } else {
      ++record.records_duplicate;
      ++summary_->records_duplicate;
    }
    if ((event.flags & kFlagNoTime) == 0) {
      if (record.first_event_ms == kNoTime || event.time_ms < record.first_event_ms) {
        record.first_event_ms = event.time_ms;
      }
      if (record.last_event_ms == kNoTime || event.time_ms > record.last_event_ms) {
        record.last_event_ms = event.time_ms;
      }
    }
    if (observer_ != nullptr && (summary_->records_parsed & 0x3ff) == 0) {
      absl::MutexLock lock(&observer_mu_);
      // Read by the parsing thread's counter; a progress line may lag.
      observer_->OnProgress(summary_->bytes + leaf_bytes_.load(std::memory_order_relaxed),
                            summary_->records_parsed);
    }
    return absl::OkStatus();
  }

  // WarningSink. Warnings raised while an item is parsed belong to it; the
  // walker's own (a nested archive beyond the depth limit, a skipped link or
  // encrypted member) to the open node they name, so that they reach
  // custody.json and findings.json too.
  void Report(Warning warning) override {
    EvidenceRecord* record = current_;
    if (record == nullptr) record = OpenRecordNamed(warning.source);
    Report(std::move(warning), record);
  }

  absl::Status CommitFinished() {
    TERN_RETURN_IF_ERROR(store_status_);
    TERN_RETURN_IF_ERROR(store_->Commit());
    // Earlier items whose rows changed status first, while the items that
    // changed them are still "in-progress": a crash in between rolls those
    // back and recounts again.
    TERN_RETURN_IF_ERROR(RecountStoredRecords(store_, options_.run, &recount_, summary_));
    // One write for all of them: a folder of small files, or an archive of
    // many members, must not pay an fsync per item.
    TERN_RETURN_IF_ERROR(store_->PutEvidence(finished_));
    finished_.clear();
    bytes_since_commit_ = 0;
    return store_->Commit();
  }

 private:
  void Report(Warning warning, EvidenceRecord* record) {
    ++summary_->warnings;
    if (record != nullptr) {
      ++record->warning_count;
      if (record->warnings.size() < EvidenceRecord::kMaxStoredWarnings) {
        record->warnings.push_back(warning);
      }
    }
    if (observer_ != nullptr) {
      absl::MutexLock lock(&observer_mu_);
      observer_->OnWarning(warning);
    }
  }

  // Raises an id-conflict warning for each record of the item that reused
  // the Id of a different record (collected by Store(), which may run on
  // the pipeline's thread; the item's records are all stored by now).
  void ReportConflicts(const std::string& display) {
    for (const PendingConflict& c : conflicts_) {
      Report(Warning{"id-conflict", display, c.line,
                     absl::StrCat("record Id ", c.id, " is also the Id of a record with ",
                                  "different content at ", DisplayOf(c.conflict.first.evidence),
                                  " line ", c.conflict.first.line, "; both are kept, this one as ",
                                  c.conflict.stored_as)});
    }
    conflicts_.clear();
  }

  // The display name of evidence `ordinal`: an item of this walk, or one
  // already in the case.
  std::string DisplayOf(uint32_t ordinal) {
    for (const auto& [id, record] : records_) {
      if (record.ordinal == ordinal) return record.display;
    }
    for (const EvidenceRecord& record : finished_) {
      if (record.ordinal == ordinal) return record.display;
    }
    if (!known_loaded_) {
      known_loaded_ = true;
      absl::StatusOr<std::vector<EvidenceRecord>> known = store_->ListEvidence();
      if (known.ok()) {
        for (EvidenceRecord& r : *known) known_displays_[r.ordinal] = std::move(r.display);
      }
    }
    auto it = known_displays_.find(ordinal);
    return it != known_displays_.end() ? it->second : absl::StrCat("evidence #", ordinal);
  }

  int Threads() const { return ResolveThreads(options_.threads); }

  // The open record whose node `source` names ("a.zip" or "a.zip!member"),
  // the innermost one; nullptr if none.
  EvidenceRecord* OpenRecordNamed(const std::string& source) {
    EvidenceRecord* best = nullptr;
    for (auto& [id, record] : records_) {
      const std::string& d = record.display;
      const bool names =
          source == d || (source.size() > d.size() && source.compare(0, d.size(), d) == 0 &&
                          source[d.size()] == '!');
      if (names && (best == nullptr || d.size() > best->display.size())) best = &record;
    }
    return best;
  }

  // Applies the store's reclassifications of earlier rows: at once to the
  // records still in memory; those already in the store are recounted at
  // the next commit.
  void TakeCountChanges() {
    for (const auto& [ordinal, delta] : store_->TakeStoredCountChanges()) {
      EvidenceRecord* record = nullptr;
      for (auto& [id, open] : records_) {
        if (open.ordinal == ordinal) record = &open;
      }
      for (EvidenceRecord& done : finished_) {
        if (done.ordinal == ordinal) record = &done;
      }
      if (record != nullptr) {
        ApplyCountChange(delta, options_.run, record, summary_);
      } else {
        recount_.insert(ordinal);
      }
    }
  }

  // An item whose bytes are already in the case contributes nothing: its
  // duplicate copies are rolled back and it is recorded as skipped.
  bool SkipIfKnown(EvidenceRecord& record) {
    absl::StatusOr<uint32_t> known = store_->FindIngestedBySha256(record.sha256);
    if (!known.ok()) {
      store_status_ = known.status();
      return false;
    }
    uint32_t same_as = *known;
    if (same_as == 0) {
      auto seen = shas_this_walk_.find(record.sha256);
      if (seen != shas_this_walk_.end()) same_as = seen->second;
    }
    if (same_as == 0 || record.records_stored > 0) {
      shas_this_walk_.emplace(record.sha256, record.ordinal);
      return false;
    }
    store_status_ = store_->RollbackEvidence(record.ordinal);
    TakeCountChanges();
    summary_->records_duplicate -= std::min(summary_->records_duplicate, record.records_duplicate);
    summary_->records_parsed -= std::min(summary_->records_parsed, record.records_parsed);
    summary_->records_rejected -= std::min(summary_->records_rejected, record.records_rejected);
    record.records_parsed = record.records_stored = record.records_duplicate = 0;
    record.records_rejected = 0;
    record.status = "skipped-known-sha256";
    record.same_as = same_as;
    ++summary_->items_skipped;
    Finish(std::move(record));
    return true;
  }

  void Finish(EvidenceRecord record) {
    bytes_since_commit_ += record.size;
    finished_.push_back(std::move(record));
    if (bytes_since_commit_ >= kCommitEveryBytes) store_status_ = CommitFinished();
  }

  CaseStore* store_;
  const ParserRegistry* registry_;
  const IngestOptions& options_;
  IngestObserver* observer_;
  IngestSummary* summary_;
  std::string given_path_;
  absl::Status store_status_;
  std::unordered_map<int, uint32_t> ordinals_;
  std::unordered_map<int, EvidenceRecord> records_;
  std::unordered_map<std::string, uint32_t> shas_this_walk_;
  std::vector<EvidenceRecord> finished_;
  std::set<uint32_t> recount_;  // records in the store whose rows changed status
  EvidenceRecord* current_ = nullptr;
  // Bytes of leaves read so far; written by the parsing thread, read for
  // progress by the store thread.
  std::atomic<uint64_t> leaf_bytes_{0};
  // Set while an item's events are stored on a second thread.
  std::unique_ptr<EventPipeline> pipeline_;
  // The observer is not thread-safe; warnings and progress may come from
  // the parsing and the storing thread.
  absl::Mutex observer_mu_;
  uint64_t bytes_since_commit_ = 0;
  // Records of the current item that reused another record's Id.
  struct PendingConflict {
    std::string id;
    uint64_t line = 0;
    CaseStore::IdConflict conflict;
  };
  std::vector<PendingConflict> conflicts_;
  // Display names of the evidence in the case before this walk, loaded on
  // the first conflict that names one.
  bool known_loaded_ = false;
  std::unordered_map<uint32_t, std::string> known_displays_;
};

void AppendField(std::string_view value, std::string* out) {
  out->append(value);
  out->push_back('\x1f');
}

}  // namespace

std::string SyntheticRecordId(const Event& event) {
  std::string canonical;
  AppendField(absl::StrCat(event.time_ms / 1000), &canonical);
  AppendField(event.operation, &canonical);
  AppendField(event.mailbox_guid.empty() ? event.mailbox_upn : event.mailbox_guid, &canonical);
  AppendField(event.actor_upn, &canonical);
  AppendField(event.actor_sid, &canonical);
  AppendField(event.client_ip, &canonical);
  AppendField(absl::StrCat(event.logon_type), &canonical);
  AppendField(event.result_status, &canonical);
  for (const MailItem& item : event.items) {
    AppendField(item.item_id, &canonical);
    AppendField(item.subject, &canonical);
    AppendField(item.folder, &canonical);
  }
  for (const std::string& folder : event.folders) AppendField(folder, &canonical);
  for (const NameValue& nv : event.operation_properties) {
    AppendField(nv.name, &canonical);
    AppendField(nv.value, &canonical);
  }
  for (const NameValue& nv : event.parameters) {
    AppendField(nv.name, &canonical);
    AppendField(nv.value, &canonical);
  }
  return absl::StrCat("c:", Sha256Hex(canonical).substr(0, 32));
}

Ingester::Ingester(CaseStore* store, const ParserRegistry* registry, IngestOptions options,
                   IngestObserver* observer)
    : store_(store), registry_(registry), options_(std::move(options)), observer_(observer) {}

absl::Status Ingester::RecoverInterrupted() {
  TERN_ASSIGN_OR_RETURN(std::vector<EvidenceRecord> records, store_->ListEvidence());
  bool changed = false;
  std::set<uint32_t> recount;
  for (EvidenceRecord& record : records) {
    if (record.status != "in-progress") continue;
    TERN_RETURN_IF_ERROR(store_->RollbackEvidence(record.ordinal));
    record.status = "interrupted";
    record.records_parsed = record.records_stored = 0;
    record.records_duplicate = record.records_rejected = 0;
    TERN_RETURN_IF_ERROR(store_->PutEvidence(record));
    ++summary_.rolled_back;
    changed = true;
    // Rows the interrupted item had taken over stand alone again.
    for (const auto& [ordinal, delta] : store_->TakeStoredCountChanges()) recount.insert(ordinal);
  }
  TERN_RETURN_IF_ERROR(RecountStoredRecords(store_, options_.run, &recount, &summary_));
  if (changed) TERN_RETURN_IF_ERROR(store_->Commit());
  return absl::OkStatus();
}

absl::StatusOr<IngestSummary> Ingester::Ingest(const std::vector<std::string>& inputs) {
  for (const std::string& input : inputs) {
    IngestVisitor visitor(store_, registry_, options_, observer_, &summary_, input);
    absl::Status walked = WalkEvidence(input, options_.limits, visitor, visitor);
    TERN_RETURN_IF_ERROR(visitor.status());
    TERN_RETURN_IF_ERROR(visitor.CommitFinished());
    if (!walked.ok()) {
      ++summary_.items_failed;
      ++summary_.warnings;
      summary_.failed_inputs.push_back(
          Warning{"unreadable-input", input, 0, std::string(walked.message())});
      if (observer_ != nullptr) observer_->OnWarning(summary_.failed_inputs.back());
    }
  }
  return summary_;
}

}  // namespace tern
