// Flat records: audit events given as column name -> text (Sentinel
// OfficeActivity CSV, Search-MailboxAuditLog CSV, spreadsheet-flattened
// exports) instead of one AuditData JSON object.
//
// A per-format alias table maps column names (case-insensitive) to AuditData
// keys. For each record the mapped cells are assembled into an
// AuditData-shaped JSON object, which NormalizeAuditData then turns into an
// Event. So a flat record and a JSON record with the same content normalize
// identically: one set of rules for numbers and booleans as text, enum names,
// JSON-in-string cells (Folders, Item, AffectedItems, OperationProperties,
// Parameters), IP forms and extra fields.
//
// FlatSchema is immutable once built and safe to share between threads;
// NormalizeFlatRecord is thread-safe.
#ifndef TERN_PARSERS_FLAT_RECORD_H_
#define TERN_PARSERS_FLAT_RECORD_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "core/model/event.h"
#include "parsers/csv_common.h"

namespace tern {

// How a cell's text becomes an AuditData value.
enum class FlatKind : uint8_t {
  // Passed as a JSON string. NormalizeAuditData reads numbers ("50"),
  // booleans ("TRUE", "False"), enum names ("ExchangeItem", "Owner") and
  // JSON held in strings (Sentinel's pretty-printed Folders) from strings.
  kText,
  // Search-MailboxAuditLog's flattened Name/Value list,
  // "MailAccessType:Sync IsThrottled:True", turned into
  // [{"Name":"MailAccessType","Value":"Sync"},...].
  kNameValueTokens,
  // A Name/Value list as analysts' exports hold it: JSON (passed on as
  // kText), PowerShell command-line text ("-Identity 'x' -Force", see
  // SplitCmdletParameters) or "Name:Value" words (as kNameValueTokens).
  kNameValueList,
};

// One alias: the column `column` feeds the AuditData key `key`. A dotted key
// ("Item.Subject") builds nested objects. When several columns feed one key,
// the first non-empty one in table order wins.
struct FlatColumn {
  std::string_view column;
  std::string_view key;
  FlatKind kind = FlatKind::kText;
};

// A header resolved against an alias table, built once per file.
class FlatSchema {
 public:
  FlatSchema(const CsvHeader& header, absl::Span<const FlatColumn> columns);

  // Number of table entries that matched a header column.
  size_t matched() const { return matched_; }

  // Appends the AuditData-shaped JSON object for `cells` to `out`. Empty
  // cells are left out, as are PowerShell placeholders for collections
  // ("System.Collections.Generic.List`1[...]", "System.Object[]",
  // "Microsoft.Exchange....") and objects ("@{Id=...; Path=...}").
  void BuildJson(absl::Span<const std::string_view> cells, std::string* out) const;

 private:
  struct Node {
    std::string name;  // key segment
    FlatKind kind = FlatKind::kText;
    std::vector<int> columns;    // leaf: candidate cells, in priority order
    std::vector<Node> children;  // non-empty: an object
  };
  static bool Emit(const std::vector<Node>& nodes, absl::Span<const std::string_view> cells,
                   std::string* out);

  std::vector<Node> root_;
  size_t matched_ = 0;
};

// Normalizes one flat record into `event` (all but provenance and the time
// columns, which the caller reads: their culture formats need per-file
// context). `scratch` is reused between calls to avoid reallocating.
// Errors as NormalizeAuditData (InvalidArgument when no usable field).
absl::Status NormalizeFlatRecord(const FlatSchema& schema, absl::Span<const std::string_view> cells,
                                 Event* event, std::string* scratch);

// Splits Search-MailboxAuditLog's flattened list "A:1 B:two words C:3" into
// (name, value) pairs. A new pair starts at a word of the form `Name:` (a
// letter, then letters/digits/underscores); other words continue the
// previous value, so values may hold spaces and colons ("RuleCondition:
// {(Exists(ItemClass))}", "Url:https://x"). Separators: blanks, ',' ';'.
std::vector<std::pair<std::string_view, std::string_view>> SplitNameValueTokens(
    std::string_view text);

// Splits PowerShell parameters as a command line writes them,
// "-Identity 'Jane Doe' -ForwardingSmtpAddress x@y.example -Force
// -Enabled:$false", into (name, value) pairs. Values may be quoted ('...' or
// "...", quotes removed) or span several words up to the next -Name; a switch
// with no value gets "True", as Exchange's audit log records it.
std::vector<std::pair<std::string, std::string>> SplitCmdletParameters(std::string_view text);

}  // namespace tern

#endif  // TERN_PARSERS_FLAT_RECORD_H_
