#include "core/base/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/escape.h"

namespace tern {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void AppendUnicodeEscape(uint32_t code_unit, std::string* out) {
  out->append("\\u");
  for (int shift = 12; shift >= 0; shift -= 4)
    out->push_back(kHexDigits[(code_unit >> shift) & 0xf]);
}

template <typename Number>
void AppendNumber(Number value, std::string* out) {
  char buffer[32];
  const std::to_chars_result result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out->append(buffer, result.ptr);
}

// Appends `text`, which must be valid UTF-8, escaping what JSON requires plus
// the characters that make raw JSON dangerous to view or embed: DEL and C1
// controls (U+009B is CSI to a terminal) and U+2028/U+2029 (line terminators
// in JavaScript before ES2019).
void AppendEscapedValidUtf8(std::string_view text, std::string* out) {
  size_t unescaped_start = 0;
  const auto flush = [&](size_t end) {
    out->append(text.substr(unescaped_start, end - unescaped_start));
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<uint8_t>(text[i]);
    const auto next = [&](size_t k) {
      return i + k < text.size() ? static_cast<uint8_t>(text[i + k]) : uint8_t{0};
    };
    size_t consumed = 1;
    const char* short_escape = nullptr;
    uint32_t unicode_escape = 0;
    bool escape = true;
    switch (byte) {
      case '"':
        short_escape = "\\\"";
        break;
      case '\\':
        short_escape = "\\\\";
        break;
      case '\b':
        short_escape = "\\b";
        break;
      case '\f':
        short_escape = "\\f";
        break;
      case '\n':
        short_escape = "\\n";
        break;
      case '\r':
        short_escape = "\\r";
        break;
      case '\t':
        short_escape = "\\t";
        break;
      default:
        if (byte < 0x20 || byte == 0x7f) {
          unicode_escape = byte;
        } else if (byte == 0xc2 && next(1) >= 0x80 && next(1) <= 0x9f) {
          unicode_escape = next(1);
          consumed = 2;
        } else if (byte == 0xe2 && next(1) == 0x80 && (next(2) == 0xa8 || next(2) == 0xa9)) {
          unicode_escape = next(2) == 0xa8 ? 0x2028 : 0x2029;
          consumed = 3;
        } else {
          escape = false;
        }
    }
    if (!escape) continue;
    flush(i);
    if (short_escape != nullptr) {
      out->append(short_escape);
    } else {
      AppendUnicodeEscape(unicode_escape, out);
    }
    i += consumed - 1;
    unescaped_start = i + 1;
  }
  flush(text.size());
}

}  // namespace

void AppendJsonString(std::string_view text, std::string* out) {
  out->push_back('"');
  if (IsValidUtf8(text)) {
    AppendEscapedValidUtf8(text, out);
  } else {
    AppendEscapedValidUtf8(SanitizeUtf8(text), out);
  }
  out->push_back('"');
}

JsonWriter::JsonWriter(int indent) : indent_(indent > 0 ? indent : 0) {}

void JsonWriter::Newline() {
  if (indent_ == 0) return;
  out_.push_back('\n');
  out_.append(static_cast<size_t>(indent_) * stack_.size(), ' ');
}

// Writes the separator and indentation that precede a value (or a key). A
// value directly after Key() needs none; successive top-level values are put
// on separate lines so that a writer can produce JSON Lines.
void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) {
    if (!out_.empty()) out_.push_back('\n');
    return;
  }
  Level& level = stack_.back();
  if (level.count > 0) out_.push_back(',');
  ++level.count;
  Newline();
}

JsonWriter& JsonWriter::BeginObject() {
  BeforeValue();
  out_.push_back('{');
  stack_.push_back({/*is_object=*/true, /*count=*/0});
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  // A key without a value would leave invalid JSON behind; complete it.
  if (after_key_) Null();
  if (stack_.empty()) return *this;  // unbalanced call: ignore rather than corrupt
  const bool had_members = stack_.back().count > 0;
  stack_.pop_back();
  if (had_members) Newline();
  out_.push_back('}');
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  BeforeValue();
  out_.push_back('[');
  stack_.push_back({/*is_object=*/false, /*count=*/0});
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  if (after_key_) Null();
  if (stack_.empty()) return *this;
  const bool had_elements = stack_.back().count > 0;
  stack_.pop_back();
  if (had_elements) Newline();
  out_.push_back(']');
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  if (after_key_) Null();  // two keys in a row: the first gets null
  BeforeValue();
  AppendJsonString(key, &out_);
  out_.append(indent_ > 0 ? ": " : ":");
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  BeforeValue();
  AppendJsonString(value, &out_);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) {
  BeforeValue();
  AppendNumber(value, &out_);
  return *this;
}

JsonWriter& JsonWriter::Uint(uint64_t value) {
  BeforeValue();
  AppendNumber(value, &out_);
  return *this;
}

JsonWriter& JsonWriter::Double(double value) {
  // JSON has no NaN or infinity.
  if (!std::isfinite(value)) return Null();
  BeforeValue();
  AppendNumber(value, &out_);
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  BeforeValue();
  out_.append(value ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  out_.append("null");
  return *this;
}

JsonWriter& JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  out_.append(json);
  return *this;
}

}  // namespace tern
