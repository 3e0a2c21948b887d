// report.html: a finding's details as readable fields (issue 13) instead of
// a JSON dump. Finding::details_json is our own JsonWriter output: one flat
// object of strings, integers, booleans and lists of strings
// (core/detect/incident.cc); anything else falls back to the indented JSON.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "reports/html_internal.h"

namespace tern::html {
namespace {

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

class FlatReader {
 public:
  explicit FlatReader(std::string_view s) : s_(s) {}

  bool Object(std::vector<std::pair<std::string, std::vector<std::string>>>* out) {
    if (!Eat('{')) return false;
    if (Eat('}')) return Done();
    do {
      std::string key;
      if (!String(&key) || !Eat(':')) return false;
      std::vector<std::string> values;
      if (Eat('[')) {
        if (!Eat(']')) {
          do {
            std::string v;
            if (!Scalar(&v)) return false;
            values.push_back(std::move(v));
          } while (Eat(','));
          if (!Eat(']')) return false;
        }
      } else {
        std::string v;
        if (!Scalar(&v)) return false;
        values.push_back(std::move(v));
      }
      out->emplace_back(std::move(key), std::move(values));
    } while (Eat(','));
    return Eat('}') && Done();
  }

 private:
  void Space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r'))
      ++i_;
  }
  bool Eat(char c) {
    Space();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool Done() {
    Space();
    return i_ == s_.size();
  }
  bool Hex4(uint32_t* v) {
    if (i_ + 4 > s_.size()) return false;
    *v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_++];
      *v <<= 4;
      if (c >= '0' && c <= '9') {
        *v |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        *v |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        *v |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
    }
    return true;
  }
  bool String(std::string* out) {
    if (!Eat('"')) return false;
    while (i_ < s_.size()) {
      const char c = s_[i_++];
      if (c == '"') return true;
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (i_ >= s_.size()) return false;
      const char e = s_[i_++];
      switch (e) {
        case 'n':
          out->push_back('\n');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'u': {
          uint32_t cp = 0;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xd800 && cp < 0xdc00 && i_ + 1 < s_.size() && s_[i_] == '\\' &&
              s_[i_ + 1] == 'u') {
            i_ += 2;
            uint32_t low = 0;
            if (!Hex4(&low)) return false;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          out->push_back(e);
      }
    }
    return false;
  }
  bool Scalar(std::string* out) {
    Space();
    if (i_ < s_.size() && s_[i_] == '"') return String(out);
    const size_t start = i_;
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']' && s_[i_] != ' ') ++i_;
    if (i_ == start) return false;
    *out = std::string(s_.substr(start, i_ - start));
    if (*out == "true") *out = "yes";
    if (*out == "false") *out = "no";
    return true;
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

std::string DetailsHtml(std::string_view details_json) {
  std::vector<std::pair<std::string, std::vector<std::string>>> fields;
  if (!FlatReader(details_json).Object(&fields)) {
    return absl::StrCat("<pre class=\"details\">", Esc(PrettyJson(details_json)), "</pre>\n");
  }
  if (fields.empty()) return "";
  std::string out = "<dl class=\"facts\">";
  for (const auto& [key, values] : fields) {
    std::string label = key;
    for (char& c : label) {
      if (c == '_') c = ' ';
    }
    if (!label.empty() && label[0] >= 'a' && label[0] <= 'z') label[0] = label[0] - 'a' + 'A';
    std::string value;
    for (const std::string& v : values) absl::StrAppend(&value, value.empty() ? "" : "; ", Esc(v));
    absl::StrAppend(&out, "<dt>", Esc(label), "</dt><dd>", value.empty() ? "—" : value, "</dd>");
  }
  out.append("</dl>\n");
  return out;
}

}  // namespace tern::html
