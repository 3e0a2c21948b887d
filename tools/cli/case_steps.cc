#include "tools/cli/case_steps.h"

#include "core/base/status_macros.h"
#include "core/base/threads.h"
#include "parsers/builtin.h"
#include "reports/builtin_outputs.h"
#include "reports/case_report.h"

namespace tern::cli {
namespace {

CasePhaseListener phase_listener = nullptr;

void EnterPhase(CasePhase phase) {
  if (phase_listener != nullptr) phase_listener(phase);
}

}  // namespace

void SetCasePhaseListener(CasePhaseListener listener) { phase_listener = listener; }

int Fatal(const CommandContext& context, const absl::Status& status, RunLog* log) {
  if (log != nullptr) log->Line("ERROR", status.ToString());
  return ReportFatal(context, status);
}

absl::StatusOr<WritableCase> OpenForWriting(const CaseOptions& options,
                                            const std::string& command_line, CaseAccess access) {
  CaseRunOptions run;
  run.must_exist = access == CaseAccess::kExisting;
  run.case_id = options.case_id;
  run.examiner = options.examiner;
  run.command_line = command_line;
  return tern::OpenForWriting(CaseDir(options.case_dir), run);
}

absl::Status FinishRun(WritableCase& c, const CaseOptions& /*options*/, int exit_code) {
  const RunOutcome outcome = exit_code == kExitOk         ? RunOutcome::kOk
                             : exit_code == kExitWarnings ? RunOutcome::kWarnings
                                                          : RunOutcome::kFailed;
  return tern::FinishRun(c, outcome);
}

absl::StatusOr<IngestSummary> DoIngest(WritableCase& c, const CaseOptions& options,
                                       const std::vector<std::string>& inputs, std::FILE* err) {
  EnterPhase(CasePhase::kIngest);
  ParserRegistry registry;
  TERN_RETURN_IF_ERROR(RegisterBuiltinParsers(registry));
  ConsoleObserver observer(c.log.get(), options.quiet, err);
  IngestOptions ingest;
  ingest.limits = options.limits.walk;
  ingest.max_record_bytes = options.limits.max_record_bytes;
  ingest.threads = options.threads;
  absl::StatusOr<IngestSummary> summary = IngestInputs(c, registry, ingest, inputs, &observer);
  observer.Finish();
  return summary;
}

void PrintIngestSummary(std::FILE* out, const IngestSummary& s) {
  std::fputs(IngestSummaryText(s).c_str(), out);
}

int IngestExitCode(const IngestSummary& s, bool strict) {
  const bool problems = s.records_rejected > 0 || s.warnings > 0 || s.items_failed > 0;
  if (!problems) return kExitOk;
  return strict ? kExitFatal : kExitWarnings;
}

absl::StatusOr<AnalysisSummary> DoAnalyze(WritableCase& c, const CaseOptions& options,
                                          const AnalyzeOptions& analyze, std::FILE* err) {
  EnterPhase(CasePhase::kAnalyze);
  ConsoleObserver observer(c.log.get(), options.quiet, err);
  c.store->SetScanThreads(options.threads);
  AnalyzeOptions with_progress = analyze;
  with_progress.on_progress = [&](const AnalysisProgress& p) { observer.OnAnalysisProgress(p); };
  return AnalyzeCase(c, with_progress, &observer);
}

void PrintAnalysisSummary(std::FILE* out, const AnalysisSummary& s) {
  std::fputs(AnalysisSummaryText(s).c_str(), out);
}

absl::Status DoReport(CaseStore& store, const std::string& case_dir, const ReportArgs& report,
                      int threads, RunLog* log, std::FILE* out) {
  EnterPhase(CasePhase::kReport);
  CaseReportOptions options;
  options.timeline = report.timeline;
  options.timezone = report.timezone;
  options.threads = ResolveThreads(threads);
  TERN_ASSIGN_OR_RETURN(std::vector<WrittenOutput> written,
                        WriteCaseReports(store, CaseDir(ReportDir(case_dir, report)),
                                         BuiltinOutputs(), options, log));
  for (const WrittenOutput& w : written) PrintWritten(out, w.label, w.path);
  return absl::OkStatus();
}

void PrintCustodyPath(std::FILE* out, const std::string& case_dir) {
  PrintWritten(out, "custody", DisplayPath(CaseDir(case_dir).custody()));
}

void PrintWritten(std::FILE* out, std::string_view label, const std::string& path) {
  std::fprintf(out, "%-9.*s %s\n", static_cast<int>(label.size()), label.data(), path.c_str());
}

}  // namespace tern::cli
