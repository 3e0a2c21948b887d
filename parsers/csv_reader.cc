#include "parsers/csv_reader.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/ascii.h"
#include "core/base/status_macros.h"
#include "core/base/strings.h"

namespace tern {
namespace {

// Bytes requested per Read(). Large enough that the per-call overhead of a
// decoding or decompressing stream does not matter.
constexpr size_t kChunk = size_t{64} << 10;
// A read is only issued with at least this much room; below it the buffer is
// compacted or grown first.
constexpr size_t kMinRead = size_t{16} << 10;
// How far the preamble check looks for the end of the first line.
constexpr size_t kPreambleLimit = size_t{64} << 10;

// Picks the separator a header line uses: the most frequent of , ; TAB
// outside quotes. Excel in many European locales writes ';' without a
// `sep=` line; PowerShell -Delimiter "`t" writes tabs.
char DetectDelimiter(std::string_view line) {
  size_t comma = 0, semicolon = 0, tab = 0;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted) {
      comma += c == ',';
      semicolon += c == ';';
      tab += c == '\t';
    }
  }
  if (semicolon > comma && semicolon >= tab) return ';';
  if (tab > comma && tab > semicolon) return '\t';
  return ',';
}

std::string_view StripCr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

std::string_view CsvProblemName(CsvProblem problem) {
  switch (problem) {
    case CsvProblem::kNone:
      return "";
    case CsvProblem::kStrayQuote:
      return "stray-quote";
    case CsvProblem::kUnterminatedQuote:
      return "unterminated-quote";
    case CsvProblem::kUnbalancedQuote:
      return "unbalanced-quote";
    case CsvProblem::kRecordTooLong:
      return "record-too-long";
  }
  return "";
}

CsvReader::CsvReader(ByteStream* in, CsvReaderOptions options) : in_(in), options_(options) {
  if (options_.max_record_bytes == 0) options_.max_record_bytes = kMaxCsvRecordBytes;
}

absl::Status CsvReader::Fill() {
  if (eof_) return absl::OkStatus();
  if (buf_.size() - end_ < kMinRead) {
    // Everything before the current record is done with: slide it out.
    if (rec_start_ > 0) {
      const size_t live = end_ - rec_start_;
      std::memmove(buf_.data(), buf_.data() + rec_start_, live);
      pos_ -= rec_start_;
      end_ = live;
      rec_start_ = 0;
    }
    if (buf_.size() - end_ < kMinRead) {
      // Doubling keeps a long record's growth amortized; the record cap
      // (checked by the caller before filling) bounds the buffer.
      const size_t cap = options_.max_record_bytes + kChunk;
      size_t want = std::max(buf_.size() * 2, end_ + kChunk);
      want = std::max(std::min(want, cap), end_ + kMinRead);
      buf_.resize(want);
    }
  }
  TERN_ASSIGN_OR_RETURN(const size_t n, in_->Read(buf_.data() + end_, buf_.size() - end_));
  if (n == 0) eof_ = true;
  end_ += n;
  return absl::OkStatus();
}

absl::Status CsvReader::Ensure(size_t n) {
  while (end_ - rec_start_ < n && !eof_) TERN_RETURN_IF_ERROR(Fill());
  return absl::OkStatus();
}

