// The run lifecycle of the commands that change a case (run, ingest,
// analyze): open the case for writing with a run record and tern.log, ingest,
// analyze, and finish the run (outcome recorded, store committed,
// custody.json rewritten). The CLI calls these and maps their Status to exit
// codes; tests call them directly. Thread-compatible.
#ifndef TERN_CORE_CASE_CASE_RUN_H_
#define TERN_CORE_CASE_CASE_RUN_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/case/case_dir.h"
#include "core/case/run_log.h"
#include "core/detect/analyzer.h"
#include "core/ingest/ingester.h"
#include "core/ingest/parser.h"
#include "core/store/case_store.h"
#include "core/store/run_records.h"

namespace tern {

// What a writing run records about itself and the case.
struct CaseRunOptions {
  std::string case_id;       // "" = keep the recorded one
  std::string examiner;      // "" = keep the recorded one
  std::string command_line;  // as typed; into the run record and tern.log
  // Refuse (NotFound, creating nothing) when `dir` holds no case store yet.
  bool must_exist = false;
};

// How a run ended, as its run record says.
enum class RunOutcome { kOk, kWarnings, kFailed };

// A case open for writing: the store (holding its lock), the run record of
// this invocation and tern.log.
struct WritableCase {
  explicit WritableCase(CaseDir case_dir) : dir(std::move(case_dir)) {}

  CaseDir dir;
  std::unique_ptr<CaseStore> store;
  std::unique_ptr<RunLog> log;
  RunRecord run;
};

// Creates the case directory if missing, opens tern.log and the store
// read-write, records case metadata, marks killed runs "interrupted" and
// starts a run record ("running"). Errors: Unavailable (directory or log),
// the store's own (FailedPrecondition: locked or wrong schema).
absl::StatusOr<WritableCase> OpenForWriting(const CaseDir& dir, const CaseRunOptions& options);

// Records the run's `outcome` and end time, commits, rewrites custody.json.
// A failed write to tern.log during the run is returned here.
absl::Status FinishRun(WritableCase& c, RunOutcome outcome);

// Ingests `inputs` into the case as this run (options.run is set here),
// first rolling back items an interrupted run left incomplete. Progress and
// warnings go to `observer` (may be null); the totals go to tern.log.
absl::StatusOr<IngestSummary> IngestInputs(WritableCase& c, const ParserRegistry& registry,
                                           IngestOptions options,
                                           const std::vector<std::string>& inputs,
                                           IngestObserver* observer);

// Analyzes the stored events (sessions, baselines, detections -> stored
// findings). The analysis warnings go to `observer` (may be null), the
// totals to tern.log.
absl::StatusOr<AnalysisSummary> AnalyzeCase(WritableCase& c, const AnalyzeOptions& options,
                                            IngestObserver* observer);

// The console summaries of the two steps ("ingested  ...", "records   ...",
// "analysis  ..."), each line ending in '\n'.
std::string IngestSummaryText(const IngestSummary& s);
std::string AnalysisSummaryText(const AnalysisSummary& s);

}  // namespace tern

#endif  // TERN_CORE_CASE_CASE_RUN_H_
