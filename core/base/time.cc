#include "core/base/time.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/base/strings.h"

namespace tern {
namespace {

constexpr int64_t kMsPerSecond = 1000;
constexpr int64_t kMsPerMinute = 60 * kMsPerSecond;
constexpr int64_t kMsPerHour = 60 * kMsPerMinute;
constexpr int64_t kMsPerDay = 24 * kMsPerHour;

// Days between 0000-03-01 (start of the computational era) and 1970-01-01.
constexpr int64_t kEpochShiftDays = 719468;
constexpr int64_t kDaysPer400Years = 146097;

// Evidence text can be arbitrarily long and hostile; error messages quote at
// most this many bytes of it, hex-escaped.
constexpr size_t kMaxQuotedBytes = 64;

// Every time tern accepts must be printable by FormatRfc3339 as a four-digit
// year, so /Date(ms)/ values are limited to 0000-01-01 .. 9999-12-31.
constexpr int64_t kMinTimeMs = -62167219200000;  // 0000-01-01T00:00:00.000Z
constexpr int64_t kMaxTimeMs = 253402300799999;  // 9999-12-31T23:59:59.999Z

// Proleptic Gregorian calendar arithmetic in 400-year eras. Years are shifted
// to start in March so the leap day is the last day of the shifted year, which
// makes the month lengths a fixed linear pattern (153 days per 5 months).
constexpr int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;
  const int64_t march_month = month > 2 ? month - 3 : month + 9;
  const int64_t day_of_year = (153 * march_month + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * kDaysPer400Years + day_of_era - kEpochShiftDays;
}

struct CivilDate {
  int64_t year;
  int month;
  int day;
};

constexpr CivilDate CivilFromDays(int64_t days_since_epoch) {
  const int64_t days = days_since_epoch + kEpochShiftDays;
  const int64_t era = (days >= 0 ? days : days - (kDaysPer400Years - 1)) / kDaysPer400Years;
  const int64_t day_of_era = days - era * kDaysPer400Years;
  // Undo the leap-day corrections (every 4, 100 and 400 years) to get the year.
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t march_month = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * march_month + 2) / 5 + 1);
  const int month = static_cast<int>(march_month < 10 ? march_month + 3 : march_month - 9);
  return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

static_assert(DaysFromCivil(1970, 1, 1) == 0);
static_assert(DaysFromCivil(2000, 3, 1) == 11017);
static_assert(CivilFromDays(-1).year == 1969 && CivilFromDays(-1).day == 31);

constexpr bool IsLeapYear(int year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

constexpr int DaysInMonth(int year, int month) {
  constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Writes `value` (>= 0) as exactly `width` zero-padded digits starting at `begin`.
void PutFixedDigits(int64_t value, int width, char* begin) {
  for (int i = width - 1; i >= 0; --i) {
    begin[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

int CountDigits(uint64_t value) {
  int digits = 1;
  while (value >= 10) {
    value /= 10;
    ++digits;
  }
  return digits;
}

absl::Status InvalidTime(std::string_view what, std::string_view text) {
  const bool truncated = text.size() > kMaxQuotedBytes;
  return absl::InvalidArgumentError(
      absl::StrCat(ToAbsl(what), " \"", absl::CHexEscape(ToAbsl(text.substr(0, kMaxQuotedBytes))),
                   truncated ? "\"... (truncated)" : "\""));
}

// A forward-only reader over the text being parsed. Every read checks bounds,
// so no input can make a parser run past the end or loop without progress.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ >= text_.size(); }
  bool PeekIs(char c) const { return !AtEnd() && text_[pos_] == c; }
  bool PeekIsDigit() const { return !AtEnd() && absl::ascii_isdigit(text_[pos_]); }

  bool Consume(char c) {
    if (!PeekIs(c)) return false;
    ++pos_;
    return true;
  }

  bool ConsumeIgnoreCase(std::string_view word) {
    if (AtEnd() || !StartsWithIgnoreCase(text_.substr(pos_), word)) return false;
    pos_ += word.size();
    return true;
  }

  // Skips ' ', U+00A0 and U+202F; returns true if anything was skipped. ICU
  // (CLDR 42+, used by .NET 8 and PowerShell 7.4) writes U+202F before "AM".
  bool SkipSpaces() {
    const size_t start = pos_;
    while (!AtEnd()) {
      const std::string_view rest = text_.substr(pos_);
      if (rest.starts_with(' ')) {
        pos_ += 1;
      } else if (rest.starts_with("\xC2\xA0")) {
        pos_ += 2;
      } else if (rest.starts_with("\xE2\x80\xAF")) {
        pos_ += 3;
      } else {
        break;
      }
    }
    return pos_ > start;
  }

  // Reads between `min_digits` and `max_digits` (<= 9) decimal digits.
  bool ReadNumber(int min_digits, int max_digits, int* value) {
    int digits = 0;
    int result = 0;
    while (digits < max_digits && PeekIsDigit()) {
      result = result * 10 + (text_[pos_] - '0');
      ++pos_;
      ++digits;
    }
    if (digits < min_digits) return false;
    *value = result;
    return true;
  }

  // Reads one or more fraction digits and keeps the first three as milliseconds
  // (truncated, never rounded: rounding could carry into the next second).
  bool ReadFractionMs(int* millis) {
    int digits = 0;
    int result = 0;
    while (PeekIsDigit()) {
      if (digits < 3) result = result * 10 + (text_[pos_] - '0');
      ++pos_;
      ++digits;
    }
    if (digits == 0) return false;
    for (int i = digits; i < 3; ++i) result *= 10;
    *millis = result;
    return true;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

struct DateTimeFields {
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millis = 0;
  int offset_minutes = 0;  // local time minus UTC
};

// Range-checks the fields and converts them to UTC milliseconds.
std::optional<TimeMs> FieldsToTime(const DateTimeFields& f) {
  if (f.year < 0 || f.year > 9999 || f.month < 1 || f.month > 12 || f.day < 1 ||
      f.day > DaysInMonth(f.year, f.month) || f.hour > 23 || f.minute > 59 || f.second > 60) {
    return std::nullopt;
  }
  // A leap second (":60") has no slot in Unix time; folding it into :59 keeps
  // the event inside the minute in which it was logged.
  const int second = f.second == 60 ? 59 : f.second;
  return DaysFromCivil(f.year, f.month, f.day) * kMsPerDay + f.hour * kMsPerHour +
         f.minute * kMsPerMinute + second * kMsPerSecond + f.millis -
         f.offset_minutes * kMsPerMinute;
}

// "yyyy-mm-dd" with exactly two-digit month and day.
bool ScanIsoDate(Scanner& s, DateTimeFields& f) {
  return s.ReadNumber(4, 4, &f.year) && s.Consume('-') && s.ReadNumber(2, 2, &f.month) &&
         s.Consume('-') && s.ReadNumber(2, 2, &f.day);
}

// "hh:mm[:ss[.fff]]"; wrapper dates write the hour without padding ("1:56:15").
bool ScanClock(Scanner& s, int min_hour_digits, DateTimeFields& f) {
  if (!s.ReadNumber(min_hour_digits, 2, &f.hour) || !s.Consume(':') ||
      !s.ReadNumber(2, 2, &f.minute)) {
    return false;
  }
  if (!s.Consume(':')) return true;
  if (!s.ReadNumber(2, 2, &f.second)) return false;
  if (s.Consume('.') || s.Consume(',')) return s.ReadFractionMs(&f.millis);
  return true;
}

// Optional zone: "Z", "UTC", "GMT", "+hh:mm", "+hhmm" or "+hh" (or '-').
bool ScanOptionalZone(Scanner& s, DateTimeFields& f) {
  s.SkipSpaces();
  if (s.AtEnd()) return true;
  if (s.Consume('Z') || s.Consume('z') || s.ConsumeIgnoreCase("UTC") ||
      s.ConsumeIgnoreCase("GMT")) {
    return true;
  }
  int sign = 0;
  if (s.Consume('+')) {
    sign = 1;
  } else if (s.Consume('-')) {
    sign = -1;
  } else {
    return false;
  }
  int hours = 0;
  int minutes = 0;
  if (!s.ReadNumber(2, 2, &hours)) return false;
  if (s.Consume(':')) {
    if (!s.ReadNumber(2, 2, &minutes)) return false;
  } else if (s.PeekIsDigit() && !s.ReadNumber(2, 2, &minutes)) {
    return false;
  }
  if (hours > 23 || minutes > 59) return false;
  f.offset_minutes = sign * (hours * 60 + minutes);
  return true;
}

// Optional "AM"/"PM" after a 12-hour clock: 12 AM is 00h, 12 PM is 12h.
bool ScanOptionalMeridiem(Scanner& s, DateTimeFields& f) {
  s.SkipSpaces();
  bool pm = false;
  if (s.ConsumeIgnoreCase("PM")) {
    pm = true;
  } else if (!s.ConsumeIgnoreCase("AM")) {
    return true;
  }
  if (f.hour < 1 || f.hour > 12) return false;
  f.hour = (f.hour % 12) + (pm ? 12 : 0);
  return true;
}

// Everything after a wrapper date: nothing (midnight), or an optional comma
// (Sentinel), 'T' or spaces, a clock, an optional AM/PM and an optional zone.
bool ScanWrapperTail(Scanner& s, DateTimeFields& f) {
  if (s.AtEnd()) return true;
  s.Consume(',');
  if (!s.Consume('T') && !s.SkipSpaces()) return false;
  return ScanClock(s, /*min_hour_digits=*/1, f) && ScanOptionalMeridiem(s, f) &&
         ScanOptionalZone(s, f) && s.AtEnd();
}

// PowerShell 5.1 / .NET JSON dates: "\/Date(1600000000000)\/", "/Date(ms)/",
// "/Date(ms+0000)/". The number is already UTC milliseconds; the optional
// offset only names the writer's local zone, so it is checked and ignored.
std::optional<TimeMs> ParseDotNetDate(std::string_view text) {
  std::string_view rest = text;
  if (rest.starts_with("\\/Date(")) {
    rest.remove_prefix(7);
  } else if (rest.starts_with("/Date(")) {
    rest.remove_prefix(6);
  } else {
    return std::nullopt;
  }
  if (rest.ends_with(")\\/")) {
    rest.remove_suffix(3);
  } else if (rest.ends_with(")/")) {
    rest.remove_suffix(2);
  } else {
    return std::nullopt;
  }
  const bool negative = rest.starts_with('-');
  if (negative) rest.remove_prefix(1);
  // 15 digits cover the whole 0000..9999 range; more can only be out of range,
  // and the cap keeps the accumulation far from overflow.
  constexpr size_t kMaxMsDigits = 15;
  size_t digits = 0;
  int64_t ms = 0;
  while (digits < rest.size() && absl::ascii_isdigit(rest[digits])) {
    if (digits == kMaxMsDigits) return std::nullopt;
    ms = ms * 10 + (rest[digits] - '0');
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  rest.remove_prefix(digits);
  if (!rest.empty()) {
    if (rest.size() != 5 || (rest[0] != '+' && rest[0] != '-')) return std::nullopt;
    for (char c : rest.substr(1)) {
      if (!absl::ascii_isdigit(c)) return std::nullopt;
    }
  }
  if (negative) ms = -ms;
  if (ms < kMinTimeMs || ms > kMaxTimeMs) return std::nullopt;
  return ms;
}

}  // namespace

std::string FormatRfc3339(TimeMs t) {
  if (t == kNoTime) return "";
  // Floor division: times before 1970 still have a non-negative time of day.
  int64_t days = t / kMsPerDay;
  int64_t ms_of_day = t % kMsPerDay;
  if (ms_of_day < 0) {
    ms_of_day += kMsPerDay;
    --days;
  }
  const CivilDate date = CivilFromDays(days);

  // Longest output: sign + 12-digit year + "-mm-ddThh:mm:ss.mmmZ".
  char buffer[40];
  char* p = buffer;
  if (date.year >= 0 && date.year <= 9999) {
    PutFixedDigits(date.year, 4, p);
    p += 4;
  } else {
    // Outside RFC 3339's range: ISO 8601 expanded year, so output stays ordered
    // and unambiguous instead of silently wrapping.
    *p++ = date.year < 0 ? '-' : '+';
    const uint64_t magnitude =
        date.year < 0 ? 0 - static_cast<uint64_t>(date.year) : static_cast<uint64_t>(date.year);
    const int width = CountDigits(magnitude) < 4 ? 4 : CountDigits(magnitude);
    PutFixedDigits(static_cast<int64_t>(magnitude), width, p);
    p += width;
  }
  const int64_t hour = ms_of_day / kMsPerHour;
  const int64_t minute = ms_of_day / kMsPerMinute % 60;
  const int64_t second = ms_of_day / kMsPerSecond % 60;
  const int64_t millis = ms_of_day % kMsPerSecond;
  *p++ = '-';
  PutFixedDigits(date.month, 2, p);
  p += 2;
  *p++ = '-';
  PutFixedDigits(date.day, 2, p);
  p += 2;
  *p++ = 'T';
  PutFixedDigits(hour, 2, p);
  p += 2;
  *p++ = ':';
  PutFixedDigits(minute, 2, p);
  p += 2;
  *p++ = ':';
  PutFixedDigits(second, 2, p);
  p += 2;
  if (millis != 0) {
    *p++ = '.';
    PutFixedDigits(millis, 3, p);
    p += 3;
  }
  *p++ = 'Z';
  return std::string(buffer, p);
}

absl::StatusOr<TimeMs> ParseIso8601(std::string_view text) {
  Scanner s(TrimAsciiWhitespace(text));
  DateTimeFields fields;
  if (!ScanIsoDate(s, fields) || !(s.Consume('T') || s.Consume('t') || s.SkipSpaces()) ||
      !ScanClock(s, /*min_hour_digits=*/2, fields) || !ScanOptionalZone(s, fields) || !s.AtEnd()) {
    return InvalidTime("not an ISO 8601 date-time:", text);
  }
  const std::optional<TimeMs> t = FieldsToTime(fields);
  if (!t.has_value()) return InvalidTime("ISO 8601 date-time field out of range:", text);
  return *t;
}

absl::StatusOr<TimeMs> ParseWrapperDate(std::string_view text, DateOrder order) {
  const std::string_view trimmed = TrimAsciiWhitespace(text);
  if (trimmed.starts_with("\\/") || trimmed.starts_with("/")) {
    const std::optional<TimeMs> t = ParseDotNetDate(trimmed);
    if (!t.has_value()) return InvalidTime("not a /Date(ms)/ value in range:", text);
    return *t;
  }

  Scanner s(trimmed);
  DateTimeFields fields;
  int first = 0;
  if (!s.ReadNumber(1, 4, &first)) return InvalidTime("not a date:", text);
  bool scanned = false;
  if (s.Consume('-')) {
    // ISO-like; the full ISO grammar first, then "2022-09-15 5:49:22 PM".
    absl::StatusOr<TimeMs> iso = ParseIso8601(trimmed);
    if (iso.ok()) return iso;
    fields.year = first;
    scanned = first >= 1000 && s.ReadNumber(1, 2, &fields.month) && s.Consume('-') &&
              s.ReadNumber(1, 2, &fields.day) && ScanWrapperTail(s, fields);
  } else if (s.Consume('/')) {
    int second = 0;
    int third = 0;
    if (first >= 1000) {
      // "2023/09/26 1:56:15" (year-first cultures, e.g. ja-JP): never ambiguous.
      fields.year = first;
      scanned = s.ReadNumber(1, 2, &fields.month) && s.Consume('/') &&
                s.ReadNumber(1, 2, &fields.day) && ScanWrapperTail(s, fields);
    } else {
      scanned = s.ReadNumber(1, 2, &second) && s.Consume('/') && s.ReadNumber(4, 4, &third) &&
                ScanWrapperTail(s, fields);
      fields.year = third;
      fields.month = order == DateOrder::kMonthFirst ? first : second;
      fields.day = order == DateOrder::kMonthFirst ? second : first;
    }
  } else if (s.Consume('.')) {
    // "26.09.2023 13:56:15": cultures that write dots put the day first.
    fields.day = first;
    scanned = s.ReadNumber(1, 2, &fields.month) && s.Consume('.') &&
              s.ReadNumber(4, 4, &fields.year) && ScanWrapperTail(s, fields);
  }
  if (!scanned) return InvalidTime("not a recognized wrapper date:", text);
  const std::optional<TimeMs> t = FieldsToTime(fields);
  if (!t.has_value()) return InvalidTime("wrapper date field out of range:", text);
  return *t;
}

std::optional<DateOrder> InferDateOrder(std::string_view text) {
  Scanner s(TrimAsciiWhitespace(text));
  int first = 0;
  int second = 0;
  if (!s.ReadNumber(1, 2, &first) || !s.Consume('/') || !s.ReadNumber(1, 2, &second) ||
      !s.Consume('/')) {
    return std::nullopt;
  }
  const bool first_fits_month = first >= 1 && first <= 12;
  const bool second_fits_month = second >= 1 && second <= 12;
  if (first > 12 && first <= 31 && second_fits_month) return DateOrder::kDayFirst;
  if (second > 12 && second <= 31 && first_fits_month) return DateOrder::kMonthFirst;
  return std::nullopt;
}

}  // namespace tern
