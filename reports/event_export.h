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
// Identities (issue 13), once the case is analyzed: "actor" shows the UPN a
// record of the case links the recorded UserId to (an object id, PUID or
// SID); "mailbox_upn" the UPN of the mailbox the event concerns (the owner
// UPN recorded, else a cmdlet's target or a GUID resolved as `tern analyze`
// attributed it). The recorded acting user stays in "actor_recorded", the
// SID in "actor_sid", the recorded mailbox GUID in "mailbox_guid".
//
// Thread-safe: pure functions.
#ifndef TERN_REPORTS_EVENT_EXPORT_H_
#define TERN_REPORTS_EVENT_EXPORT_H_

#include <string>
#include <vector>

#include "core/model/event.h"
#include "reports/case_view.h"
#include "reports/output.h"

namespace tern {

// The acting user as recorded: the UserId, else the SID.
std::string EventActor(const Event& e);
// The acting user and the mailbox owner as the exports show them (see the
// file comment); as recorded when `x.directory` is null.
std::string ShownActor(const Event& e, const EventEnrichment& x);
std::string ShownMailboxUpn(const Event& e, const EventEnrichment& x);

// Appends one JSON object and '\n'.
void AppendEventJsonl(const Event& e, const EventEnrichment& x, std::string* out);
// One CSV cell: control characters made visible, then quoted and
// formula-neutralized (core/base/escape.h CsvCell).
std::string CsvSafeCell(std::string_view raw);
// The CSV header line and one row (RFC 4180, CRLF line ends).
std::string EventCsvHeader();
void AppendEventCsv(const Event& e, const EventEnrichment& x, std::string* out);

}  // namespace tern

#endif  // TERN_REPORTS_EVENT_EXPORT_H_
