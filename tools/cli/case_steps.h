// The steps the case commands share: open a case for writing with a run
// record and tern.log, ingest, analyze, report, finish the run, and their
// console summaries. Used by run, ingest, analyze and report.
// Thread-compatible.
#ifndef TERN_TOOLS_CLI_CASE_STEPS_H_
#define TERN_TOOLS_CLI_CASE_STEPS_H_

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/detect/analyzer.h"
#include "core/ingest/custody.h"
#include "core/ingest/ingester.h"
#include "core/store/case_store.h"
#include "core/store/run_records.h"
#include "tools/cli/command.h"
#include "tools/cli/console.h"
#include "tools/cli/options.h"

namespace tern::cli {

// The version string of this build.
const char* ToolVersion();

// What the writing commands record about the case and how they ingest.
struct CaseOptions {
  std::string case_dir;
  std::string case_id;   // "" = keep the recorded one
  std::string examiner;  // "" = keep the recorded one
  int threads = 0;       // 0 = all cores
  bool quiet = false;
  bool strict = false;
  EvidenceLimits limits;
};

// CASE/store.
std::string StoreDir(const std::string& case_dir);

// Logs `status` to `log` (if any), prints it and returns kExitFatal.
int Fatal(const CommandContext& context, const absl::Status& status, RunLog* log = nullptr);

// An open case for writing: the store, its run record and its log.
struct WritableCase {
  std::unique_ptr<CaseStore> store;
  std::unique_ptr<RunLog> log;
  RunRecord run;
};

// Creates the case directory if missing, opens the store read-write, records
// case metadata, marks killed runs "interrupted" and starts a run record.
absl::StatusOr<WritableCase> OpenForWriting(const CaseOptions& options,
                                            const std::string& command_line);
// Records the run's outcome from `exit_code`, commits, rewrites custody.json.
absl::Status FinishRun(WritableCase& c, const CaseOptions& options, int exit_code);

absl::StatusOr<IngestSummary> DoIngest(WritableCase& c, const CaseOptions& options,
                                       const std::vector<std::string>& inputs, std::FILE* err);
void PrintIngestSummary(std::FILE* out, const IngestSummary& s);
int IngestExitCode(const IngestSummary& s, bool strict);

absl::StatusOr<AnalysisSummary> DoAnalyze(WritableCase& c, const CaseOptions& options,
                                          const AnalyzeOptions& analyze, std::FILE* err);
void PrintAnalysisSummary(std::FILE* out, const AnalysisSummary& s);

// Writes findings.json, report.html (and the timeline if asked) to
// report.out_dir, or `case_dir` when that is empty.
absl::Status DoReport(CaseStore& store, const std::string& case_dir, const ReportArgs& report,
                      RunLog* log, std::FILE* out);

// Prints "custody   /abs/CASE/custody.json".
void PrintCustodyPath(std::FILE* out, const std::string& case_dir);

}  // namespace tern::cli

#endif  // TERN_TOOLS_CLI_CASE_STEPS_H_
