#include "tools/cli/case_steps.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/base/files.h"
#include "core/base/status_macros.h"
#include "core/base/time.h"
#include "parsers/builtin.h"
#include "reports/case_view.h"
#include "reports/findings_json.h"
#include "reports/report_html.h"
#include "reports/timeline.h"

#ifndef TERN_VERSION
#define TERN_VERSION "0.0.0-dev"
#endif

namespace tern::cli {
namespace fs = std::filesystem;
namespace {

std::string NowText() {
  const auto now = std::chrono::system_clock::now();
  return FormatRfc3339(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
}

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "";
  return name;
}

}  // namespace

const char* ToolVersion() { return TERN_VERSION; }

int Fatal(const CommandContext& context, const absl::Status& status, RunLog* log) {
  if (log != nullptr) log->Line("ERROR", status.ToString());
  return ReportFatal(context, status);
}

std::string StoreDir(const std::string& case_dir) { return case_dir + "/store"; }

absl::StatusOr<WritableCase> OpenForWriting(const CaseOptions& options,
                                            const std::string& command_line) {
  std::error_code ec;
  fs::create_directories(options.case_dir, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot create case directory ", options.case_dir, ": ", ec.message()));
  }
  WritableCase c;
  c.log = std::make_unique<RunLog>(options.case_dir + "/tern.log");
  TERN_ASSIGN_OR_RETURN(c.store,
                        CaseStore::Open(StoreDir(options.case_dir), StoreMode::kReadWrite));
  if (!options.case_id.empty()) TERN_RETURN_IF_ERROR(c.store->PutMeta("case_id", options.case_id));
  if (!options.examiner.empty()) {
    TERN_RETURN_IF_ERROR(c.store->PutMeta("examiner", options.examiner));
  }
  // A run still "running" was killed: we hold the store's lock, so nobody
  // else is writing. Custody says so instead of "running" forever.
  TERN_ASSIGN_OR_RETURN(std::vector<RunRecord> runs, ListRuns(*c.store));
  for (RunRecord& run : runs) {
    if (run.outcome != "running") continue;
    run.outcome = "interrupted";
    TERN_RETURN_IF_ERROR(PutRun(*c.store, run));
  }
  TERN_ASSIGN_OR_RETURN(c.run.number, BeginRun(*c.store));
  c.run.tool_version = ToolVersion();
  c.run.command_line = command_line;
  c.run.started_at = NowText();
  c.run.host = HostName();
  c.run.examiner = options.examiner;
  c.run.case_id = options.case_id;
  c.run.outcome = "running";
  TERN_RETURN_IF_ERROR(PutRun(*c.store, c.run));
  c.log->Line("INFO",
              absl::StrCat("tern ", ToolVersion(), " run ", c.run.number, ": ", command_line));
  return c;
}

absl::Status FinishRun(WritableCase& c, const CaseOptions& options, int exit_code) {
  c.run.finished_at = NowText();
  c.run.outcome = exit_code == kExitOk ? "ok" : exit_code == kExitWarnings ? "warnings" : "failed";
  TERN_RETURN_IF_ERROR(PutRun(*c.store, c.run));
  TERN_RETURN_IF_ERROR(c.store->Commit());
  TERN_RETURN_IF_ERROR(WriteCustodyJson(*c.store, options.case_dir + "/custody.json"));
  c.log->Line("INFO", absl::StrCat("run ", c.run.number, " finished: ", c.run.outcome));
  return absl::OkStatus();
}

absl::StatusOr<IngestSummary> DoIngest(WritableCase& c, const CaseOptions& options,
                                       const std::vector<std::string>& inputs, std::FILE* err) {
  ParserRegistry registry;
  TERN_RETURN_IF_ERROR(RegisterBuiltinParsers(registry));
  ConsoleObserver observer(c.log.get(), options.quiet, err);
  IngestOptions ingest_options;
  ingest_options.run = c.run.number;
  ingest_options.limits = options.limits.walk;
  ingest_options.max_record_bytes = options.limits.max_record_bytes;
  ingest_options.threads = options.threads;
  Ingester ingester(c.store.get(), &registry, ingest_options, &observer);
  TERN_RETURN_IF_ERROR(ingester.RecoverInterrupted());
  absl::StatusOr<IngestSummary> summary = ingester.Ingest(inputs);
  observer.Finish();
  if (!summary.ok()) return summary.status();
  c.log->Line("INFO",
              absl::StrFormat("ingest: %d files (%d archives, %d skipped as already "
                              "ingested, %d failed), %d bytes, %d records: %d stored, "
                              "%d duplicate, %d rejected, %d warnings",
                              summary->items, summary->containers, summary->items_skipped,
                              summary->items_failed, summary->bytes, summary->records_parsed,
                              summary->records_stored, summary->records_duplicate,
                              summary->records_rejected, summary->warnings));
  return summary;
}

void PrintIngestSummary(std::FILE* out, const IngestSummary& s) {
  std::fprintf(
      out,
      "ingested  %llu files (%llu archives opened, %llu already in the case, %llu failed), %s\n",
      static_cast<unsigned long long>(s.items), static_cast<unsigned long long>(s.containers),
      static_cast<unsigned long long>(s.items_skipped),
      static_cast<unsigned long long>(s.items_failed), HumanBytes(s.bytes).c_str());
  std::fprintf(out, "records   %llu parsed: %llu stored, %llu duplicate, %llu rejected\n",
               static_cast<unsigned long long>(s.records_parsed),
               static_cast<unsigned long long>(s.records_stored),
               static_cast<unsigned long long>(s.records_duplicate),
               static_cast<unsigned long long>(s.records_rejected));
  if (s.rolled_back > 0) {
    std::fprintf(out, "recovered %llu items left incomplete by an interrupted run (rolled back)\n",
                 static_cast<unsigned long long>(s.rolled_back));
  }
  std::fprintf(out, "warnings  %llu\n", static_cast<unsigned long long>(s.warnings));
}

int IngestExitCode(const IngestSummary& s, bool strict) {
  const bool problems = s.records_rejected > 0 || s.warnings > 0 || s.items_failed > 0;
  if (!problems) return kExitOk;
  return strict ? kExitFatal : kExitWarnings;
}

absl::StatusOr<AnalysisSummary> DoAnalyze(WritableCase& c, const CaseOptions& options,
                                          const AnalyzeOptions& analyze, std::FILE* err) {
  TERN_ASSIGN_OR_RETURN(AnalysisSummary summary, Analyze(*c.store, analyze));
  // Logged, and shown on `err` like ingest's unless --quiet.
  ConsoleObserver observer(c.log.get(), options.quiet, err);
  for (const Warning& w : summary.warnings) observer.OnWarning(w);
  c.log->Line("INFO", absl::StrFormat("analyze: %d events, %d sessions, %d findings",
                                      summary.events, summary.sessions, summary.findings));
  return summary;
}

void PrintAnalysisSummary(std::FILE* out, const AnalysisSummary& s) {
  std::fprintf(
      out, "analysis  %llu events, %llu mailboxes, %llu sessions, %llu findings",
      static_cast<unsigned long long>(s.events), static_cast<unsigned long long>(s.mailboxes),
      static_cast<unsigned long long>(s.sessions), static_cast<unsigned long long>(s.findings));
  const char* sep = " (";
  for (Severity sev :
       {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow, Severity::kInfo}) {
    auto it = s.findings_by_severity.find(sev);
    if (it == s.findings_by_severity.end() || it->second == 0) continue;
    std::fprintf(out, "%s%llu %s", sep, static_cast<unsigned long long>(it->second),
                 std::string(SeverityName(sev)).c_str());
    sep = ", ";
  }
  std::fprintf(out, "%s\n", sep[0] == ',' ? ")" : "");
}

absl::Status DoReport(CaseStore& store, const std::string& case_dir, const ReportArgs& report,
                      RunLog* log, std::FILE* out) {
  const std::string out_dir = ReportDir(case_dir, report);
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec)
    return absl::UnavailableError(absl::StrCat("cannot create ", out_dir, ": ", ec.message()));
  std::optional<EventFormat> timeline;
  if (!report.timeline.empty()) {
    TERN_ASSIGN_OR_RETURN(timeline, ParseTimelineFormat(report.timeline));
  }
  TERN_ASSIGN_OR_RETURN(CaseView view, LoadCaseView(store, ToolVersion()));
  view.display_timezone = report.timezone;
  const std::string findings_path = out_dir + "/findings.json";
  const std::string report_path = out_dir + "/report.html";
  TERN_RETURN_IF_ERROR(WriteFindingsJson(view, store, findings_path));
  TERN_RETURN_IF_ERROR(WriteFileAtomically(report_path, RenderReportHtml(view)));
  if (timeline.has_value()) {
    const std::string timeline_path = out_dir + "/" + TimelineFileName(*timeline);
    TERN_ASSIGN_OR_RETURN(uint64_t events, WriteTimeline(store, *timeline, timeline_path));
    if (log != nullptr) {
      log->Line("INFO", absl::StrCat("wrote ", timeline_path, ": ", events, " events"));
    }
    std::fprintf(out, "timeline  %s\n", fs::absolute(timeline_path).lexically_normal().c_str());
  }
  if (log != nullptr)
    log->Line("INFO", absl::StrCat("wrote ", findings_path, " and ", report_path));
  std::fprintf(out, "report    %s\n", fs::absolute(report_path).lexically_normal().c_str());
  std::fprintf(out, "findings  %s\n", fs::absolute(findings_path).lexically_normal().c_str());
  return absl::OkStatus();
}

void PrintCustodyPath(std::FILE* out, const std::string& case_dir) {
  std::fprintf(out, "custody   %s\n",
               fs::absolute(case_dir + "/custody.json").lexically_normal().c_str());
}

}  // namespace tern::cli
