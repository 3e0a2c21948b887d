// `tern report` (and the report step of `tern run`) as a library: writes
// every case document of an output registry (findings.json, report.html, ...:
// reports/output.h) and the timeline when asked into a report directory laid
// out like the case directory, and says what it wrote. Thread-compatible.
#ifndef TERN_REPORTS_CASE_REPORT_H_
#define TERN_REPORTS_CASE_REPORT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/case/case_dir.h"
#include "core/case/run_log.h"
#include "core/store/case_store.h"
#include "reports/output.h"

namespace tern {

struct CaseReportOptions {
  std::string timeline;  // "" = none, else the name of a timeline output ("csv", "jsonl")
  std::string timezone;  // IANA zone for report.html's times; "" = UTC
  // 2 or more: the timeline and the documents made from the store alone
  // (OutputInfo::reads_view false: sessions.jsonl) are written on a second
  // thread while the CaseView loads, and the two threads then share the
  // documents that read the view. The files are the same bytes either way.
  int threads = 1;
};

// One file a report step wrote: what it is (OutputInfo::label: "report",
// "findings", "timeline") and where (absolute, normalized).
struct WrittenOutput {
  std::string label;
  std::string path;
};

// Creates `out` if missing and writes there, from `store`, the timeline (if
// asked) and every kOutputCaseDocument output of `outputs`, logging each to
// `log` (may be null) from the calling thread. Returns them in the order the
// commands print them: the timeline, then the documents in registry order;
// every output is attempted, and the first failure in that order is
// returned. FailedPrecondition for a case whose last analysis did not
// finish, and InvalidArgument for a timeline that is no timeline output
// (both before anything is written); Unavailable naming a file or folder
// that cannot be written.
absl::StatusOr<std::vector<WrittenOutput>> WriteCaseReports(CaseStore& store, const CaseDir& out,
                                                            const OutputRegistry& outputs,
                                                            const CaseReportOptions& options,
                                                            RunLog* log);

}  // namespace tern

#endif  // TERN_REPORTS_CASE_REPORT_H_
