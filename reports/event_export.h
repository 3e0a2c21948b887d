// Event exports shared by `tern search` and `tern report --timeline`: one
// event per JSON line (Timesketch-importable), per CSV row, or per line of an
// aligned terminal table. Every evidence string is neutralized for its
// channel: JsonWriter escaping, CsvCell (formula neutralization), and
// TerminalSafe (no control characters) for the table.
//
// JSONL fields: "message", "datetime" (RFC 3339 UTC), "timestamp" (µs since
// the epoch), "timestamp_desc" ("Event Recorded") as Timesketch expects,
// then the normalized event and its source ("source_sha256",
// "source_member", "source_line", "source_copies").
//
// Thread-compatible: one writer per stream.
#ifndef TERN_REPORTS_EVENT_EXPORT_H_
#define TERN_REPORTS_EVENT_EXPORT_H_

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/model/event.h"
#include "reports/case_view.h"

namespace tern {

enum class EventFormat { kTable, kJsonl, kCsv };

// "table", "jsonl" or "csv"; InvalidArgument otherwise.
absl::StatusOr<EventFormat> ParseEventFormat(std::string_view name);

// Appends one JSON object and '\n'.
void AppendEventJsonl(const Event& e, const ResolvedAnchor& source, std::string* out);
// One CSV cell: control characters made visible, then quoted and
// formula-neutralized (core/base/escape.h CsvCell).
std::string CsvSafeCell(std::string_view raw);
// The CSV header line and one row (RFC 4180, CRLF line ends).
std::string EventCsvHeader();
void AppendEventCsv(const Event& e, const ResolvedAnchor& source, std::string* out);

// Writes events to `out` (not owned; must outlive the writer) in `format`.
// The table buffers its first rows to size the columns, then streams with
// those widths (longer cells are cut with "…").
class EventWriter {
 public:
  EventWriter(EventFormat format, std::FILE* out);
  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;

  // Returns Unavailable when the stream reports a write error.
  absl::Status Add(const Event& e, const ResolvedAnchor& source);
  // Flushes buffered rows (writes the CSV header / table header even when
  // there were no events). REQUIRES: called once, after the last Add.
  absl::Status Finish();

 private:
  absl::Status Write(const std::string& text);
  void FlushTable();

  EventFormat format_;
  std::FILE* out_;
  bool started_ = false;
  std::vector<std::vector<std::string>> pending_;  // table rows not yet printed
  std::vector<size_t> widths_;                     // fixed once the table started
};

}  // namespace tern

#endif  // TERN_REPORTS_EVENT_EXPORT_H_
