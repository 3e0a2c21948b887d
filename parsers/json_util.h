// Small helpers shared by the JSON parsers: a per-thread pool of simdjson DOM
// parsers, tolerant accessors for values that arrive with the "wrong" JSON
// type in real exports (numbers and booleans as strings), and a reader of
// the first record's keys that the JSON formats sniff with.
//
// simdjson is used in its error-code style only; nothing here throws.
// Thread-safe: the parser pool is per thread, everything else is pure.
#ifndef TERN_PARSERS_JSON_UTIL_H_
#define TERN_PARSERS_JSON_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simdjson.h"

// parsers/ is built with SIMDJSON_EXCEPTIONS=0 (parsers/CMakeLists.txt): the
// error-code API only, so no simdjson exception can cross a module boundary.
static_assert(!SIMDJSON_EXCEPTIONS, "parsers/ must use simdjson without exceptions");

namespace tern::json {

// Borrows a DOM parser from the calling thread's pool for the lifetime of the
// lease. Parsers keep their buffers between records, so steady-state parsing
// does not allocate. Nested leases (a JSON string holding JSON, decoded while
// the outer document is still in use) get distinct parsers. A lease must be
// released on the thread that took it (it is a scoped local).
class ParserLease {
 public:
  ParserLease();
  ~ParserLease();
  ParserLease(const ParserLease&) = delete;
  ParserLease& operator=(const ParserLease&) = delete;

  simdjson::dom::parser& parser() { return *parser_; }

  // Parses `text` (copied into the parser's padded buffer). The returned
  // element stays valid until this lease ends or parses again.
  simdjson::simdjson_result<simdjson::dom::element> Parse(std::string_view text);

 private:
  simdjson::dom::parser* parser_;
  bool pooled_;
};

// ASCII helpers over std::string_view (Debian's Abseil has its own
// absl::string_view type, so its strings/ helpers do not take std ones).
std::string_view StripSpace(std::string_view s);
std::string_view StripLeadingSpace(std::string_view s);
std::string Lower(std::string_view s);

// The string value of `e`, or nullopt when `e` is not a string.
std::optional<std::string_view> AsString(simdjson::dom::element e);

// `e` rendered as text: strings as-is, numbers and booleans as their JSON
// text, null as "". Objects and arrays as minified JSON.
std::string ScalarText(simdjson::dom::element e);

// An integer from a JSON integer, a whole float, or a decimal string ("50",
// " 2 "). nullopt otherwise.
std::optional<int64_t> AsInt(simdjson::dom::element e);

// A boolean from true/false, 0/1, or the strings "true"/"false"/"1"/"0" in
// any case ("True", "FALSE"). nullopt otherwise.
std::optional<bool> AsBool(simdjson::dom::element e);

// True for null and for the empty string: fields exports write when a value
// is absent.
bool IsBlank(simdjson::dom::element e);

// Looks up `key` in `obj` ignoring ASCII case; returns false if absent.
bool FindKey(simdjson::dom::object obj, std::string_view key, simdjson::dom::element* out);

// `text` with every \u escape of an unpaired UTF-16 surrogate ("\ud800" not
// followed by a low-surrogate escape, or a lone "\udc00") replaced by
// "\ufffd"; nullopt when there is none. .NET serializes strings with lone
// surrogates that way (an inbox rule name can hold one) and simdjson rejects
// them, which would let one crafted string hide a whole record.
std::optional<std::string> ReplaceLoneSurrogateEscapes(std::string_view text);

// Parses `text` into *root, recovering from what exports really hold: on
// invalid UTF-8 the text is parsed again with U+FFFD in place of the bad
// bytes, and if it still fails, with escapes of lone surrogates replaced
// (ReplaceLoneSurrogateEscapes). *lossy says whether anything was replaced;
// *text_used is the last text tried (`text` or the repaired copy kept in
// *storage), for callers that salvage what fails. Returns the last error.
simdjson::error_code ParseRecovering(ParserLease& lease, std::string_view text,
                                     simdjson::dom::element* root, std::string* storage,
                                     std::string_view* text_used, bool* lossy);

// The first record of a JSON file as the start of the file shows it: the
// keys of its outermost object, found through arrays, {"value":[...]} pages
// and records written as JSON strings. It only reports what is there; each
// JSON format's Sniff() decides from it whether the file is its own.
struct JsonHeadRecord {
  bool object = false;              // an object was found (maybe cut by the head's end)
  bool string_wrapped = false;      // the record was a JSON string holding the object
  std::vector<std::string> keys;    // depth-1 keys in order, exact spelling
  std::vector<std::string> values;  // per key: its string value (cut to 128), or ""

  // Exact (case-sensitive) key tests: producers differ in case on purpose
  // (Graph's camelCase "auditData" vs "AuditData").
  bool Has(std::string_view key) const;
  int Count(std::initializer_list<std::string_view> names) const;  // how many are present
  std::string_view ValueOf(std::string_view key) const;
};

// Reads the first record found in `head` (the start of a file, maybe cut
// mid-record). Handles JSON Lines, arrays, {"value":[...]} pages, and records
// that are JSON strings holding an object. Never fails: `object` is false
// when nothing object-like starts the text.
JsonHeadRecord ReadJsonHead(std::string_view head);

}  // namespace tern::json

#endif  // TERN_PARSERS_JSON_UTIL_H_
