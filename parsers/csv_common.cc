#include "parsers/csv_common.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/base/status_macros.h"
#include "core/base/strings.h"

namespace tern {
namespace {

// Two readings of an ambiguous date agree with a trusted time if they fall
// in the same second (wrapper dates carry no fraction, CreationTime neither).
bool SameSecond(TimeMs a, TimeMs b) { return a / 1000 == b / 1000; }

// True for "a/b/yyyy ..." dates, the only ones whose reading depends on the
// day/month order ("/Date(ms)/" and ISO dates do not).
bool IsSlashDate(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && i < 3 && absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) ++i;
  return i >= 1 && i <= 2 && i < s.size() && s[i] == '/';
}

}  // namespace

CsvHeader::CsvHeader(absl::Span<const std::string_view> names) {
  names_.reserve(names.size());
  for (std::string_view n : names) names_.emplace_back(TrimAsciiWhitespace(n));
}

int CsvHeader::Find(std::initializer_list<std::string_view> names) const {
  for (std::string_view want : names) {
    for (size_t i = 0; i < names_.size(); ++i) {
      if (EqualsIgnoreCase(names_[i], want)) return static_cast<int>(i);
    }
  }
  return -1;
}

int CsvHeader::FindAny(std::string_view alternatives) const {
  while (!alternatives.empty()) {
    const size_t bar = alternatives.find('|');
    const int col = Find({alternatives.substr(0, bar)});
    if (col >= 0) return col;
    if (bar == std::string_view::npos) break;
    alternatives.remove_prefix(bar + 1);
  }
  return -1;
}

std::optional<CsvHead> ReadCsvHead(std::string_view head) {
  // Cheap rejections first: JSON and XML never start a CSV export.
  std::string_view start = TrimAsciiWhitespace(head.substr(0, 64));
  if (start.empty() || start.front() == '{' || start.front() == '[' || start.front() == '<') {
    return std::nullopt;
  }
  MemoryStream stream(head);
  CsvReader reader(&stream);
  absl::StatusOr<bool> more = reader.Next();
  if (!more.ok() || !*more || reader.problem() != CsvProblem::kNone || reader.size() < 2) {
    return std::nullopt;
  }
  CsvHead out;
  out.header = CsvHeader(reader.fields());
  const std::string_view raw = reader.raw();
  if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') {
    const char sep[] = {'"', reader.delimiter(), '"', '\0'};
    size_t separators = 0;
    for (size_t pos = raw.find(sep); pos != std::string_view::npos; pos = raw.find(sep, pos + 3)) {
      ++separators;
    }
    out.all_quoted = separators + 1 == reader.size();
  }
  out.type_line = head.substr(0, 5) == "#TYPE";
  return out;
}

CsvReaderOptions CsvOptionsFor(const ParseContext& ctx) {
  CsvReaderOptions options;
  // 0 keeps the reader's default; a cap beyond size_t cannot be reached.
  options.max_record_bytes = static_cast<size_t>(
      std::min<uint64_t>(ctx.max_record_bytes, std::numeric_limits<size_t>::max()));
  return options;
}

bool AllCellsEmpty(absl::Span<const std::string_view> cells) {
  for (std::string_view c : cells) {
    if (!TrimAsciiWhitespace(c).empty()) return false;
  }
  return true;
}

bool RejectMalformed(const CsvReader& reader, ParseContext& ctx) {
  switch (reader.problem()) {
    case CsvProblem::kNone:
      return false;
    case CsvProblem::kStrayQuote:
      ctx.Warn("csv-stray-quote", reader.line(),
               "a quote inside an unquoted cell or after a closing quote was read literally");
      return false;
    case CsvProblem::kUnterminatedQuote:
    case CsvProblem::kUnbalancedQuote:
    case CsvProblem::kRecordTooLong:
      ctx.Reject(reader.line(), absl::StrCat("malformed CSV record (",
                                             ToAbsl(CsvProblemName(reader.problem())), ")"));
      return true;
  }
  return false;
}