absl::Status CsvReader::ReadPreamble() {
  TERN_RETURN_IF_ERROR(Ensure(3));
  // The decoder strips BOMs already; a second one (files concatenated by
  // `type a.csv b.csv > c.csv`) or a raw stream in a test is cheap to skip.
  if (end_ - rec_start_ >= 3 && std::memcmp(buf_.data() + rec_start_, "\xEF\xBB\xBF", 3) == 0) {
    rec_start_ += 3;
  }
  pos_ = rec_start_;
  bool sep_line = false;
  std::string_view first_line;
  for (int i = 0; i < 3; ++i) {
    // Buffer the first line (or a generous prefix of it).
    const char* nl = nullptr;
    for (;;) {
      nl = static_cast<const char*>(std::memchr(buf_.data() + rec_start_, '\n', end_ - rec_start_));
      if (nl != nullptr || eof_ || end_ - rec_start_ >= kPreambleLimit) break;
      TERN_RETURN_IF_ERROR(Fill());
    }
    const char* start = buf_.data() + rec_start_;
    const size_t len = nl != nullptr ? static_cast<size_t>(nl - start) : end_ - rec_start_;
    first_line = StripCr(std::string_view(start, len));
    const bool is_sep =
        first_line.size() == 5 && absl::AsciiStrToLower(ToAbsl(first_line.substr(0, 4))) == "sep=";
    const bool is_type = first_line.substr(0, 5) == "#TYPE";
    if ((!is_sep || sep_line) && !is_type) break;
    if (is_sep) {
      sep_line = true;
      delimiter_ = first_line[4];
    }
    rec_start_ += nl != nullptr ? len + 1 : len;
    pos_ = rec_start_;
    ++next_line_;
  }
  if (options_.delimiter != '\0') {
    delimiter_ = options_.delimiter;
  } else if (!sep_line) {
    delimiter_ = DetectDelimiter(first_line);
  }
  special_[static_cast<unsigned char>(delimiter_)] = true;
  special_[static_cast<unsigned char>('"')] = true;
  special_[static_cast<unsigned char>('\n')] = true;
  special_[static_cast<unsigned char>('\r')] = true;
  return absl::OkStatus();
}

void CsvReader::ResetRecordState() {
  state_ = State::kFieldStart;
  cells_.clear();
  field_ends_.clear();
  fields_.clear();
  raw_ = {};
  problem_ = CsvProblem::kNone;
}

bool CsvReader::RecordSpansLines(size_t p) const {
  return std::memchr(buf_.data() + rec_start_, '\n', p - rec_start_) != nullptr;
}

void CsvReader::FinishRecord(size_t end, size_t next) {
  raw_ = std::string_view(buf_.data() + rec_start_, end - rec_start_);
  next_line_ = line_ + 1 + static_cast<uint64_t>(std::count(raw_.begin(), raw_.end(), '\n'));
  fields_.reserve(field_ends_.size());
  size_t begin = 0;
  for (size_t e : field_ends_) {
    fields_.emplace_back(cells_.data() + begin, e - begin);
    begin = e;
  }
  pos_ = next;
}

absl::Status CsvReader::Abandon(CsvProblem problem) {
  problem_ = problem;
  cells_.clear();
  field_ends_.clear();
  fields_.clear();
  const char* start = buf_.data() + rec_start_;
  const size_t live = end_ - rec_start_;
  const char* nl = static_cast<const char*>(std::memchr(start, '\n', live));
  if (nl != nullptr) {
    const size_t len = static_cast<size_t>(nl - start);
    raw_ = StripCr(std::string_view(start, len));
    pos_ = rec_start_ + len + 1;
  } else {
    // The first line alone fills the buffer: report what is held and drop
    // the rest of that line on the next call.
    raw_ = std::string_view(start, live);
    pos_ = end_;
    skip_line_ = !eof_;
  }
  next_line_ = line_ + 1;
  return absl::OkStatus();
}

absl::Status CsvReader::SkipRestOfLine() {
  skip_line_ = false;
  for (;;) {
    const char* from = buf_.data() + pos_;
    const char* nl = static_cast<const char*>(std::memchr(from, '\n', end_ - pos_));
    if (nl != nullptr) {
      pos_ += static_cast<size_t>(nl - from) + 1;
      return absl::OkStatus();
    }
    rec_start_ = pos_ = end_;
    if (eof_) return absl::OkStatus();
    TERN_RETURN_IF_ERROR(Fill());
  }
}

