// UTC time handling: tern keeps every timestamp as milliseconds since the Unix
// epoch (UTC) and parses the many culture-dependent renderings found in exports.
//
// All functions are pure and thread-safe.
#ifndef TERN_CORE_BASE_TIME_H_
#define TERN_CORE_BASE_TIME_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace tern {

// Milliseconds since 1970-01-01T00:00:00Z.
using TimeMs = int64_t;

// Sentinel for "no time known".
inline constexpr TimeMs kNoTime = INT64_MIN;

// Formats as RFC 3339 UTC: "2023-09-26T01:56:15Z", or "2023-09-26T01:56:15.123Z"
// when the millisecond part is not zero. Deterministic; never locale-dependent.
// kNoTime formats as ""; years outside 0000..9999 (never produced by the
// parsers below) use the ISO 8601 expanded form "+10000-01-01T00:00:00Z".
std::string FormatRfc3339(TimeMs t);

// Parses ISO 8601 / RFC 3339: "2023-09-26T01:56:15", with optional fraction
// (any number of digits, truncated to ms), optional "Z" or "+hh:mm"/"-hh:mm"
// offset (converted to UTC); a date-time without zone is taken as UTC, as
// AuditData CreationTime is. Also accepts a space instead of 'T', "+hhmm",
// "+hh", "UTC", "hh:mm" without seconds and surrounding whitespace; a leap
// second ":60" counts as ":59". Year 0000..9999 only.
// Returns InvalidArgument for anything else, and for out-of-range fields.
absl::StatusOr<TimeMs> ParseIso8601(std::string_view text);

// Order of day and month in a slash-separated wrapper date.
enum class DateOrder { kMonthFirst, kDayFirst };

// Parses culture-formatted wrapper dates, all taken as UTC:
//   "9/26/2023 1:56:15 AM" (US), "26/9/2023 13:56:15" (day-first, with `order`),
//   "4/28/2021, 2:54:37.000 PM" (Sentinel), "2022-09-15 5:49:22 PM",
//   and anything ParseIso8601 accepts, and "\/Date(1600000000000)\/" / "/Date(ms)/".
// Also: "2023/09/26 1:56:15" (year first), "26.09.2023 13:56:15" (dots: always
// day first), a date without a time (midnight), and U+00A0 / U+202F (ICU,
// .NET 8) as spaces. 12 AM is 00h, 12 PM is 12h.
absl::StatusOr<TimeMs> ParseWrapperDate(std::string_view text, DateOrder order);

// Inspects a slash date "a/b/yyyy ..." and reports which orders are possible:
// returns kDayFirst if a > 12, kMonthFirst if b > 12, nullopt if both fit.
std::optional<DateOrder> InferDateOrder(std::string_view text);

}  // namespace tern

#endif  // TERN_CORE_BASE_TIME_H_
