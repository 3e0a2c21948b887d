#include "tools/commands.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/base/escape.h"
#include "core/base/status_macros.h"
#include "core/base/strings.h"
#include "core/evidence/hasher.h"
#include "core/evidence/library_versions.h"
#include "core/ingest/custody.h"
#include "core/ingest/ingester.h"
#include "core/store/case_store.h"
#include "core/store/store_info.h"
#include "parsers/builtin.h"
#include "parsers/parser_info.h"
#include "reports/case_view.h"
#include "reports/findings_json.h"
#include "reports/report_html.h"
#include "reports/timeline.h"
#include "tools/console.h"

#ifndef TERN_VERSION
#define TERN_VERSION "0.0.0-dev"
#endif

namespace tern {
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

int Fatal(const absl::Status& status, RunLog* log = nullptr) {
  if (log != nullptr) log->Line("ERROR", status.ToString());
  std::fprintf(stderr, "tern: error: %s\n", TerminalSafe(ToStd(status.message())).c_str());
  return kExitFatal;
}

std::string StoreDir(const CaseOptions& options) { return options.case_dir + "/store"; }

// An open case for writing: the store, its run record and its log.
struct WritableCase {
  std::unique_ptr<CaseStore> store;
  std::unique_ptr<RunLog> log;
  RunRecord run;
};

absl::StatusOr<WritableCase> OpenForWriting(const CaseOptions& options) {
  std::error_code ec;
  fs::create_directories(options.case_dir, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot create case directory ", options.case_dir, ": ", ec.message()));
  }
  WritableCase c;
  c.log = std::make_unique<RunLog>(options.case_dir + "/tern.log");
  TERN_ASSIGN_OR_RETURN(c.store, CaseStore::Open(StoreDir(options), StoreMode::kReadWrite));
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
  c.run.started_at = NowText();
  c.run.host = HostName();
  c.run.examiner = options.examiner;
  c.run.case_id = options.case_id;
  c.run.outcome = "running";
  TERN_RETURN_IF_ERROR(PutRun(*c.store, c.run));
  c.log->Line("INFO", absl::StrCat("tern ", ToolVersion(), " run ", c.run.number, ": ",
                                   options.command_line));
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
                                       const std::vector<std::string>& inputs) {
  ParserRegistry registry;
  TERN_RETURN_IF_ERROR(RegisterBuiltinParsers(registry));
  ConsoleObserver observer(c.log.get(), options.quiet);
  IngestOptions ingest_options;
  ingest_options.run = c.run.number;
  ingest_options.limits = options.limits;
  ingest_options.max_record_bytes = options.max_record_bytes;
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

void PrintIngestSummary(const IngestSummary& s) {
  std::printf(
      "ingested  %llu files (%llu archives opened, %llu already in the case, %llu failed), %s\n",
      static_cast<unsigned long long>(s.items), static_cast<unsigned long long>(s.containers),
      static_cast<unsigned long long>(s.items_skipped),
      static_cast<unsigned long long>(s.items_failed), HumanBytes(s.bytes).c_str());
  std::printf("records   %llu parsed: %llu stored, %llu duplicate, %llu rejected\n",
              static_cast<unsigned long long>(s.records_parsed),
              static_cast<unsigned long long>(s.records_stored),
              static_cast<unsigned long long>(s.records_duplicate),
              static_cast<unsigned long long>(s.records_rejected));
  if (s.rolled_back > 0) {
    std::printf("recovered %llu items left incomplete by an interrupted run (rolled back)\n",
                static_cast<unsigned long long>(s.rolled_back));
  }
  std::printf("warnings  %llu\n", static_cast<unsigned long long>(s.warnings));
}

int IngestExitCode(const IngestSummary& s, bool strict) {
  const bool problems = s.records_rejected > 0 || s.warnings > 0 || s.items_failed > 0;
  if (!problems) return kExitOk;
  return strict ? kExitFatal : kExitWarnings;
}

absl::StatusOr<AnalysisSummary> DoAnalyze(WritableCase& c, const AnalyzeOptions& analyze) {
  TERN_ASSIGN_OR_RETURN(AnalysisSummary summary, Analyze(*c.store, analyze));
  for (const Warning& w : summary.warnings) c.log->Warn(w);
  c.log->Line("INFO", absl::StrFormat("analyze: %d events, %d sessions, %d findings",
                                      summary.events, summary.sessions, summary.findings));
  return summary;
}

void PrintAnalysisSummary(const AnalysisSummary& s) {
  std::printf(
      "analysis  %llu events, %llu mailboxes, %llu sessions, %llu findings",
      static_cast<unsigned long long>(s.events), static_cast<unsigned long long>(s.mailboxes),
      static_cast<unsigned long long>(s.sessions), static_cast<unsigned long long>(s.findings));
  const char* sep = " (";
  for (Severity sev :
       {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow, Severity::kInfo}) {
    auto it = s.findings_by_severity.find(sev);
    if (it == s.findings_by_severity.end() || it->second == 0) continue;
    std::printf("%s%llu %s", sep, static_cast<unsigned long long>(it->second),
                std::string(SeverityName(sev)).c_str());
    sep = ", ";
  }
  std::printf("%s\n", sep[0] == ',' ? ")" : "");
}

absl::Status DoReport(CaseStore& store, const CaseOptions& options, const ReportOptions& report,
                      RunLog* log) {
  const std::string out_dir = report.out_dir.empty() ? options.case_dir : report.out_dir;
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec)
    return absl::UnavailableError(absl::StrCat("cannot create ", out_dir, ": ", ec.message()));
  std::optional<EventFormat> timeline;
  if (!report.timeline.empty()) {
    TERN_ASSIGN_OR_RETURN(timeline, ParseTimelineFormat(report.timeline));
  }
  TERN_ASSIGN_OR_RETURN(CaseView view, LoadCaseView(store, ToolVersion()));
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
    std::printf("timeline  %s\n", fs::absolute(timeline_path).lexically_normal().c_str());
  }
  if (log != nullptr)
    log->Line("INFO", absl::StrCat("wrote ", findings_path, " and ", report_path));
  std::printf("report    %s\n", fs::absolute(report_path).lexically_normal().c_str());
  std::printf("findings  %s\n", fs::absolute(findings_path).lexically_normal().c_str());
  return absl::OkStatus();
}

}  // namespace

