// String helpers every module shares: bridging std::string_view and
// absl::string_view, and the one ASCII case-insensitive comparison family
// (operation names, cmdlet parameters, header names, format names, search
// terms). Pure functions; thread-safe.
//
// Debian 12's Abseil (20220623) is built with ABSL_OPTION_USE_STD_STRING_VIEW
// 0, so absl::string_view is a distinct type with no implicit conversion
// from std::string_view; absl's own EqualsIgnoreCase would need ToAbsl() at
// every call.
#ifndef TERN_CORE_BASE_STRINGS_H_
#define TERN_CORE_BASE_STRINGS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace tern {

inline absl::string_view ToAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}
inline std::string_view ToStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }

// Abseil's hash of the text, for the hash tables keyed by text through
// another type (ids, positions). Seeded per process: never store it.
size_t HashText(std::string_view s);

// ASCII case folding only: evidence text is UTF-8, and the names these
// compare (operations, parameters, column headers) are ASCII.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);
bool EndsWithIgnoreCase(std::string_view s, std::string_view suffix);
// True when `needle` is empty.
bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle);
// `s` with A-Z folded to a-z (other bytes, UTF-8 included, unchanged): a
// key that compares like EqualsIgnoreCase.
std::string AsciiLower(std::string_view s);
// The same into `out` (replacing its contents), reusing its buffer: for keys
// built once per record.
void AsciiLowerInto(std::string_view s, std::string* out);

// `text` without leading and trailing ASCII white space (absl::ascii_isspace).
std::string_view TrimAsciiWhitespace(std::string_view text);

}  // namespace tern

#endif  // TERN_CORE_BASE_STRINGS_H_