CsvReader::ScanResult CsvReader::Scan() {
  const char* const b = buf_.data();
  const size_t end = end_;
  const char delim = delimiter_;
  size_t p = pos_;
  while (p < end) {
    switch (state_) {
      case State::kFieldStart:
        if (b[p] == '"') {
          state_ = State::kQuoted;
          ++p;
        } else {
          state_ = State::kUnquoted;
        }
        break;

      case State::kUnquoted: {
        size_t q = p;
        while (q < end && !special_[static_cast<unsigned char>(b[q])]) ++q;
        cells_.append(b + p, q - p);
        p = q;
        if (p == end) break;
        const char c = b[p];
        if (c == delim) {
          EndField();
          state_ = State::kFieldStart;
          ++p;
        } else if (c == '"') {
          // `ab"c`: RFC 4180 forbids it, Excel and PowerShell read it as a
          // literal quote. After a multi-line quoted cell it means the
          // quoting is out of step with the data.
          if (RecordSpansLines(p)) return ScanResult::kBroken;
          problem_ = CsvProblem::kStrayQuote;
          cells_.push_back('"');
          ++p;
        } else if (c == '\n') {
          EndField();
          FinishRecord(p, p + 1);
          return ScanResult::kRecord;
        } else {  // '\r'
          if (p + 1 == end && !eof_) {
            pos_ = p;
            return ScanResult::kNeedMore;
          }
          if (p + 1 == end || b[p + 1] == '\n') {
            EndField();
            FinishRecord(p, std::min(p + 2, end));
            return ScanResult::kRecord;
          }
          cells_.push_back('\r');  // a lone CR is data
          ++p;
        }
        break;
      }

      case State::kQuoted: {
        // The hot loop for big AuditData cells: jump from quote to quote.
        const void* q = std::memchr(b + p, '"', end - p);
        if (q == nullptr) {
          cells_.append(b + p, end - p);
          p = end;
          break;
        }
        const size_t qi = static_cast<size_t>(static_cast<const char*>(q) - b);
        cells_.append(b + p, qi - p);
        p = qi + 1;
        state_ = State::kAfterQuote;
        break;
      }

      case State::kAfterQuote: {
        const char c = b[p];
        if (c == '"') {  // "" inside a quoted cell
          cells_.push_back('"');
          ++p;
          state_ = State::kQuoted;
          break;
        }
        if (c == delim) {
          EndField();
          state_ = State::kFieldStart;
          ++p;
          break;
        }
        if (c == '\n') {
          EndField();
          FinishRecord(p, p + 1);
          return ScanResult::kRecord;
        }
        if (c == '\r') {
          if (p + 1 == end && !eof_) {
            pos_ = p;
            return ScanResult::kNeedMore;
          }
          if (p + 1 == end || b[p + 1] == '\n') {
            EndField();
            FinishRecord(p, std::min(p + 2, end));
            return ScanResult::kRecord;
          }
        }
        // `"abc"def`: keep the quote as a literal and read on unquoted.
        if (RecordSpansLines(p)) return ScanResult::kBroken;
        problem_ = CsvProblem::kStrayQuote;
        cells_.push_back('"');
        state_ = State::kUnquoted;
        break;
      }
    }
  }
  pos_ = p;
  return ScanResult::kNeedMore;
}

absl::StatusOr<bool> CsvReader::Next() {
  if (!started_) {
    TERN_RETURN_IF_ERROR(ReadPreamble());
    started_ = true;
  }
  ResetRecordState();
  if (skip_line_) TERN_RETURN_IF_ERROR(SkipRestOfLine());
  rec_start_ = pos_;
  // Blank lines separate nothing in CSV; skip them but keep counting.
  for (;;) {
    TERN_RETURN_IF_ERROR(Ensure(2));
    if (rec_start_ == end_) return false;
    const char c = buf_[rec_start_];
    if (c == '\n') {
      ++rec_start_;
    } else if (c == '\r' && end_ - rec_start_ >= 2 && buf_[rec_start_ + 1] == '\n') {
      rec_start_ += 2;
    } else {
      break;
    }
    ++next_line_;
  }
  pos_ = rec_start_;
  line_ = next_line_;
  for (;;) {
    switch (Scan()) {
      case ScanResult::kRecord:
        return true;
      case ScanResult::kBroken:
        TERN_RETURN_IF_ERROR(Abandon(CsvProblem::kUnbalancedQuote));
        return true;
      case ScanResult::kNeedMore:
        break;
    }
    if (eof_) {
      if (state_ == State::kQuoted) {
        TERN_RETURN_IF_ERROR(Abandon(CsvProblem::kUnterminatedQuote));
        return true;
      }
      EndField();
      FinishRecord(end_, end_);
      return true;
    }
    if (end_ - rec_start_ >= options_.max_record_bytes) {
      TERN_RETURN_IF_ERROR(Abandon(CsvProblem::kRecordTooLong));
      return true;
    }
    TERN_RETURN_IF_ERROR(Fill());
  }
}

}  // namespace tern
