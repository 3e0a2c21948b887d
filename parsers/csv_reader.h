// CsvReader: a streaming RFC 4180 record reader over decoded UTF-8 text.
//
// Built for audit exports, which bend RFC 4180 in known ways: quoted cells
// holding raw CR/LF (Sentinel, Graph CSV), a `sep=;` first line (Excel), a
// `#TYPE ...` first line (Windows PowerShell Export-Csv without
// -NoTypeInformation), trailing empty columns, CRLF or LF line ends, and
// occasionally broken quoting. Broken quoting never swallows the rest of a
// file: a record is capped (kMaxCsvRecordBytes) and a record that cannot be
// closed is reported as malformed on its own first line, after which reading
// resumes on the next line.
//
// Memory is bounded by the record cap: the reader keeps one record's raw bytes
// plus one read chunk, and one copy of its unescaped fields.
//
// Thread-compatible: one reader per stream.
#ifndef TERN_PARSERS_CSV_READER_H_
#define TERN_PARSERS_CSV_READER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/evidence/byte_stream.h"

namespace tern {

// Largest record (raw bytes, embedded newlines included) the reader accepts.
// Real AuditData cells are a few KB; 32 MiB leaves room for pathological but
// genuine records (a 30 MB cell parses) while bounding what an unbalanced
// quote can make the reader hold.
inline constexpr size_t kMaxCsvRecordBytes = size_t{32} << 20;

// What was wrong with a record, if anything.
enum class CsvProblem {
  kNone,
  // A quote in the middle of a cell (`ab"c`) or junk after a closing quote
  // (`"abc"def`). The record is read leniently (the quote kept as a literal
  // character) and is otherwise usable.
  kStrayQuote,
  // End of input inside a quoted cell. The record is unusable: fields() is
  // empty and raw() holds its first line; reading resumes on the next line.
  kUnterminatedQuote,
  // A quoted cell ran across lines and a stray quote followed (junk after
  // its closing quote, or a quote in a later unquoted cell): the quote was
  // unbalanced and the cell swallowed the following line(s).
  // Unusable like kUnterminatedQuote, same recovery, so the swallowed
  // lines are read again as records of their own.
  kUnbalancedQuote,
  // The record grew past max_record_bytes (almost always an unbalanced
  // quote). Unusable like kUnterminatedQuote, same recovery.
  kRecordTooLong,
};

// "stray-quote", "unterminated-quote", "unbalanced-quote", "record-too-long"
// ("" for kNone).
std::string_view CsvProblemName(CsvProblem problem);

struct CsvReaderOptions {
  // Field separator; '\0' detects it: a `sep=X` first line wins, otherwise
  // the most frequent of ',' ';' '\t' outside quotes on the first line
  // (ties and none: ','). Default: detect.
  char delimiter = '\0';
  // Default: kMaxCsvRecordBytes. Tests lower it.
  size_t max_record_bytes = kMaxCsvRecordBytes;
};

class CsvReader {
 public:
  // `in` is not owned and must outlive the reader.
  explicit CsvReader(ByteStream* in, CsvReaderOptions options = {});

  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Advances to the next record. Returns false at the end of input, and the
  // stream's error if a Read() fails. Blank lines are skipped; so are a
  // leading `sep=` line and a leading `#TYPE` line.
  absl::StatusOr<bool> Next();

  // The current record's cells, unescaped. The views stay valid until the
  // next call to Next().
  absl::Span<const std::string_view> fields() const { return fields_; }
  size_t size() const { return fields_.size(); }
  // Cell `i`, or "" past the last cell (short rows are common).
  std::string_view field(size_t i) const { return i < fields_.size() ? fields_[i] : ""; }

  // The record's verbatim bytes without its final line terminator (embedded
  // newlines included). Valid until the next call to Next().
  std::string_view raw() const { return raw_; }
  // 1-based line number where the current record starts.
  uint64_t line() const { return line_; }
  CsvProblem problem() const { return problem_; }
  // The separator in use (known after the first Next()).
  char delimiter() const { return delimiter_; }

 private:
  enum class State : uint8_t { kFieldStart, kUnquoted, kQuoted, kAfterQuote };
  enum class ScanResult : uint8_t { kRecord, kNeedMore, kBroken };

  // Reads more bytes, compacting or growing the buffer so that the current
  // record stays contiguous. Sets eof_ when the stream ends.
  absl::Status Fill();
  // Makes at least `n` bytes available at rec_start_ (fewer at EOF).
  absl::Status Ensure(size_t n);
  // Skips a BOM and the `sep=` / `#TYPE` lines; picks the delimiter.
  absl::Status ReadPreamble();
  // Continues the state machine over the buffered bytes.
  ScanResult Scan();
  void EndField() { field_ends_.push_back(cells_.size()); }
  // Completes the current record ending at `end` (terminator not included),
  // with the next record starting at `next`.
  void FinishRecord(size_t end, size_t next);
  // Reports the current record as unusable and resumes after its first line.
  absl::Status Abandon(CsvProblem problem);
  void ResetRecordState();
  // Drops input up to and including the next newline (after a first line
  // too long to keep).
  absl::Status SkipRestOfLine();
  // True if the current record has a newline before buffer offset `p`.
  bool RecordSpansLines(size_t p) const;

  ByteStream* in_;
  CsvReaderOptions options_;
  char delimiter_ = ',';
  bool started_ = false;
  bool eof_ = false;
  bool skip_line_ = false;  // the last record's first line is not fully consumed
  // Characters that stop the scan of an unquoted cell.
  bool special_[256] = {};

  std::string buf_;       // buffered input; [0, end_) holds data
  size_t end_ = 0;        // end of valid data in buf_
  size_t rec_start_ = 0;  // where the current record starts in buf_
  size_t pos_ = 0;        // scan position in buf_

  State state_ = State::kFieldStart;
  std::string cells_;               // unescaped cell bytes, back to back
  std::vector<size_t> field_ends_;  // end offset of each cell in cells_
  std::vector<std::string_view> fields_;
  std::string_view raw_;
  uint64_t line_ = 0;
  uint64_t next_line_ = 1;
  CsvProblem problem_ = CsvProblem::kNone;
};

}  // namespace tern

#endif  // TERN_PARSERS_CSV_READER_H_
