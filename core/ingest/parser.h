// The parser interface and the explicit registry of formats.
//
// A format is one class implementing Parser (or, for a flat CSV, one table
// run by parsers/flat_csv.h) plus one line in parsers/builtin.cc. Each format
// decides from content whether a stream is its own (Sniff); the registry picks
// the most confident. Parsers are stateless and const: one instance parses
// many streams, possibly on several threads at once.
#ifndef TERN_CORE_INGEST_PARSER_H_
#define TERN_CORE_INGEST_PARSER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "core/evidence/byte_stream.h"
#include "core/model/event.h"
#include "core/model/warning.h"

namespace tern {

// How many leading bytes of decoded text Sniff() sees (fewer for short files).
inline constexpr size_t kSniffBytes = 64 * 1024;

// Receives parsed events. Implemented by the ingester (dedup + store).
class EventSink {
 public:
  virtual ~EventSink() = default;
  // Takes one normalized event and the verbatim bytes of its record (the CSV
  // row including embedded newlines, the JSON line or value). A non-OK status
  // (the store failed) means: stop parsing and return that status.
  virtual absl::Status Accept(Event event, std::string_view raw) = 0;
};

// Everything a parse needs besides its bytes. Owned by the caller.
struct ParseContext {
  std::string source;             // display name of the item, for messages
  uint32_t evidence_ordinal = 0;  // goes into each Event's provenance
  EventSink* events = nullptr;
  WarningSink* warnings = nullptr;
  uint64_t rejected = 0;  // incremented by Reject()
  // A record larger than this many bytes is rejected (with its line) instead
  // of being held in memory. Default: 0, the format's own cap (CSV 32 MiB,
  // JSON 64 MiB, XML 16 MiB).
  uint64_t max_record_bytes = 0;

  // Counts a record that could not be used and reports why, with its line.
  void Reject(uint64_t line, std::string_view reason);
  // Reports a warning about this item (kind as in core/model/warning.h).
  void Warn(std::string_view kind, uint64_t line, std::string_view detail);
};

class Parser {
 public:
  virtual ~Parser() = default;
  // Stable format id recorded in custody, e.g. "purview-csv", "ual-jsonl".
  virtual std::string_view name() const = 0;
  // One line for `tern version` / docs.
  virtual std::string_view description() const = 0;
  // Confidence (0 = not this format, 100 = certain) that a stream whose decoded
  // text starts with `head` (BOM removed; at most kSniffBytes) is this format.
  // The format's own rule, from content only (never the file name). Scale:
  //   95-100  a marker only this format writes (Graph's auditLogRecordType,
  //           Sentinel's OfficeWorkload column);
  //   80-94   the format's full set of keys or columns;
  //   60-79   the format with something it usually has missing (no date
  //           column, a record written as a JSON string);
  //    1-59   generic shapes that take what no specific format claims (the
  //           partial-column CSV of KQL/SIEM exports).
  // Must be pure and cheap: it runs for every registered format on every file.
  virtual int Sniff(std::string_view head) const = 0;
  // Parses the whole decoded UTF-8 `text`, emitting events to ctx.events and
  // rejecting bad records through ctx.Reject(). Returns non-OK only when the
  // stream itself fails or the sink refuses; records already emitted stay.
  virtual absl::Status Parse(ByteStream& text, ParseContext& ctx) const = 0;
};

// Owns the parsers. Thread-compatible to build; thread-safe to read once built.
class ParserRegistry {
 public:
  // AlreadyExists if a parser with the same name is registered.
  absl::Status Register(std::unique_ptr<Parser> parser);
  // The parser with the highest positive Sniff() score, or nullptr when none
  // recognizes `head`. Equal scores go to the parser whose name sorts first,
  // so the choice never depends on registration order.
  const Parser* Detect(std::string_view head) const;
  const Parser* Find(std::string_view name) const;
  const std::vector<std::unique_ptr<Parser>>& parsers() const { return parsers_; }

 private:
  std::vector<std::unique_ptr<Parser>> parsers_;
};

}  // namespace tern

#endif  // TERN_CORE_INGEST_PARSER_H_
