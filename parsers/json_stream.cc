#include "parsers/json_stream.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace tern::json {
namespace {

constexpr size_t kChunkBytes = 64 * 1024;
constexpr char kValueKey[] = "value";
constexpr int kValueKeyLength = 5;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

JsonRecordReader::JsonRecordReader(ByteStream& in, JsonStreamOptions options)
    : in_(in), options_(options), buf_(kChunkBytes) {}

absl::StatusOr<bool> JsonRecordReader::Next(JsonItem* item) {
  item->kind = JsonItem::kRecord;
  item->line = 0;
  item->text = {};
  item->cut = false;
  item->reason.clear();
  while (state_ != State::kDone) {
    if (pos_ == len_) {
      if (eof_) return Finish(item);
      FlushSpan(len_);
      absl::StatusOr<size_t> n = in_.Read(buf_.data(), buf_.size());
      if (!n.ok()) return n.status();
      pos_ = 0;
      span_start_ = 0;
      len_ = *n;
      if (*n == 0) eof_ = true;
      continue;
    }
    if (in_string_ && !escape_ && key_match_ < 0 &&
        (state_ == State::kRecord || state_ == State::kStringRecord)) {
      // Fast path through string contents: only '"', '\\' and a line break
      // (which cuts the record) matter there.
      size_t p = pos_;
      while (p < len_ && buf_[p] != '"' && buf_[p] != '\\' && buf_[p] != '\n') ++p;
      if (p > pos_) {
        pos_ = p;
        line_start_ = false;
        continue;
      }
    }
    if (Step(buf_[pos_], item)) return true;
  }
  return false;
}

void JsonRecordReader::Advance(char c) {
  ++pos_;
  if (c == '\n') {
    ++line_;
    line_start_ = true;
  } else {
    if (!IsSpace(c)) line_start_ = false;
  }
}

bool JsonRecordReader::Step(char c, JsonItem* item) {
  switch (state_) {
    case State::kBetween:
      if (IsSpace(c) || c == ',') break;
      if (c == '{') {
        StartRecord(/*is_string=*/false);
        return StepRecord(c, item);
      }
      if (c == '"') {
        StartRecord(/*is_string=*/true);
        state_ = State::kStringRecord;
        in_string_ = true;
        break;
      }
      if (c == '[') {
        if (frames_.size() >= static_cast<size_t>(options_.max_depth)) {
          // Arrays nested this deep hold nothing usable: skip as one record.
          StartRecord(/*is_string=*/false);
          bad_reason_ = absl::StrCat("nesting deeper than ", options_.max_depth, " levels");
          recording_ = false;
          return StepRecord(c, item);
        }
        frames_.push_back(Frame::kArray);
        break;
      }
      if (c == ']' && !frames_.empty() && frames_.back() == Frame::kArray) {
        frames_.pop_back();
        if (!frames_.empty() && frames_.back() == Frame::kPage) {
          state_ = State::kPageTail;
          depth_ = 0;
          in_string_ = false;
          escape_ = false;
        }
        break;
      }
      garbage_line_ = line_;
      state_ = State::kGarbage;
      break;
    case State::kGarbage:
      // Resume at the next object, or at an array opening a line.
      if (c == '{' || (c == '[' && line_start_)) {
        state_ = State::kBetween;
        return Fail(garbage_line_, "text that is not a JSON record", item);
      }
      break;
    case State::kPageTail:
      // The members after "value":[...] (e.g. @odata.nextLink) are skipped.
      if (in_string_) {
        if (escape_) {
          escape_ = false;
        } else if (c == '\\') {
          escape_ = true;
        } else if (c == '"') {
          in_string_ = false;
        }
      } else if (c == '"') {
        in_string_ = true;
      } else if (c == '{' || c == '[') {
        ++depth_;
      } else if (c == '}' || c == ']') {
        if (depth_ == 0) {
          frames_.pop_back();
          state_ = State::kBetween;
        } else {
          --depth_;
        }
      }
      break;
    case State::kRecord:
    case State::kStringRecord:
      return StepRecord(c, item);
    case State::kDone:
      return false;
  }
  Advance(c);
  return false;
}

bool JsonRecordReader::StepRecord(char c, JsonItem* item) {
  if (in_string_) {
    if (escape_) {
      escape_ = false;
      key_match_ = -1;
    } else if (c == '\\') {
      escape_ = true;
      key_match_ = -1;
    } else if (c == '"') {
      in_string_ = false;
      if (state_ == State::kStringRecord) {
        Advance(c);
        return EndRecord(item);
      }
      if (depth_ == 1) last_key_value_ = key_match_ == kValueKeyLength;
    } else if (c == '\n') {
      // JSON strings cannot hold a raw line break: the record was cut and
      // the next line is something else.
      state_ = State::kBetween;
      return Cut("JSON record cut short (line break inside a string)", item);
    } else if (key_match_ >= 0) {
      bool match = key_match_ < kValueKeyLength && c == kValueKey[key_match_];
      key_match_ = match ? key_match_ + 1 : -1;
    }
    Advance(c);
    return false;
  }
  bool in_bounds = depth_ > 0 && depth_ <= options_.max_depth && !brackets_.empty();
  if (line_break_ && !IsSpace(c)) {
    // JSON Lines so far, and this record went on past its line. If the next
    // line opens an object where an array element may stand, it is the next
    // record and this one was cut; anything else means the file is pretty
    // printed after all.
    line_break_ = false;
    if (c == '{' && line_start_ && in_bounds && brackets_.back() == '[') {
      state_ = State::kBetween;
      return Cut("JSON record cut short (line ends inside it)", item);
    }
    json_lines_ = false;
  }
  switch (c) {
    case '"':
      in_string_ = true;
      escape_ = false;
      key_match_ = depth_ == 1 ? 0 : -1;
      break;
    case '{':
    case '[':
      if (c == '{' && in_bounds && brackets_.back() == '{' && !after_colon_) {
        // In an object an object can only follow ':'. This one starts the
        // next record: the current one was cut short.
        state_ = State::kBetween;
        return Cut(absl::StrCat("JSON record cut short (next record at line ", line_, ")"), item);
      }
      if (c == '[' && page_candidate_ && depth_ == 1 && value_key_colon_) {
        // {"value":[ ... ]}: drop the page prefix; its elements are records.
        record_.clear();
        recording_ = false;
        frames_.push_back(Frame::kPage);
        frames_.push_back(Frame::kArray);
        state_ = State::kBetween;
        Advance(c);
        return false;
      }
      ++depth_;
      if (depth_ > options_.max_depth) {
        if (bad_reason_.empty()) {
          bad_reason_ = absl::StrCat("nesting deeper than ", options_.max_depth, " levels");
        }
        recording_ = false;
        record_.clear();
      } else {
        brackets_.push_back(c);
      }
      break;
    case '}':
    case ']':
      if (depth_ <= options_.max_depth && !brackets_.empty()) {
        if ((brackets_.back() == '{') != (c == '}')) {
          Advance(c);
          state_ = State::kBetween;
          return Fail(start_line_, "JSON record has mismatched brackets", item);
        }
        brackets_.pop_back();
      }
      if (--depth_ == 0) {
        Advance(c);
        return EndRecord(item);
      }
      break;
    case '\n':
      had_newline_ = true;
      line_break_ = json_lines_ && frames_.empty();
      break;
    case ':':
      after_colon_ = true;
      if (depth_ == 1) value_key_colon_ = page_candidate_ && last_key_value_;
      Advance(c);
      return false;
    default:
      break;
  }
  if (!IsSpace(c)) {
    after_colon_ = false;
    value_key_colon_ = false;
  }
  Advance(c);
  return false;
}

void JsonRecordReader::StartRecord(bool is_string) {
  record_.clear();
  recording_ = true;
  bad_reason_.clear();
  start_line_ = line_;
  depth_ = 0;
  brackets_.clear();
  in_string_ = false;
  escape_ = false;
  after_colon_ = false;
  had_newline_ = false;
  line_break_ = false;
  span_start_ = pos_;
  page_candidate_ = options_.unwrap_value_pages && frames_.empty() && !is_string;
  key_match_ = -1;
  last_key_value_ = false;
  value_key_colon_ = false;
  state_ = State::kRecord;
}

void JsonRecordReader::FlushSpan(size_t end) {
  if (recording_ && end > span_start_) {
    size_t n = end - span_start_;
    if (record_.size() + n > options_.max_record_bytes) {
      recording_ = false;
      bad_reason_ = absl::StrCat("JSON record larger than ", options_.max_record_bytes, " bytes");
      std::string().swap(record_);  // give the memory back now
    } else {
      record_.append(buf_.data() + span_start_, n);
    }
  }
  span_start_ = end;
}

bool JsonRecordReader::EndRecord(JsonItem* item) {
  FlushSpan(pos_);
  if (frames_.empty()) json_lines_ = !had_newline_;
  state_ = State::kBetween;
  if (!bad_reason_.empty()) return Fail(start_line_, bad_reason_, item);
  recording_ = false;
  item->kind = JsonItem::kRecord;
  item->line = start_line_;
  item->text = record_;
  return true;
}

bool JsonRecordReader::Fail(uint64_t line, std::string reason, JsonItem* item) {
  recording_ = false;
  record_.clear();
  item->kind = JsonItem::kBad;
  item->line = line;
  item->text = {};
  item->cut = false;
  item->reason = std::move(reason);
  return true;
}

bool JsonRecordReader::Cut(std::string reason, JsonItem* item) {
  FlushSpan(pos_);
  // A record already over the cap (bad_reason_) kept nothing worth handing out.
  const bool kept = recording_ && bad_reason_.empty();
  cut_record_.clear();
  if (kept) {
    cut_record_.swap(record_);
    // The line's own end ("\r" of CRLF) is not part of the record.
    while (!cut_record_.empty() && IsSpace(cut_record_.back())) cut_record_.pop_back();
  }
  Fail(start_line_, std::move(reason), item);
  item->cut = true;
  item->text = cut_record_;
  return true;
}

bool JsonRecordReader::Finish(JsonItem* item) {
  switch (state_) {
    case State::kRecord:
    case State::kStringRecord:
      state_ = State::kBetween;
      return Cut("JSON record cut short at end of input", item);
    case State::kGarbage:
      state_ = State::kBetween;
      return Fail(garbage_line_, "text that is not a JSON record", item);
    default:
      break;
  }
  state_ = State::kDone;
  if (!frames_.empty() && !note_done_) {
    note_done_ = true;
    item->kind = JsonItem::kNote;
    item->line = line_;
    item->reason = "JSON array not closed at end of input";
    return true;
  }
  return false;
}

}  // namespace tern::json
