#include "core/case/case_run.h"

#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/base/human_bytes.h"
#include "core/base/status_macros.h"
#include "core/base/strings.h"
#include "core/base/version.h"
#include "core/ingest/custody.h"

namespace tern {
namespace {

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "";
  return name;
}

const char* OutcomeName(RunOutcome outcome) {
  switch (outcome) {
    case RunOutcome::kOk:
      return "ok";
    case RunOutcome::kWarnings:
      return "warnings";
    case RunOutcome::kFailed:
      break;
  }
  return "failed";
}

}  // namespace

absl::StatusOr<WritableCase> OpenForWriting(const CaseDir& dir, const CaseRunOptions& options) {
  if (options.must_exist && !CaseStore::Exists(dir.store())) {
    return absl::NotFoundError(absl::StrCat("no case at ", dir.root(),
                                            ": make one with `tern ingest` or `tern run` first"));
  }
  TERN_RETURN_IF_ERROR(dir.Create());
  WritableCase c(dir);
  TERN_ASSIGN_OR_RETURN(c.log, RunLog::Open(dir.log()));
  TERN_ASSIGN_OR_RETURN(c.store, CaseStore::Open(dir.store(), StoreMode::kReadWrite));
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
  c.run.command_line = options.command_line;
  c.run.started_at = NowRfc3339();
  c.run.host = HostName();
  c.run.examiner = options.examiner;
  c.run.case_id = options.case_id;
  c.run.outcome = "running";
  TERN_RETURN_IF_ERROR(PutRun(*c.store, c.run));
  c.log->Line("INFO", absl::StrCat("tern ", ToolVersion(), " run ", c.run.number, ": ",
                                   options.command_line));
  return c;
}

absl::Status FinishRun(WritableCase& c, RunOutcome outcome) {
  c.run.finished_at = NowRfc3339();
  c.run.outcome = OutcomeName(outcome);
  TERN_RETURN_IF_ERROR(PutRun(*c.store, c.run));
  TERN_RETURN_IF_ERROR(c.store->Commit());
  TERN_RETURN_IF_ERROR(WriteCustodyJson(*c.store, c.dir.custody()));
  c.log->Line("INFO", absl::StrCat("run ", c.run.number, " finished: ", c.run.outcome));
  return c.log->status();
}

absl::StatusOr<IngestSummary> IngestInputs(WritableCase& c, const ParserRegistry& registry,
                                           IngestOptions options,
                                           const std::vector<std::string>& inputs,
                                           IngestObserver* observer) {
  options.run = c.run.number;
  Ingester ingester(c.store.get(), &registry, options, observer);
  TERN_RETURN_IF_ERROR(ingester.RecoverInterrupted());
  TERN_ASSIGN_OR_RETURN(IngestSummary summary, ingester.Ingest(inputs));
  c.log->Line("INFO", absl::StrFormat("ingest: %d files (%d archives, %d skipped as already "
                                      "ingested, %d failed), %d bytes, %d records: %d stored, "
                                      "%d duplicate, %d rejected, %d warnings",
                                      summary.items, summary.containers, summary.items_skipped,
                                      summary.items_failed, summary.bytes, summary.records_parsed,
                                      summary.records_stored, summary.records_duplicate,
                                      summary.records_rejected, summary.warnings));
  return summary;
}

absl::StatusOr<AnalysisSummary> AnalyzeCase(WritableCase& c, const AnalyzeOptions& options,
                                            IngestObserver* observer) {
  TERN_ASSIGN_OR_RETURN(AnalysisSummary summary, Analyze(*c.store, options));
  if (observer != nullptr) {
    for (const Warning& w : summary.warnings) observer->OnWarning(w);
  }
  c.log->Line("INFO", absl::StrFormat("analyze: %d events, %d sessions, %d findings",
                                      summary.events, summary.sessions, summary.findings));
  // How much of session-ip-change's state the first pass's census spared:
  // the saving depends on how the tenant's clients keep their session ids.
  c.log->Line("INFO", absl::StrFormat("analyze: record session ids seen from several IPs or "
                                      "clients: %d",
                                      summary.moving_record_sessions));
  c.log->Line("INFO", absl::StrFormat("analyze: client IPs seen with several mailboxes: %d",
                                      summary.shared_ips));
  return summary;
}

std::string IngestSummaryText(const IngestSummary& s) {
  std::string text = absl::StrFormat(
      "ingested  %d files (%d archives opened, %d already in the case, %d failed), %s\n", s.items,
      s.containers, s.items_skipped, s.items_failed, HumanBytes(s.bytes));
  absl::StrAppendFormat(&text, "records   %d parsed: %d stored, %d duplicate, %d rejected\n",
                        s.records_parsed, s.records_stored, s.records_duplicate,
                        s.records_rejected);
  if (s.rolled_back > 0) {
    absl::StrAppendFormat(
        &text, "recovered %d items left incomplete by an interrupted run (rolled back)\n",
        s.rolled_back);
  }
  absl::StrAppendFormat(&text, "warnings  %d\n", s.warnings);
  return text;
}

std::string AnalysisSummaryText(const AnalysisSummary& s) {
  std::string text = absl::StrFormat("analysis  %d events, %d mailboxes, %d sessions, %d findings",
                                     s.events, s.mailboxes, s.sessions, s.findings);
  const char* sep = " (";
  for (Severity sev :
       {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow, Severity::kInfo}) {
    auto it = s.findings_by_severity.find(sev);
    if (it == s.findings_by_severity.end() || it->second == 0) continue;
    absl::StrAppend(&text, sep, it->second, " ", ToAbsl(SeverityName(sev)));
    sep = ", ";
  }
  absl::StrAppend(&text, sep[0] == ',' ? ")" : "", "\n");
  return text;
}

}  // namespace tern
