#include "core/base/escape.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tern {
namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD
constexpr char kEscape = '\x1b';
constexpr char kBell = '\x07';
constexpr char kDelete = '\x7f';

// One step of UTF-8 decoding (Unicode 15, table 3-7 "well-formed byte
// sequences"): overlong forms, surrogates U+D800..U+DFFF and values above
// U+10FFFF are ill-formed because their second byte falls outside the
// narrowed ranges below.
struct Utf8Step {
  bool valid;
  // Valid: length of the sequence (1..4). Invalid: length of the maximal
  // subpart (1..3), which is replaced by a single U+FFFD as Unicode recommends,
  // so a truncated sequence costs one replacement, not one per byte.
  size_t length;
  char32_t code_point;  // meaningful only when valid
};

Utf8Step DecodeUtf8Step(std::string_view text, size_t pos) {
  const auto byte_at = [&](size_t i) { return static_cast<uint8_t>(text[pos + i]); };
  const uint8_t lead = byte_at(0);
  if (lead < 0x80) return {true, 1, lead};

  size_t needed = 0;
  uint8_t second_min = 0x80;
  uint8_t second_max = 0xbf;
  char32_t value = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    needed = 1;
    value = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    needed = 2;
    value = lead & 0x0f;
    if (lead == 0xe0) second_min = 0xa0;  // overlong below U+0800
    if (lead == 0xed) second_max = 0x9f;  // surrogates U+D800..U+DFFF
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    needed = 3;
    value = lead & 0x07;
    if (lead == 0xf0) second_min = 0x90;  // overlong below U+10000
    if (lead == 0xf4) second_max = 0x8f;  // above U+10FFFF
  } else {
    return {false, 1, 0};  // continuation byte, C0/C1 overlong lead, or F5..FF
  }

  for (size_t i = 1; i <= needed; ++i) {
    if (pos + i >= text.size()) return {false, i, 0};
    const uint8_t byte = byte_at(i);
    const uint8_t min = i == 1 ? second_min : 0x80;
    const uint8_t max = i == 1 ? second_max : 0xbf;
    if (byte < min || byte > max) return {false, i, 0};
    value = (value << 6) | (byte & 0x3f);
  }
  return {true, needed + 1, value};
}

// Calls `visit(code_point, bytes)` for each valid sequence and
// `visit(U+FFFD, replacement bytes)` for each maximal invalid subpart.
template <typename Visitor>
void ForEachCodePoint(std::string_view text, Visitor visit) {
  size_t pos = 0;
  while (pos < text.size()) {
    const Utf8Step step = DecodeUtf8Step(text, pos);
    if (step.valid) {
      visit(step.code_point, text.substr(pos, step.length));
    } else {
      visit(char32_t{0xfffd}, kReplacementCharacter);
    }
    pos += step.length;
  }
}

bool IsC1Control(char32_t c) { return c >= 0x80 && c <= 0x9f; }

// ESC/CSI/OSC byte grammar (ECMA-48 section 5). A sequence is removed whole;
// an unterminated string sequence loses only its introducer, because without
// the ESC the rest is inert text and an investigator should still see it.
class TerminalSanitizer {
 public:
  explicit TerminalSanitizer(std::string_view text) : text_(text) {}