const char* ToolVersion() { return TERN_VERSION; }

int RunIngest(const CaseOptions& options, const std::vector<std::string>& inputs) {
  absl::StatusOr<WritableCase> c = OpenForWriting(options);
  if (!c.ok()) return Fatal(c.status());
  absl::StatusOr<IngestSummary> summary = DoIngest(*c, options, inputs);
  if (!summary.ok()) return Fatal(summary.status(), c->log.get());
  const int code = IngestExitCode(*summary, options.strict);
  if (absl::Status s = FinishRun(*c, options, code); !s.ok()) return Fatal(s, c->log.get());
  PrintIngestSummary(*summary);
  std::printf("custody   %s\n",
              fs::absolute(options.case_dir + "/custody.json").lexically_normal().c_str());
  return code;
}

int RunAnalyze(const CaseOptions& options, const AnalyzeOptions& analyze) {
  absl::StatusOr<WritableCase> c = OpenForWriting(options);
  if (!c.ok()) return Fatal(c.status());
  absl::StatusOr<AnalysisSummary> summary = DoAnalyze(*c, analyze);
  if (!summary.ok()) return Fatal(summary.status(), c->log.get());
  const int code = summary->warnings.empty() ? kExitOk : kExitWarnings;
  if (absl::Status s = FinishRun(*c, options, code); !s.ok()) return Fatal(s, c->log.get());
  PrintAnalysisSummary(*summary);
  return code;
}

int RunReport(const CaseOptions& options, const ReportOptions& report) {
  absl::StatusOr<std::unique_ptr<CaseStore>> store =
      CaseStore::Open(StoreDir(options), StoreMode::kReadOnly);
  if (!store.ok()) return Fatal(store.status());
  RunLog log(options.case_dir + "/tern.log");
  log.Line("INFO", absl::StrCat("tern ", ToolVersion(), ": ", options.command_line));
  if (absl::Status s = DoReport(**store, options, report, &log); !s.ok()) return Fatal(s, &log);
  return kExitOk;
}

