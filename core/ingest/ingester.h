// Ingester: evidence walker → text decoding → format detection → parser →
// de-duplicating store writes, with a chain-of-custody record for every file
// and archive member.
//
// Re-running on the same case is idempotent: an item whose SHA-256 is already
// ingested is recorded as skipped and contributes nothing. Items interrupted
// by a crash are rolled back when the next ingest opens the case.
// Thread-compatible: one Ingester per case store at a time.
#ifndef TERN_CORE_INGEST_INGESTER_H_
#define TERN_CORE_INGEST_INGESTER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/evidence/walker.h"
#include "core/ingest/parser.h"
#include "core/model/warning.h"
#include "core/store/case_store.h"

namespace tern {

// Receives progress and warnings as the ingest goes (the CLI prints them).
class IngestObserver {
 public:
  virtual ~IngestObserver() = default;
  virtual void OnItemStart(const std::string& display) = 0;
  // Totals so far for the whole ingest.
  virtual void OnProgress(uint64_t bytes_read, uint64_t records) = 0;
  virtual void OnWarning(const Warning& warning) = 0;
};

struct IngestOptions {
  WalkLimits limits;
  // Run number (1-based) recorded in each evidence record.
  uint32_t run = 1;
  // Largest record a parser accepts (ParseContext::max_record_bytes).
  // Default: 0, each format's own cap.
  uint64_t max_record_bytes = 0;
  // 0: one per core. Below 3: parse and store on the calling thread (RocksDB's
  // background threads take the second core). 3 or more: store on a thread
  // of its own while the next records are parsed. The store's contents and
  // every count are the same either way. Default: 1.
  int threads = 1;
};

struct IngestSummary {
  uint64_t items = 0;          // leaf items read (files and archive members)
  uint64_t containers = 0;     // archives opened
  uint64_t items_skipped = 0;  // already in the case (same SHA-256)
  uint64_t items_failed = 0;   // unreadable or unrecognized
  uint64_t bytes = 0;          // bytes of top-level inputs read
  uint64_t records_parsed = 0;
  uint64_t records_stored = 0;
  uint64_t records_duplicate = 0;
  uint64_t records_rejected = 0;
  uint64_t warnings = 0;
  uint64_t rolled_back = 0;            // interrupted items from an earlier run, undone
  std::vector<Warning> failed_inputs;  // inputs that do not exist or cannot be opened
};

class Ingester {
 public:
  // `store`, `registry` and `observer` (may be null) must outlive the Ingester.
  Ingester(CaseStore* store, const ParserRegistry* registry, IngestOptions options,
           IngestObserver* observer);

  // Rolls back items an earlier, interrupted ingest left "in-progress".
  absl::Status RecoverInterrupted();

  // Ingests each input (file or folder) in turn. Per-item problems become
  // warnings, and a missing input is listed in failed_inputs while the
  // others still go in; returns an error only when the store fails.
  absl::StatusOr<IngestSummary> Ingest(const std::vector<std::string>& inputs);

 private:
  CaseStore* store_;
  const ParserRegistry* registry_;
  IngestOptions options_;
  IngestObserver* observer_;
  IngestSummary summary_;
};

// The content id for records that carry no Id (Search-MailboxAuditLog rows):
// "c:" + 32 hex digits of SHA-256 over the normalized fields that identify
// an audited action, so the same row from two exports de-duplicates.
std::string SyntheticRecordId(const Event& event);

}  // namespace tern

#endif  // TERN_CORE_INGEST_INGESTER_H_
