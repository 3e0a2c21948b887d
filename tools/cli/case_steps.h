// The CLI side of the case commands (run, ingest, analyze, report): their
// options turned into the library calls of core/case/case_run.h and
// reports/case_report.h, the console observer, the summaries printed and the
// exit codes. Nothing here decides what happens to the case.
// Thread-compatible.
#ifndef TERN_TOOLS_CLI_CASE_STEPS_H_
#define TERN_TOOLS_CLI_CASE_STEPS_H_

#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/version.h"
#include "core/case/case_dir.h"
#include "core/case/case_run.h"
#include "core/case/run_log.h"
#include "core/detect/analyzer.h"
#include "core/ingest/ingester.h"
#include "core/store/case_store.h"
#include "tools/cli/command.h"
#include "tools/cli/console.h"
#include "tools/cli/options.h"

namespace tern::cli {

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

// The phases of the case commands. The binary may tune the process for each
// (tools/tern_main.cc sets the allocator's decommit delay): an ingest frees
// and reallocates MiB-sized buffers many times a second, while an analysis
// and a report grow long-lived state. The listener is called on the
// command's thread as DoIngest, DoAnalyze and DoReport begin; set it once,
// before RunTool. Not thread-safe.
enum class CasePhase { kIngest, kAnalyze, kReport };
using CasePhaseListener = void (*)(CasePhase);
void SetCasePhaseListener(CasePhaseListener listener);

// Logs `status` to `log` (if any), prints it and returns kExitFatal.
int Fatal(const CommandContext& context, const absl::Status& status, RunLog* log = nullptr);

// tern::OpenForWriting with the command's options; `access` as the command
// declared --case (kExisting: a missing case is an error, not a new one).
absl::StatusOr<WritableCase> OpenForWriting(const CaseOptions& options,
                                            const std::string& command_line,
                                            CaseAccess access = CaseAccess::kReadWrite);
// tern::FinishRun with the outcome `exit_code` means.
absl::Status FinishRun(WritableCase& c, const CaseOptions& options, int exit_code);

// Ingests with the built-in parsers, progress and warnings on `err`.
absl::StatusOr<IngestSummary> DoIngest(WritableCase& c, const CaseOptions& options,
                                       const std::vector<std::string>& inputs, std::FILE* err);
void PrintIngestSummary(std::FILE* out, const IngestSummary& s);
int IngestExitCode(const IngestSummary& s, bool strict);

// Analyzes, warnings on `err` unless --quiet.
absl::StatusOr<AnalysisSummary> DoAnalyze(WritableCase& c, const CaseOptions& options,
                                          const AnalyzeOptions& analyze, std::FILE* err);
void PrintAnalysisSummary(std::FILE* out, const AnalysisSummary& s);

// Writes the reports to report.out_dir, or `case_dir` when that is empty,
// with `threads` (0 = one per core; CaseReportOptions::threads), and prints
// "report    /abs/path" lines.
absl::Status DoReport(CaseStore& store, const std::string& case_dir, const ReportArgs& report,
                      int threads, RunLog* log, std::FILE* out);

// Prints "custody   /abs/CASE/custody.json".
void PrintCustodyPath(std::FILE* out, const std::string& case_dir);

// Prints "LABEL     PATH" as the commands list the files they wrote.
void PrintWritten(std::FILE* out, std::string_view label, const std::string& path);

}  // namespace tern::cli

#endif  // TERN_TOOLS_CLI_CASE_STEPS_H_