std::optional<int64_t> ParseIntCell(std::string_view text) {
  text = TrimAsciiWhitespace(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

void DatedEmitter::Decide(DateOrder order, uint64_t line) {
  if (!order_) {
    order_ = order;
    return;
  }
  if (*order_ != order && forced_) {
    // The assumption was wrong: follow the evidence from here on, and say
    // which records were read the wrong way.
    order_ = order;
    forced_ = false;
    ctx_.Warn("ambiguous-date-order", line,
              absl::StrCat("records before line ", line,
                           " were read month-first for lack of evidence, but this date is only "
                           "valid day-first; their times may be wrong"));
    return;
  }
  if (*order_ != order && !mixed_warned_) {
    mixed_warned_ = true;
    ctx_.Warn("mixed-date-order", line,
              absl::StrCat("this date reads only ",
                           order == DateOrder::kDayFirst ? "day-first" : "month-first",
                           " but earlier dates in the file read only the other way; the "
                           "earlier order is kept"));
  }
}

void DatedEmitter::Observe(std::string_view date, std::optional<TimeMs> truth, uint64_t line) {
  if (std::optional<DateOrder> o = InferDateOrder(date)) {
    Decide(*o, line);
    return;
  }
  if (order_ || !truth) return;
  absl::StatusOr<TimeMs> us = ParseWrapperDate(date, DateOrder::kMonthFirst);
  absl::StatusOr<TimeMs> eu = ParseWrapperDate(date, DateOrder::kDayFirst);
  const bool us_ok = us.ok() && SameSecond(*us, *truth);
  const bool eu_ok = eu.ok() && SameSecond(*eu, *truth);
  if (us_ok != eu_ok) Decide(us_ok ? DateOrder::kMonthFirst : DateOrder::kDayFirst, line);
}

absl::Status DatedEmitter::Send(Event event, std::string_view raw, uint64_t line, uint64_t index) {
  event.provenance.evidence = ctx_.evidence_ordinal;
  event.provenance.line = line;
  event.provenance.record_index = index;
  return ctx_.events->Accept(std::move(event), raw);
}

absl::Status DatedEmitter::Emit(Event event, std::string_view raw, uint64_t line, uint64_t index) {
  // Once the order is known, what waited goes out first.
  if (order_ && !pending_.empty()) TERN_RETURN_IF_ERROR(Flush());
  return Send(std::move(event), raw, line, index);
}

absl::Status DatedEmitter::SendDated(Event event, std::string_view raw, std::string_view date,
                                     uint32_t flags) {
  const DateOrder order = order_.value_or(DateOrder::kMonthFirst);
  absl::StatusOr<TimeMs> t = ParseWrapperDate(date, order);
  if (t.ok()) {
    event.time_ms = *t;
    event.flags = (event.flags & ~kFlagNoTime) | flags;
  } else {
    event.time_ms = 0;
    event.flags |= kFlagNoTime;
    if (unparsed_++ == 0) {
      first_unparsed_line_ = event.provenance.line;
      first_unparsed_ = std::string(date.substr(0, 64));
    }
  }
  const uint64_t line = event.provenance.line;
  const uint64_t index = event.provenance.record_index;
  return Send(std::move(event), raw, line, index);
}

absl::Status DatedEmitter::EmitDated(Event event, std::string_view raw, uint64_t line,
                                     uint64_t index, std::string_view date, uint32_t flags) {
  event.provenance.line = line;
  event.provenance.record_index = index;
  date = TrimAsciiWhitespace(date);
  if (order_ && !pending_.empty()) TERN_RETURN_IF_ERROR(Flush());
  if (order_ || !IsSlashDate(date)) return SendDated(std::move(event), raw, date, flags);
  Pending p{std::move(event), std::string(raw), std::string(date), flags};
  pending_bytes_ += p.raw.size() + p.date.size() + sizeof(Pending);
  pending_.push_back(std::move(p));
  if (pending_.size() >= kMaxPendingRecords || pending_bytes_ >= kMaxPendingBytes) {
    order_ = DateOrder::kMonthFirst;
    forced_ = true;
    ctx_.Warn("ambiguous-date-order", line,
              "day/month order of the dates could not be inferred from the first records; "
              "read as month-first (US)");
    return Flush();
  }
  return absl::OkStatus();
}

absl::Status DatedEmitter::Flush() {
  while (!pending_.empty()) {
    Pending p = std::move(pending_.front());
    pending_.pop_front();
    TERN_RETURN_IF_ERROR(SendDated(std::move(p.event), p.raw, p.date, p.flags));
  }
  pending_bytes_ = 0;
  return absl::OkStatus();
}

absl::Status DatedEmitter::Finish() {
  if (!pending_.empty()) {
    if (!order_) {
      order_ = DateOrder::kMonthFirst;
      forced_ = true;
      ctx_.Warn("ambiguous-date-order", 0,
                "day/month order of the dates could not be inferred (no day above 12); "
                "read as month-first (US)");
    }
    TERN_RETURN_IF_ERROR(Flush());
  }
  if (unparsed_ > 0) {
    ctx_.Warn("unparsed-time", first_unparsed_line_,
              absl::StrCat(unparsed_, " record(s) have no parseable time; first: '",
                           ToAbsl(first_unparsed_), "'"));
  }
  return absl::OkStatus();
}

}  // namespace tern
