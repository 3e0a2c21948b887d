// Sigma value patterns: one compiled value of a detection field (after its
// modifiers) and the matching of a record's text against it. Plain strings
// match case-insensitively (ASCII) with the wildcards * and ? (escaped as \*
// \? \\); `re` uses RE2 (linear time: record values are attacker-controlled);
// `cidr` matches normalized IP addresses; lt/lte/gt/gte compare numbers.
//
// Immutable after construction; safe to share between threads.
#ifndef TERN_CORE_SIGMA_PATTERN_H_
#define TERN_CORE_SIGMA_PATTERN_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace re2 {
class RE2;
}

namespace tern::sigma {

class Pattern {
 public:
  enum class Kind : uint8_t {
    kExact,     // whole value (no wildcard)
    kPrefix,    // literal*
    kSuffix,    // *literal
    kContains,  // *literal*
    kGlob,      // anything else with wildcards
    kRegex,
    kCidr,
    kNumber,  // lt / lte / gt / gte
    kNull,    // the field is absent or empty
  };
  enum class Compare : uint8_t { kLt, kLte, kGt, kGte };

  // A Sigma string value (with its wildcards and escapes), wrapped by the
  // contains / startswith / endswith modifiers when `wrap_*` is set.
  static Pattern Text(std::string_view sigma_value, bool cased, bool wrap_start, bool wrap_end);
  // A value taken literally (no wildcards), e.g. an encoded base64 string.
  static Pattern Literal(std::string_view value, bool cased, bool wrap_start, bool wrap_end);
  // `flags` holds "i", "m", "s" sub-modifiers.
  static absl::StatusOr<Pattern> Regex(std::string_view expression, std::string_view flags);
  static absl::StatusOr<Pattern> Cidr(std::string_view cidr);
  static absl::StatusOr<Pattern> Number(Compare op, std::string_view number);
  static Pattern Null();

  bool Matches(std::string_view value) const;
  Kind kind() const { return kind_; }
  // The literal text (lower-cased unless cased), for listings and tests.
  const std::string& text() const { return text_; }

 private:
  static Pattern Classified(std::string text, std::vector<uint8_t> glob, bool cased);

  Kind kind_ = Kind::kExact;
  bool cased_ = false;
  std::string text_;
  // kGlob: per byte of text_, 0 literal, 1 '*', 2 '?'.
  std::vector<uint8_t> glob_;
  std::shared_ptr<const re2::RE2> regex_;
  // kCidr: 16 address bytes (IPv4 in the first 4), prefix length, family.
  std::array<uint8_t, 16> net_{};
  int prefix_ = 0;
  bool v6_ = false;
  Compare compare_ = Compare::kGt;
  double number_ = 0;
};

// The variants `windash` expands a value to: every '-' or '/' that starts a
// word written as '-', '/', en dash, em dash and horizontal bar.
std::vector<std::string> WindashVariants(std::string_view value);
// Standard base64 of `value`.
std::string Base64(std::string_view value);
// The three strings that appear in base64 text containing `value` at any
// offset (Sigma base64offset).
std::vector<std::string> Base64OffsetVariants(std::string_view value);
// UTF-16 encodings of a UTF-8 (ASCII-safe) value for the wide / utf16*
// modifiers; `big_endian` selects utf16be, `bom` prefixes the byte-order mark.
std::string Utf16(std::string_view value, bool big_endian, bool bom);

}  // namespace tern::sigma

#endif  // TERN_CORE_SIGMA_PATTERN_H_