int RunAll(const CaseOptions& options, const std::vector<std::string>& inputs,
           const AnalyzeOptions& analyze, const ReportOptions& report) {
  absl::StatusOr<WritableCase> c = OpenForWriting(options);
  if (!c.ok()) return Fatal(c.status());
  absl::StatusOr<IngestSummary> ingest = DoIngest(*c, options, inputs);
  if (!ingest.ok()) return Fatal(ingest.status(), c->log.get());
  absl::StatusOr<AnalysisSummary> analysis = DoAnalyze(*c, analyze);
  if (!analysis.ok()) return Fatal(analysis.status(), c->log.get());
  int code = IngestExitCode(*ingest, options.strict);
  if (code == kExitOk && !analysis->warnings.empty()) code = kExitWarnings;
  if (absl::Status s = FinishRun(*c, options, code); !s.ok()) return Fatal(s, c->log.get());
  PrintIngestSummary(*ingest);
  PrintAnalysisSummary(*analysis);
  if (absl::Status s = DoReport(*c->store, options, report, c->log.get()); !s.ok()) {
    return Fatal(s, c->log.get());
  }
  std::printf("custody   %s\n",
              fs::absolute(options.case_dir + "/custody.json").lexically_normal().c_str());
  return code;
}

namespace {

// A store RocksDB finds damaged is a verification result (exit 4), not a
// failure to verify: the examiner must learn the index cannot be trusted.
int StoreCorrupt(const absl::Status& status) {
  std::printf("STORE     case store is corrupt: %s\n",
              TerminalSafe(ToStd(status.message())).c_str());
  std::printf("the case store failed verification; it can be rebuilt from the evidence\n");
  return kExitVerifyFailed;
}

}  // namespace

int RunVerify(const CaseOptions& options) {
  absl::StatusOr<std::unique_ptr<CaseStore>> store =
      CaseStore::Open(StoreDir(options), StoreMode::kReadOnly);
  if (!store.ok()) {
    if (store.status().code() == absl::StatusCode::kDataLoss) return StoreCorrupt(store.status());
    return Fatal(store.status());
  }
  absl::StatusOr<std::vector<EvidenceRecord>> records = (*store)->ListEvidence();
  if (!records.ok()) {
    if (records.status().code() == absl::StatusCode::kDataLoss) {
      return StoreCorrupt(records.status());
    }
    return Fatal(records.status());
  }
  // Every top-level file the case recorded, once per (path, SHA-256).
  std::set<std::pair<std::string, std::string>> files;
  for (const EvidenceRecord& r : *records) {
    if (r.parent == 0 && !r.sha256.empty()) files.emplace(r.absolute_path, r.sha256);
  }
  uint64_t bad = 0;
  for (const auto& [path, expected] : files) {
    absl::StatusOr<Digests> actual = HashFile(path);
    if (!actual.ok()) {
      ++bad;
      std::printf("MISSING   %s (%s)\n", TerminalSafe(path).c_str(),
                  TerminalSafe(ToStd(actual.status().message())).c_str());
    } else if (actual->sha256 != expected) {
      ++bad;
      std::printf("CHANGED   %s: recorded sha256 %s, now %s\n", TerminalSafe(path).c_str(),
                  expected.c_str(), actual->sha256.c_str());
    }
  }
  absl::Status store_ok = (*store)->VerifyChecksums();
  if (!store_ok.ok()) {
    std::printf("STORE     case store checksum verification failed: %s\n",
                TerminalSafe(ToStd(store_ok.message())).c_str());
  }
  if (bad > 0) {
    std::printf("%llu of %zu evidence files changed or missing\n",
                static_cast<unsigned long long>(bad), files.size());
  }
  if (bad > 0 || !store_ok.ok()) return kExitVerifyFailed;
  std::printf("all %zu files verified; case store checksums OK\n", files.size());
  return kExitOk;
}

int RunRules() {
  for (const RuleInfo& rule : RuleCatalog()) {
    std::string attack;
    for (const std::string& t : rule.attack) absl::StrAppend(&attack, attack.empty() ? "" : ",", t);
    std::printf("%-30s %-9s %-22s %s\n", rule.id.c_str(),
                std::string(SeverityName(rule.severity)).c_str(), attack.c_str(),
                rule.title.c_str());
  }
  return kExitOk;
}

int RunVersion() {
  std::printf("tern %s\n", ToolVersion());
  std::printf("store schema %d\n", kStoreSchemaVersion);
  std::printf("libraries:\n");
  std::printf("  %s\n", StorageEngineVersion().c_str());
  std::printf("  %s\n", ArchiveLibraryVersion().c_str());
  std::printf("  %s\n", CryptoLibraryVersion().c_str());
  std::printf("  %s\n", JsonLibraryVersion().c_str());
  ParserRegistry registry;
  if (RegisterBuiltinParsers(registry).ok()) {
    std::printf("formats:\n");
    for (const auto& parser : registry.parsers()) {
      std::printf("  %-20s %s\n", std::string(parser->name()).c_str(),
                  std::string(parser->description()).c_str());
    }
  }
  return kExitOk;
}

}  // namespace tern
