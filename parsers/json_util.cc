#include "parsers/json_util.h"

#include <cmath>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "core/base/escape.h"
#include "core/base/strings.h"

namespace tern::json {
namespace {

// Deeper nesting than this (a JSON string holding JSON holding JSON ...) uses
// a throw-away parser; real exports nest at most three levels (MES wrapper ->
// AuditData string -> Sentinel-style Folders string).
constexpr size_t kPoolSize = 4;

struct ParserPool {
  std::unique_ptr<simdjson::dom::parser> parsers[kPoolSize];
  size_t in_use = 0;
};

ParserPool& ThreadPool() {
  // Function-local thread_local: one pool per thread, built on first use.
  thread_local ParserPool pool;
  return pool;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

size_t SkipSpace(std::string_view s, size_t p) {
  while (p < s.size() && IsSpace(s[p])) ++p;
  return p;
}

// Reads the JSON string starting at s[p] == '"'. Appends up to `max` decoded
// characters to `out` (escapes resolved loosely) and returns the offset after
// the closing quote, or s.size() if the head ends inside the string.
size_t ReadString(std::string_view s, size_t p, size_t max, std::string* out) {
  ++p;
  while (p < s.size()) {
    char c = s[p];
    if (c == '"') return p + 1;
    if (c == '\\' && p + 1 < s.size()) {
      char e = s[p + 1];
      char decoded = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
      if (out->size() < max) out->push_back(decoded);
      p += 2;
      continue;
    }
    if (out->size() < max) out->push_back(c);
    ++p;
  }
  return s.size();
}

// Scans the object whose `{` is at s[p] into *rec (its depth-1 keys and their
// short string values). Returns the offset of the `[` after a depth-1
// "value": key (a Graph page), or npos.
size_t ScanHeadObject(std::string_view s, size_t p, JsonHeadRecord* rec) {
  size_t value_array = std::string_view::npos;
  int depth = 0;
  bool expect_key = false;
  bool after_colon = false;
  while (p < s.size() && rec->keys.size() < 256) {
    char c = s[p];
    if (c == '"') {
      std::string text;
      size_t end = ReadString(s, p, 128, &text);
      if (depth == 1 && expect_key) {
        rec->keys.push_back(std::move(text));
        rec->values.emplace_back();
        expect_key = false;
      } else if (depth == 1 && after_colon && !rec->values.empty()) {
        rec->values.back() = std::move(text);
      }
      after_colon = false;
      p = end;
      continue;
    }
    if (c == '{' || c == '[') {
      if (depth == 1 && after_colon && c == '[' && !rec->keys.empty() &&
          rec->keys.back() == "value") {
        value_array = p;
      }
      ++depth;
      expect_key = depth == 1;
    } else if (c == '}' || c == ']') {
      if (--depth <= 0) break;
    } else if (c == ',' && depth == 1) {
      expect_key = true;
    } else if (c == ':' && depth == 1) {
      after_colon = true;
      ++p;
      continue;
    }
    if (!IsSpace(c)) after_colon = false;
    ++p;
  }
  return value_array;
}

JsonHeadRecord ReadHeadAt(std::string_view head, int nesting) {
  size_t p = SkipSpace(head, 0);
  while (p < head.size() && (head[p] == '[' || IsSpace(head[p]))) ++p;
  if (p >= head.size()) return {};
  if (head[p] == '"' && nesting == 0) {
    // One record per line written as a JSON string (PowerShell's
    // ConvertTo-Json of the AuditData string): read what it holds.
    std::string inner;
    ReadString(head, p, head.size(), &inner);
    JsonHeadRecord rec = ReadHeadAt(inner, nesting + 1);
    rec.string_wrapped = true;
    return rec;
  }
  if (head[p] != '{') return {};
  JsonHeadRecord rec;
  const size_t value_array = ScanHeadObject(head, p, &rec);
  if (value_array != std::string_view::npos && nesting < 2) {
    // A Graph page: {"@odata.context": ..., "value": [ records ]}.
    return ReadHeadAt(head.substr(value_array + 1), nesting + 1);
  }
  rec.object = true;
  return rec;
}

}  // namespace

std::string_view StripLeadingSpace(std::string_view s) {
  size_t p = 0;
  while (p < s.size() && absl::ascii_isspace(static_cast<unsigned char>(s[p]))) ++p;
  return s.substr(p);
}

std::string_view StripSpace(std::string_view s) {
  s = StripLeadingSpace(s);
  size_t n = s.size();
  while (n > 0 && absl::ascii_isspace(static_cast<unsigned char>(s[n - 1]))) --n;
  return s.substr(0, n);
}

// One ASCII lower-casing for the project: core/base/strings.h.
std::string Lower(std::string_view s) { return AsciiLower(s); }

ParserLease::ParserLease() {
  ParserPool& pool = ThreadPool();
  if (pool.in_use < kPoolSize) {
    auto& slot = pool.parsers[pool.in_use++];
    if (!slot) slot = std::make_unique<simdjson::dom::parser>();
    parser_ = slot.get();
    pooled_ = true;
  } else {
    parser_ = new simdjson::dom::parser();
    pooled_ = false;
  }
}

ParserLease::~ParserLease() {
  if (pooled_) {
    --ThreadPool().in_use;
  } else {
    delete parser_;
  }
}

simdjson::simdjson_result<simdjson::dom::element> ParserLease::Parse(std::string_view text) {
  // realloc_if_needed: the parser copies into its own padded buffer, which it
  // keeps and only grows.
  return parser_->parse(text.data(), text.size(), /*realloc_if_needed=*/true);
}

std::optional<std::string_view> AsString(simdjson::dom::element e) {
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
  return s;
}

std::string ScalarText(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::STRING:
      return std::string(*AsString(e));
    case simdjson::dom::element_type::NULL_VALUE:
      return std::string();
    default:
      return simdjson::to_string(e);
  }
}

std::optional<int64_t> AsInt(simdjson::dom::element e) {
  int64_t i;
  if (e.get_int64().get(i) == simdjson::SUCCESS) return i;
  uint64_t u;
  if (e.get_uint64().get(u) == simdjson::SUCCESS) {
    if (u > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  double d;
  if (e.get_double().get(d) == simdjson::SUCCESS) {
    // Sizes arrive as "1156492.00"; refuse fractions and out-of-range values.
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.0e18) return std::nullopt;
    return static_cast<int64_t>(d);
  }
  std::optional<std::string_view> s = AsString(e);
  if (!s) return std::nullopt;
  absl::string_view t(StripSpace(*s).data(), StripSpace(*s).size());
  if (absl::SimpleAtoi(t, &i)) return i;
  if (absl::SimpleAtod(t, &d) && std::isfinite(d) && d == std::floor(d) && std::fabs(d) <= 9.0e18) {
    return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

std::optional<bool> AsBool(simdjson::dom::element e) {
  bool b;
  if (e.get_bool().get(b) == simdjson::SUCCESS) return b;
  int64_t i;
  if (e.get_int64().get(i) == simdjson::SUCCESS) {
    if (i == 0 || i == 1) return i == 1;
    return std::nullopt;
  }
  std::optional<std::string_view> s = AsString(e);
  if (!s) return std::nullopt;
  std::string_view t = StripSpace(*s);
  if (EqualsIgnoreCase(t, "true") || t == "1") return true;
  if (EqualsIgnoreCase(t, "false") || t == "0") return false;
  return std::nullopt;
}

bool IsBlank(simdjson::dom::element e) {
  if (e.is_null()) return true;
  std::optional<std::string_view> s = AsString(e);
  return s && s->empty();
}

namespace {

// The code unit of a "\uXXXX" escape starting at text[i] (the backslash),
// or -1 when there is none there.
int32_t EscapedUnit(std::string_view text, size_t i) {
  if (i + 6 > text.size() || text[i] != '\\' || text[i + 1] != 'u') return -1;
  int32_t unit = 0;
  for (size_t k = i + 2; k < i + 6; ++k) {
    const char c = text[k];
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    if (digit < 0) return -1;
    unit = unit * 16 + digit;
  }
  return unit;
}

}  // namespace

std::optional<std::string> ReplaceLoneSurrogateEscapes(std::string_view text) {
  std::string out;
  size_t copied = 0;  // text[copied, i) still to be copied to `out`
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '\\') {
      ++i;
      continue;
    }
    const int32_t unit = EscapedUnit(text, i);
    if (unit < 0xD800 || unit > 0xDFFF) {
      i += 2;  // any other escape, "\\" included, is two bytes
      continue;
    }
    const int32_t next = EscapedUnit(text, i + 6);
    if (unit <= 0xDBFF && next >= 0xDC00 && next <= 0xDFFF) {
      i += 12;  // a proper pair
      continue;
    }
    out.append(text.substr(copied, i - copied));
    out.append("\\ufffd");
    i += 6;
    copied = i;
  }
  if (copied == 0) return std::nullopt;
  out.append(text.substr(copied));
  return out;
}

simdjson::error_code ParseRecovering(ParserLease& lease, std::string_view text,
                                     simdjson::dom::element* root, std::string* storage,
                                     std::string_view* text_used, bool* lossy) {
  *text_used = text;
  simdjson::error_code error = lease.Parse(text).get(*root);
  if (error == simdjson::UTF8_ERROR) {
    *lossy = true;
    *storage = SanitizeUtf8(text);
    *text_used = *storage;
    error = lease.Parse(*text_used).get(*root);
  }
  if (error != simdjson::SUCCESS) {
    if (std::optional<std::string> repaired = ReplaceLoneSurrogateEscapes(*text_used)) {
      *lossy = true;
      *storage = *std::move(repaired);
      *text_used = *storage;
      error = lease.Parse(*text_used).get(*root);
    }
  }
  return error;
}

bool FindKey(simdjson::dom::object obj, std::string_view key, simdjson::dom::element* out) {
  for (simdjson::dom::key_value_pair field : obj) {
    if (EqualsIgnoreCase(field.key, key)) {
      *out = field.value;
      return true;
    }
  }
  return false;
}

bool JsonHeadRecord::Has(std::string_view key) const {
  for (const std::string& k : keys) {
    if (k == key) return true;
  }
  return false;
}

int JsonHeadRecord::Count(std::initializer_list<std::string_view> names) const {
  int n = 0;
  for (std::string_view name : names) n += Has(name);
  return n;
}

std::string_view JsonHeadRecord::ValueOf(std::string_view key) const {
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return values[i];
  }
  return {};
}

JsonHeadRecord ReadJsonHead(std::string_view head) { return ReadHeadAt(head, 0); }

}  // namespace tern::json
