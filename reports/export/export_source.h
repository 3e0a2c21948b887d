// What the exports (ECS NDJSON, ClickHouse) read from a case: every event in
// (time, record id) order with what tern adds to it (the evidence anchor it
// came from, the session `tern analyze` put it in, the findings resting on
// it), and the findings with their resolved anchors.
//
// Streaming: events are never all in memory. Memory is bounded by the
// mailboxes (attribution, as in `tern analyze`), the sessions open at one
// moment, and the findings' anchors (capped per finding by the analysis),
// not by the number of events.
//
// Session ids and findings are those of the last `tern analyze`; a case
// never analyzed exports its events without them. A case whose last analysis
// did not finish is refused (FailedPrecondition), as the reports do.
// Thread-compatible: one export per store at a time.
#ifndef TERN_REPORTS_EXPORT_EXPORT_SOURCE_H_
#define TERN_REPORTS_EXPORT_EXPORT_SOURCE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/model/event.h"
#include "core/model/finding.h"
#include "core/store/case_store.h"
#include "reports/case_view.h"
#include "reports/output.h"

namespace tern {

// EventEnrichment and ExportFinding are reports/output.h's.

// The case-wide facts every exported document carries.
struct ExportCase {
  std::string case_id;  // --case-id of the case ("" when none was given)
  bool analyzed = false;
  std::vector<ExportFinding> findings;  // in F-id order
};

// ECS event.outcome vocabulary for a ResultStatus: "success" (Succeeded,
// Success, True, PartiallySucceeded), "failure" (Failed, Failure, False),
// else "unknown"; compared case-insensitively.
std::string_view EventOutcome(std::string_view result_status);

// Reads the case id and the findings. FailedPrecondition when the last
// analysis did not finish.
absl::StatusOr<ExportCase> LoadExportCase(CaseStore& store);

// Calls `fn` for each event of the case in (time, record id) order; the
// first error `fn` returns stops the scan and is returned.
using EnrichedEventFn = std::function<absl::Status(const Event&, const EventEnrichment&)>;
absl::Status ForEachEnrichedEvent(CaseStore& store, const ExportCase& kase,
                                  const EnrichedEventFn& fn);

// What an export wrote.
struct ExportSummary {
  uint64_t events = 0;
  uint64_t findings = 0;
};

// `tern export --format NAME`: every event of the case (enriched), then
// every finding, through `output` to `target.out` (target.case_id is set
// here from the case). The first error stops the export and is returned.
absl::StatusOr<ExportSummary> ExportThrough(CaseStore& store, const OutputInfo& output,
                                            OutputTarget target);

}  // namespace tern

#endif  // TERN_REPORTS_EXPORT_EXPORT_SOURCE_H_
