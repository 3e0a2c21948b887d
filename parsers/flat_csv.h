// Flat CSV formats as data: one row per audit record, one column per field,
// no AuditData column (Sentinel OfficeActivity, Search-MailboxAuditLog,
// AuditData expanded by Get-UAL -AuditDataOnly, partial KQL/SIEM exports).
//
// A format is a FlatCsvFormat table: how it recognizes its header (its own
// Sniff rule), which columns feed which AuditData keys (flat_record.h), which
// column holds the event time, and optionally what a column mapping cannot
// say (a completion hook) or which missing columns deserve a note. One
// parser, MakeFlatCsvParser, runs every table, so a new flat format is one
// file in parsers/formats/ holding its table plus one line in
// parsers/builtin.cc (docs/DESIGN.md, "Adding a format").
//
// Column names in a table are matched ignoring ASCII case and surrounding
// blanks. An entry "A|B|C" names alternatives: the first one present in the
// header is used.
//
// Tables are constant data; the parser is stateless and thread-safe (per-file
// state lives in each Parse() call).
#ifndef TERN_PARSERS_FLAT_CSV_H_
#define TERN_PARSERS_FLAT_CSV_H_

#include <memory>
#include <string_view>

#include "absl/types/span.h"
#include "core/ingest/parser.h"
#include "core/model/event.h"
#include "parsers/csv_common.h"
#include "parsers/flat_record.h"

namespace tern {

// One record of a flat CSV, as a completion hook sees it.
class FlatRow {
 public:
  FlatRow(const CsvHeader& header, absl::Span<const std::string_view> cells)
      : header_(header), cells_(cells) {}
  // The cell of the first present column among `alternatives` ("A|B"); ""
  // when none is in the header or the row is short.
  std::string_view Cell(std::string_view alternatives) const;

 private:
  const CsvHeader& header_;
  absl::Span<const std::string_view> cells_;
};

// A field a partial export may lack: `label` for the note, `columns` the
// alternatives that would carry it.
struct FlatExpected {
  std::string_view label;
  std::string_view columns;
};

struct FlatCsvFormat {
  std::string_view name{};         // format id recorded in custody, e.g. "sentinel-csv"
  std::string_view description{};  // one line for `tern version` and docs

  // Sniff: the header has a column for every entry of `required` (an entry
  // "A|B" is met by either) and none of `absent`; then the file is this
  // format with `confidence` (scale in core/ingest/parser.h).
  absl::Span<const std::string_view> required{};
  absl::Span<const std::string_view> absent{};
  int confidence = 0;

  // Column -> AuditData key, turned into an Event by NormalizeAuditData.
  absl::Span<const FlatColumn> columns{};

  // The event time: the first present of these columns, ISO-8601 or
  // culture-formatted (day/month order resolved per file).
  std::string_view time{};
  // Used when a record's time cell is empty or the file has no `time`
  // column: a collection time, so events are flagged kFlagTimeFromWrapper.
  // Empty: none.
  std::string_view late_time{};
  // Warning (kind "time-from-wrapper", once per file) when the file has a
  // `late_time` column but no `time` column; "{column}" is replaced by the
  // late column's name as written.
  std::string_view late_time_warning{};

  // Fields a partial export may lack. When the header has no column for some
  // of them, one warning of kind `missing_kind` names them (a per-file note
  // for custody: analyses that need those fields are limited).
  absl::Span<const FlatExpected> expected{};
  std::string_view missing_kind{};
  std::string_view missing_note{};  // appended to the list of missing fields

  // What a column mapping cannot say (defaults, fields derived from others),
  // applied to each normalized event before it is emitted. May be null.
  void (*complete)(const FlatRow& row, Event* event) = nullptr;
};

// The parser for `format`, which must outlive it (tables are static data).
std::unique_ptr<Parser> MakeFlatCsvParser(const FlatCsvFormat& format);

}  // namespace tern

#endif  // TERN_PARSERS_FLAT_CSV_H_
