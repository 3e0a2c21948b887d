// Plumbing shared by the CSV formats (purview-csv, sual-csv, sentinel-csv,
// mailbox-audit-csv): header lookup by column name, the header sniff, and
// the per-file resolution of culture-formatted dates ("3/12/2025 7:31:34 AM"
// is 12 March or 3 December depending on who exported it).
//
// Thread-compatible: each Parse() call owns its instances.
#ifndef TERN_PARSERS_CSV_COMMON_H_
#define TERN_PARSERS_CSV_COMMON_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "core/base/time.h"
#include "core/ingest/parser.h"
#include "core/model/event.h"
#include "parsers/csv_reader.h"

namespace tern {

// Column positions by header name, compared case-insensitively and ignoring
// surrounding blanks. Producers disagree on case ("AuditData"/"auditData")
// and column order, so formats never address a column by position.
class CsvHeader {
 public:
  CsvHeader() = default;
  explicit CsvHeader(absl::Span<const std::string_view> names);

  // The first column whose name equals one of `names`, tried in the order
  // given (so earlier names win); -1 if none.
  int Find(std::initializer_list<std::string_view> names) const;
  bool Has(std::string_view name) const { return Find({name}) >= 0; }
  // As Find, with the names given as one "A|B|C" string.
  int FindAny(std::string_view alternatives) const;
  size_t size() const { return names_.size(); }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;  // as written, trimmed
};

// What a sniff head reveals about a CSV file.
struct CsvHead {
  CsvHeader header;
  // Every header cell was quoted: the signature of PowerShell Export-Csv
  // (the Purview portal quotes only cells that need it).
  bool all_quoted = false;
  bool type_line = false;  // a leading "#TYPE ..." line (Export-Csv, PS 5.1)
};

// Reads the header in the first bytes of a file.
// nullopt when `head` does not start with something CSV-like: JSON, or a
// first record that is malformed or has a single column.
std::optional<CsvHead> ReadCsvHead(std::string_view head);

// Reader options for a parse: the record cap from ctx.max_record_bytes.
CsvReaderOptions CsvOptionsFor(const ParseContext& ctx);

// True for a record whose cells are all empty (",,,," lines Excel leaves).
bool AllCellsEmpty(absl::Span<const std::string_view> cells);

// Rejects `reader`'s current record if the CSV layer could not read it and
// returns true; warns once per record for a lenient stray quote.
bool RejectMalformed(const CsvReader& reader, ParseContext& ctx);

// A parsed integer cell ("12", " -1 "); nullopt otherwise.
std::optional<int64_t> ParseIntCell(std::string_view text);

// Resolves one file's culture-formatted dates and hands its events to the
// sink. Events whose time comes from such a date wait (bounded) until the
// file's day/month order is known; every event gets its provenance here.
//
// Evidence for the order: a slash date with a part above 12 settles it
// (InferDateOrder); an ambiguous one settles it when a trusted time for the
// same record (AuditData CreationTime) matches only one reading. If the file
// ends, or too many events wait, without an answer, the order is taken as
// month-first (US, the default culture of Exchange Online exports) and one
// "ambiguous-date-order" warning is reported; should a later date prove the
// file day-first, the rest is read day-first and a second warning names the
// line from which times are right. Contradicting evidence after an inferred
// order is reported once as "mixed-date-order" (the first order is kept).
class DatedEmitter {
 public:
  // Caps on held-back events before the order is forced.
  static constexpr size_t kMaxPendingRecords = 10000;
  static constexpr size_t kMaxPendingBytes = size_t{64} << 20;

  explicit DatedEmitter(ParseContext& ctx) : ctx_(ctx) {}

  // Adds evidence from a culture-formatted `date`; `truth` is the record's
  // own UTC time when it has one.
  void Observe(std::string_view date, std::optional<TimeMs> truth, uint64_t line);

  // Emits an event that already has its time.
  absl::Status Emit(Event event, std::string_view raw, uint64_t line, uint64_t index);

  // Emits an event whose time is `date`; `flags` are added when the date is
  // used (kFlagTimeFromWrapper for a wrapper column). An unparseable date
  // leaves time_ms 0 with kFlagNoTime.
  absl::Status EmitDated(Event event, std::string_view raw, uint64_t line, uint64_t index,
                         std::string_view date, uint32_t flags);

  // Flushes what waits and reports the file-level warnings.
  absl::Status Finish();

  std::optional<DateOrder> order() const { return order_; }

 private:
  struct Pending {
    Event event;
    std::string raw;
    std::string date;
    uint32_t flags;
  };
  absl::Status Send(Event event, std::string_view raw, uint64_t line, uint64_t index);
  absl::Status SendDated(Event event, std::string_view raw, std::string_view date, uint32_t flags);
  absl::Status Flush();
  void Decide(DateOrder order, uint64_t line);

  ParseContext& ctx_;
  std::optional<DateOrder> order_;
  bool forced_ = false;  // order_ was assumed, not inferred
  bool mixed_warned_ = false;
  std::deque<Pending> pending_;
  size_t pending_bytes_ = 0;
  uint64_t unparsed_ = 0;
  uint64_t first_unparsed_line_ = 0;
  std::string first_unparsed_;
};

}  // namespace tern

#endif  // TERN_PARSERS_CSV_COMMON_H_
