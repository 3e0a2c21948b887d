// A small streaming JSON writer with deterministic output.
//
// tern writes findings.json, custody.json and JSONL itself so that the bytes
// are fully under its control (key order as written, fixed number formatting,
// "\u00XX" escapes for control characters, invalid UTF-8 replaced by U+FFFD).
// Thread-compatible: one writer per thread.
#ifndef TERN_CORE_BASE_JSON_WRITER_H_
#define TERN_CORE_BASE_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tern {

class JsonWriter {
 public:
  // `indent` > 0 pretty-prints with that many spaces per level; 0 writes compact JSON.
  explicit JsonWriter(int indent = 0);

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // Writes an object key; the next call writes its value.
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Uint(uint64_t value);
  // Fixed formatting: shortest round-trip decimal via std::to_chars.
  JsonWriter& Double(double value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // Inserts already-serialized JSON as a value (caller guarantees validity).
  JsonWriter& Raw(std::string_view json);

  // The text written so far.
  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }
  // Hands out the text written so far and goes on where it left off: a
  // large document can be written to a file piece by piece.
  std::string TakeOutput() {
    std::string text;
    text.swap(out_);
    return text;
  }

 private:
  void BeforeValue();
  void Newline();

  int indent_;
  std::string out_;
  // One entry per open container: true if it is an object; count of members.
  struct Level {
    bool is_object;
    int count;
  };
  std::vector<Level> stack_;
  bool after_key_ = false;
};

// Appends `text` as a JSON string literal (with quotes) to `out`.
void AppendJsonString(std::string_view text, std::string* out);

}  // namespace tern

#endif  // TERN_CORE_BASE_JSON_WRITER_H_
