// How one event reads in the event outputs of `tern search` and
// `--timeline` (reports/output_jsonl.cc, output_csv.cc, output_table.cc): a
// JSON line (Timesketch-importable) or a CSV row. Every evidence string is
// neutralized for its channel: JsonWriter escaping, CsvCell (formula
// neutralization, control characters made visible).
//
// JSONL fields: "message", "datetime" (RFC 3339 UTC), "timestamp" (µs since
// the epoch), "timestamp_desc" ("Event Recorded") as Timesketch expects,
// then the normalized event and its source ("source_sha256",
// "source_member", "source_line", "source_copies").
//
// Thread-safe: pure functions.
#ifndef TERN_REPORTS_EVENT_EXPORT_H_
#define TERN_REPORTS_EVENT_EXPORT_H_

#include <string>
#include <vector>

#include "core/model/event.h"
#include "reports/case_view.h"

namespace tern {

// The acting user as the exports show it: the UPN, else the SID.
std::string EventActor(const Event& e);

// Appends one JSON object and '\n'.
void AppendEventJsonl(const Event& e, const ResolvedAnchor& source, std::string* out);
// One CSV cell: control characters made visible, then quoted and
// formula-neutralized (core/base/escape.h CsvCell).
std::string CsvSafeCell(std::string_view raw);
// The CSV header line and one row (RFC 4180, CRLF line ends).
std::string EventCsvHeader();
void AppendEventCsv(const Event& e, const ResolvedAnchor& source, std::string* out);

}  // namespace tern

#endif  // TERN_REPORTS_EVENT_EXPORT_H_