  std::string Run() {
    out_.reserve(text_.size());
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == kEscape) {
        SkipEscapeSequence();
        continue;
      }
      const Utf8Step step = DecodeUtf8Step(text_, pos_);
      if (!step.valid) {
        // A lone 0x9b byte is an 8-bit CSI to a non-UTF-8 terminal.
        out_ += kReplacementCharacter;
      } else if (step.code_point == 0x9b) {
        pos_ += step.length;
        SkipCsiBody();
        continue;
      } else if (step.code_point == 0x9d || step.code_point == 0x90 || step.code_point == 0x98 ||
                 step.code_point == 0x9e || step.code_point == 0x9f) {
        // C1 OSC, DCS, SOS, PM, APC: string sequences ended by ST or BEL.
        pos_ += step.length;
        SkipStringBody();
        continue;
      } else if (IsKeptCharacter(step.code_point)) {
        out_.append(text_.substr(pos_, step.length));
      }
      pos_ += step.length;
    }
    return std::move(out_);
  }

 private:
  static bool IsKeptCharacter(char32_t c) {
    if (c == '\t' || c == '\n') return true;
    if (c < 0x20 || c == static_cast<char32_t>(kDelete)) return false;
    return !IsC1Control(c);
  }

  void SkipEscapeSequence() {
    ++pos_;  // ESC
    if (pos_ >= text_.size()) return;
    const char kind = text_[pos_];
    if (kind == '[') {
      ++pos_;
      SkipCsiBody();
    } else if (kind == ']' || kind == 'P' || kind == 'X' || kind == '^' || kind == '_') {
      ++pos_;
      SkipStringBody();
    } else {
      // nF/Fp/Fe/Fs escapes: intermediates 0x20..0x2f, then one final byte.
      while (pos_ < text_.size() && text_[pos_] >= 0x20 && text_[pos_] <= 0x2f) ++pos_;
      if (pos_ < text_.size() && text_[pos_] >= 0x30 && text_[pos_] <= 0x7e) ++pos_;
    }
  }

  // Parameters 0x30..0x3f, intermediates 0x20..0x2f, final 0x40..0x7e. Stops
  // at the first other byte so malformed input cannot swallow real text.
  void SkipCsiBody() {
    while (pos_ < text_.size() && text_[pos_] >= 0x30 && text_[pos_] <= 0x3f) ++pos_;
    while (pos_ < text_.size() && text_[pos_] >= 0x20 && text_[pos_] <= 0x2f) ++pos_;
    if (pos_ < text_.size() && text_[pos_] >= 0x40 && text_[pos_] <= 0x7e) ++pos_;
  }

  // Skips to BEL, ESC '\' or C1 ST (U+009C) if one follows; otherwise leaves
  // the body in place to be filtered as ordinary text.
  void SkipStringBody() {
    for (size_t i = pos_; i < text_.size(); ++i) {
      const char c = text_[i];
      if (c == kBell) {
        pos_ = i + 1;
        return;
      }
      if (c == kEscape && i + 1 < text_.size() && text_[i + 1] == '\\') {
        pos_ = i + 2;
        return;
      }
      if (c == '\xc2' && i + 1 < text_.size() && text_[i + 1] == '\x9c') {
        pos_ = i + 2;
        return;
      }
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string out_;
};

bool CsvNeedsFormulaGuard(std::string_view text) {
  if (text.empty()) return false;
  switch (text.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

bool CsvNeedsQuotes(std::string_view text) {
  if (text.empty()) return false;
  if (text.front() == ' ' || text.back() == ' ') return true;
  return text.find_first_of(",\"\r\n") != std::string_view::npos;
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  ForEachCodePoint(text, [&out](char32_t c, std::string_view bytes) {
    switch (c) {
      case '&':
        out += "&amp;";
        return;
      case '<':
        out += "&lt;";
        return;
      case '>':
        out += "&gt;";
        return;
      case '"':
        out += "&quot;";
        return;
      case '\'':
        out += "&#39;";
        return;
      case '\t':
      case '\n':
        out += bytes;
        return;
      default:
        break;
    }
    if (c < 0x20 || c == static_cast<char32_t>(kDelete) || IsC1Control(c)) {
      out += kReplacementCharacter;
    } else {
      out += bytes;
    }
  });
  return out;
}

std::string CsvCell(std::string_view text) {
  const bool guard = CsvNeedsFormulaGuard(text);
  // The guard quote is part of the cell, so it is included before deciding
  // whether the cell needs RFC 4180 quoting.
  std::string cell;
  cell.reserve(text.size() + 1);
  if (guard) cell += '\'';
  cell.append(text);
  if (!CsvNeedsQuotes(cell)) return cell;

  std::string out;
  out.reserve(cell.size() + 8);
  out += '"';
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string TerminalSafe(std::string_view text) { return TerminalSanitizer(text).Run(); }

std::string SanitizeUtf8(std::string_view text) {
  size_t bad_offset = 0;
  if (IsValidUtf8(text, &bad_offset)) return std::string(text);
  std::string out(text.substr(0, bad_offset));
  out.reserve(text.size() + 8);
  ForEachCodePoint(text.substr(bad_offset),
                   [&out](char32_t, std::string_view bytes) { out += bytes; });
  return out;
}

bool IsValidUtf8(std::string_view text, size_t* bad_offset) {
  size_t pos = 0;
  while (pos < text.size()) {
    // ASCII fast path: most audit text is ASCII.
    if (static_cast<uint8_t>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const Utf8Step step = DecodeUtf8Step(text, pos);
    if (!step.valid) {
      if (bad_offset != nullptr) *bad_offset = pos;
      return false;
    }
    pos += step.length;
  }
  return true;
}

}  // namespace tern
