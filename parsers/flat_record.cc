#include "parsers/flat_record.h"

#include "absl/strings/ascii.h"
#include "core/base/json_writer.h"
#include "parsers/audit_data.h"

namespace tern {
namespace {

bool IsSeparator(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == ';';
}

std::string_view TrimSeparators(std::string_view s) {
  while (!s.empty() && IsSeparator(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSeparator(s.back())) s.remove_suffix(1);
  return s;
}

// Length of "Name" if a "Name:" pair starts at `s`, else 0. A colon followed
// by '/' is a URL scheme and a one-letter name a drive ("C:\"), not a pair.
size_t PairNameLength(std::string_view s) {
  if (s.empty() || !absl::ascii_isalpha(static_cast<unsigned char>(s[0]))) return 0;
  size_t i = 1;
  while (i < s.size() && (absl::ascii_isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) {
    ++i;
  }
  if (i < 2 || i >= s.size() || s[i] != ':') return 0;
  if (i + 1 < s.size() && (s[i + 1] == '/' || s[i + 1] == '\\')) return 0;
  return i;
}

// Export-Csv writes a collection property as its .NET type name, and a
// nested object as "@{Key=value; ...}" text, neither of which can be read
// back reliably.
bool IsPlaceholder(std::string_view v) {
  return v.substr(0, 7) == "System." || v.substr(0, 19) == "Microsoft.Exchange." ||
         (v.substr(0, 2) == "@{" && v.back() == '}');
}

bool IsBlank(std::string_view v) {
  for (char c : v) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

template <typename Pairs>
void AppendNameValues(const Pairs& pairs, std::string* out) {
  out->push_back('[');
  bool first = true;
  for (const auto& [name, value] : pairs) {
    if (!first) out->push_back(',');
    first = false;
    out->append("{\"Name\":");
    AppendJsonString(name, out);
    out->append(",\"Value\":");
    AppendJsonString(value, out);
    out->push_back('}');
  }
  out->push_back(']');
}

bool IsBlankChar(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The next word of a command line from text[*pos]: a quoted string (quotes
// removed, a doubled quote kept once) or a run of non-blanks.
std::string NextWord(std::string_view text, size_t* pos, bool* quoted) {
  size_t i = *pos;
  while (i < text.size() && IsBlankChar(text[i])) ++i;
  std::string word;
  *quoted = i < text.size() && (text[i] == '\'' || text[i] == '"');
  if (*quoted) {
    const char q = text[i++];
    while (i < text.size()) {
      if (text[i] == q && i + 1 < text.size() && text[i + 1] == q) {
        word.push_back(q);
        i += 2;
      } else if (text[i] == q) {
        ++i;
        break;
      } else {
        word.push_back(text[i++]);
      }
    }
  } else {
    while (i < text.size() && !IsBlankChar(text[i])) word.push_back(text[i++]);
  }
  *pos = i;
  return word;
}

void AppendNameValueList(std::string_view text, std::string* out) {
  std::string_view start = text;
  while (!start.empty() && IsBlankChar(start.front())) start.remove_prefix(1);
  if (start.front() == '[' || start.front() == '{') {
    AppendJsonString(text, out);  // JSON held as text: decoded by NormalizeAuditData
  } else if (start.front() == '-') {
    AppendNameValues(SplitCmdletParameters(start), out);
  } else {
    AppendNameValues(SplitNameValueTokens(text), out);
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> SplitCmdletParameters(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  bool open_switch = false;  // the last pair has no value yet
  size_t pos = 0;
  while (pos < text.size()) {
    bool quoted = false;
    std::string word = NextWord(text, &pos, &quoted);
    if (word.empty() && !quoted) break;
    if (!quoted && word.size() > 1 && word[0] == '-' &&
        absl::ascii_isalpha(static_cast<unsigned char>(word[1]))) {
      if (open_switch) out.back().second = "True";
      const size_t colon = word.find(':');
      out.emplace_back(word.substr(1, colon == std::string::npos ? colon : colon - 1),
                       std::string());
      open_switch = colon == std::string::npos || colon + 1 == word.size();
      if (!open_switch) out.back().second = word.substr(colon + 1);
      continue;
    }
    if (out.empty()) continue;  // text before the first -Name carries no name
    std::string& value = out.back().second;
    if (!open_switch) value.push_back(' ');
    value += word;
    open_switch = false;
  }
  if (open_switch) out.back().second = "True";
  return out;
}

std::vector<std::pair<std::string_view, std::string_view>> SplitNameValueTokens(
    std::string_view text) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  size_t value_start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i > 0 && !IsSeparator(text[i - 1])) continue;
    const size_t len = PairNameLength(text.substr(i));
    if (len == 0) continue;
    if (!out.empty()) out.back().second = TrimSeparators(text.substr(value_start, i - value_start));
    out.emplace_back(text.substr(i, len), std::string_view());
    value_start = i + len + 1;
    i += len;
  }
  if (!out.empty()) out.back().second = TrimSeparators(text.substr(value_start));
  return out;
}

FlatSchema::FlatSchema(const CsvHeader& header, absl::Span<const FlatColumn> columns) {
  for (const FlatColumn& spec : columns) {
    const int col = header.Find({spec.column});
    if (col < 0) continue;
    ++matched_;
    std::vector<Node>* level = &root_;
    std::string_view key = spec.key;
    for (;;) {
      const size_t dot = key.find('.');
      const std::string_view segment = key.substr(0, dot);
      Node* node = nullptr;
      for (Node& n : *level) {
        if (n.name == segment) node = &n;
      }
      if (node == nullptr) {
        level->push_back(Node{std::string(segment), spec.kind, {}, {}});
        node = &level->back();
      }
      if (dot == std::string_view::npos) {
        node->columns.push_back(col);
        break;
      }
      level = &node->children;
      key.remove_prefix(dot + 1);
    }
  }
}

bool FlatSchema::Emit(const std::vector<Node>& nodes, absl::Span<const std::string_view> cells,
                      std::string* out) {
  bool wrote = false;
  for (const Node& node : nodes) {
    const size_t mark = out->size();
    if (wrote) out->push_back(',');
    AppendJsonString(node.name, out);
    out->push_back(':');
    bool ok = false;
    if (node.children.empty()) {
      for (int col : node.columns) {
        const std::string_view v =
            static_cast<size_t>(col) < cells.size() ? cells[col] : std::string_view();
        if (IsBlank(v) || IsPlaceholder(v)) continue;
        if (node.kind == FlatKind::kNameValueTokens) {
          AppendNameValues(SplitNameValueTokens(v), out);
        } else if (node.kind == FlatKind::kNameValueList) {
          AppendNameValueList(v, out);
        } else {
          AppendJsonString(v, out);
        }
        ok = true;
        break;
      }
    } else {
      out->push_back('{');
      ok = Emit(node.children, cells, out);
      out->push_back('}');
    }
    if (ok) {
      wrote = true;
    } else {
      out->resize(mark);  // nothing to say under this key
    }
  }
  return wrote;
}

void FlatSchema::BuildJson(absl::Span<const std::string_view> cells, std::string* out) const {
  out->push_back('{');
  Emit(root_, cells, out);
  out->push_back('}');
}

absl::Status NormalizeFlatRecord(const FlatSchema& schema, absl::Span<const std::string_view> cells,
                                 Event* event, std::string* scratch) {
  scratch->clear();
  schema.BuildJson(cells, scratch);
  return NormalizeAuditData(*scratch, event);
}

}  // namespace tern
