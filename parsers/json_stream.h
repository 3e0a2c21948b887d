// Splits a stream of JSON text into records without loading the whole file.
//
// Accepts every container real exports use (FORMATS.md §0): JSON Lines, one
// pretty-printed array, several arrays/objects concatenated (ConvertTo-Json
// -Append, merged collections), a bare single object, blank lines between,
// and optionally Graph pages {"value":[...], "@odata.nextLink":...}. Objects
// (and JSON strings, for records serialized twice) found at container level
// are records; arrays are containers whose elements are examined in turn.
//
// A byte scanner tracks strings, escapes and nesting; it never recurses on
// input depth and holds at most one record (bounded by max_record_bytes).
// Thread-compatible: one reader per stream.
#ifndef TERN_PARSERS_JSON_STREAM_H_
#define TERN_PARSERS_JSON_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/evidence/byte_stream.h"

namespace tern::json {

inline constexpr size_t kMaxRecordBytes = size_t{64} << 20;  // 64 MiB
inline constexpr int kMaxDepth = 512;

struct JsonStreamOptions {
  // A record larger than this is skipped and reported. Default: 64 MiB.
  size_t max_record_bytes = kMaxRecordBytes;
  // A record nested deeper than this is skipped and reported. Default: 512.
  int max_depth = kMaxDepth;
  // Treat a top-level object whose "value" member is an array as a page and
  // yield the array's elements instead of the object. Default: false.
  bool unwrap_value_pages = false;
};

struct JsonItem {
  enum Kind {
    kRecord,  // `text` holds one complete JSON value (object or string)
    kBad,     // a record or stretch of text that cannot be used: `reason`
    kNote,    // not a record problem, e.g. the outer array never closed
  };
  Kind kind = kRecord;
  uint64_t line = 0;  // 1-based line where the record or problem starts
  // kRecord: the record. kBad with `cut`: the record's bytes up to where it
  // was cut short (empty when it was not kept, e.g. over the size cap).
  // Valid until the next Next() call.
  std::string_view text;
  bool cut = false;    // kBad: a record cut short, not garbage or oversize
  std::string reason;  // kBad / kNote
};

class JsonRecordReader {
 public:
  // Does not own `in`, which must outlive the reader.
  explicit JsonRecordReader(ByteStream& in, JsonStreamOptions options = {});

  // Fills `item` with the next record or problem. Returns false at the end
  // of input, and the stream's error if reading fails.
  absl::StatusOr<bool> Next(JsonItem* item);

 private:
  enum class State { kBetween, kRecord, kStringRecord, kGarbage, kPageTail, kDone };
  enum class Frame : char { kArray, kPage };

  // Consumes buf_[pos_] == c, keeping the line bookkeeping.
  void Advance(char c);
  // Handle one byte in the current state; true when `item` was filled (the
  // byte is then consumed or not, as the state change requires).
  bool Step(char c, JsonItem* item);
  bool StepRecord(char c, JsonItem* item);
  void StartRecord(bool is_string);
  void FlushSpan(size_t end);
  bool EndRecord(JsonItem* item);
  bool Fail(uint64_t line, std::string reason, JsonItem* item);
  // Fail() for the current record, cut short: hands out what was read of it.
  bool Cut(std::string reason, JsonItem* item);
  bool Finish(JsonItem* item);

  ByteStream& in_;
  JsonStreamOptions options_;
  std::vector<char> buf_;
  size_t pos_ = 0;
  size_t len_ = 0;
  bool eof_ = false;

  State state_ = State::kBetween;
  std::vector<Frame> frames_;  // open containers between records
  uint64_t line_ = 1;
  bool line_start_ = true;  // only whitespace so far on this line

  // The record being read.
  std::string record_;
  std::string cut_record_;  // what Cut() handed out
  size_t span_start_ = 0;   // start of the not yet copied part in buf_
  bool recording_ = false;
  std::string bad_reason_;  // set when the record is being skipped
  uint64_t start_line_ = 0;
  int depth_ = 0;
  std::vector<char> brackets_;  // open brackets, up to max_depth
  bool in_string_ = false;
  bool escape_ = false;
  bool after_colon_ = false;  // the last significant byte was ':'
  bool had_newline_ = false;
  bool json_lines_ = false;  // the last top-level record fit on one line
  bool line_break_ = false;  // a JSON Lines record ran past its line
  // Page detection: is the depth-1 string just closed the key "value"?
  bool page_candidate_ = false;
  int key_match_ = 0;  // characters of "value" matched so far, -1 = no match
  bool last_key_value_ = false;
  bool value_key_colon_ = false;
  uint64_t garbage_line_ = 0;
  bool note_done_ = false;
};

}  // namespace tern::json

#endif  // TERN_PARSERS_JSON_STREAM_H_
