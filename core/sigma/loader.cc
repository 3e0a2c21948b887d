#include "core/sigma/loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/base/strings.h"
#include "core/correlate/text.h"
#include "core/sigma/condition.h"
#include "yaml-cpp/yaml.h"

namespace tern::sigma {
namespace {

using correlate::Lower;

int LineOf(const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  return m.line >= 0 ? m.line + 1 : 0;
}

// Collects the diagnostics of one document.
class DocumentCompiler {
 public:
  DocumentCompiler(std::string_view source, RuleLoad& out) : source_(source), out_(out) {}

  void Compile(const YAML::Node& doc) {
    if (!doc.IsMap()) {
      Error(LineOf(doc), "a rule document must be a YAML mapping");
      return;
    }
    rule_.source = std::string(source_);
    rule_.line = std::max(1, LineOf(doc));
    rule_.title = Text(doc["title"]);
    rule_.id = Text(doc["id"]);
    rule_.name = Text(doc["name"]);
    label_ = !rule_.id.empty() ? rule_.id : rule_.title;
    if (rule_.title.empty()) Error(rule_.line, "no title");
    if (rule_.id.empty()) {
      Error(rule_.line, "no id (findings name their rule by it)");
    } else if (!ValidId(rule_.id)) {
      Error(LineOf(doc["id"]), "id may hold only letters, digits, '-', '_' and '.'");
    }
    rule_.description = Text(doc["description"]);
    rule_.status = Text(doc["status"]);
    rule_.author = Text(doc["author"]);
    ReadLevel(doc["level"]);
    ReadTags(doc["tags"]);
    if (const YAML::Node fp = doc["falsepositives"]; fp && fp.IsSequence()) {
      for (const YAML::Node& v : fp) rule_.falsepositives.push_back(Text(v));
    }
    if (doc["correlation"]) {
      ReadCorrelation(doc["correlation"]);
    } else {
      if (!AcceptLogsource(doc["logsource"])) return;
      ReadDetection(doc["detection"]);
    }
    if (!errors_) out_.rules.push_back(std::move(rule_));
  }

 private:
  static bool ValidId(std::string_view id) {
    return std::all_of(id.begin(), id.end(), [](char c) {
      return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    });
  }

  static std::string Text(const YAML::Node& n) {
    if (!n || !n.IsScalar()) return {};
    return n.Scalar();
  }

  void Report(Diagnostic::Level level, int line, std::string message) {
    out_.diagnostics.push_back(
        Diagnostic{level, std::string(source_), line, label_, std::move(message)});
  }
  void Error(int line, std::string message) {
    errors_ = true;
    Report(Diagnostic::Level::kError, line, std::move(message));
  }
  void Warning(int line, std::string message) {
    Report(Diagnostic::Level::kWarning, line, std::move(message));
  }

  void ReadLevel(const YAML::Node& n) {
    const std::string level = Lower(Text(n));
    static constexpr std::pair<std::string_view, Severity> kLevels[] = {
        {"informational", Severity::kInfo},
        {"info", Severity::kInfo},
        {"low", Severity::kLow},
        {"medium", Severity::kMedium},
        {"high", Severity::kHigh},
        {"critical", Severity::kCritical}};
    for (auto [name, severity] : kLevels) {
      if (level == name) {
        rule_.level = severity;
        return;
      }
    }
    if (level.empty()) {
      Warning(rule_.line, "no level: reported as medium");
    } else {
      Error(LineOf(n), absl::StrCat("unknown level '", level, "'"));
    }
  }

  void ReadTags(const YAML::Node& n) {
    if (!n) return;
    if (!n.IsSequence()) {
      Error(LineOf(n), "tags must be a list");
      return;
    }
    for (const YAML::Node& t : n) {
      std::string tag = Text(t);
      rule_.tags.push_back(tag);
      const std::string lower = Lower(tag);
      // attack.t1114.003 -> T1114.003
      if (lower.size() > 8 && lower.starts_with("attack.t") &&
          absl::ascii_isdigit(static_cast<unsigned char>(lower[8]))) {
        rule_.attack.push_back(absl::AsciiStrToUpper(lower.substr(7)));
      }
    }
  }

  bool AcceptLogsource(const YAML::Node& n) {
    if (!n || !n.IsMap()) {
      Error(rule_.line, "no logsource");
      return false;
    }
    const std::string product = Lower(Text(n["product"]));
    const std::string service = Lower(Text(n["service"]));
    static constexpr std::string_view kServices[] = {"m365", "exchange", "audit",
                                                     "threat_management"};
    const bool service_ok =
        std::find(std::begin(kServices), std::end(kServices), service) != std::end(kServices);
    if ((product == "m365" && (service.empty() || service_ok)) ||
        (product == "azure" && service_ok)) {
      return true;
    }
    Report(Diagnostic::Level::kNote, LineOf(n),
           absl::StrCat("skipped: log source product '", product, "' service '", service,
                        "' is not Microsoft 365 audit records"));
    errors_ = true;  // not loaded, but not an error either
    return false;
  }

  void ReadDetection(const YAML::Node& n) {
    if (!n || !n.IsMap()) {
      Error(rule_.line, "no detection");
      return;
    }
    std::vector<std::string> names;
    YAML::Node condition;
    bool has_condition = false;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (key == "condition") {
        condition = it->second;
        has_condition = true;
      } else if (key == "timeframe") {
        Warning(LineOf(it->first), "'timeframe' is deprecated and ignored: use a correlation rule");
      } else {
        Selection s;
        s.name = key;
        s.line = LineOf(it->first);
        ReadSelection(it->second, s);
        names.push_back(key);
        rule_.selections.push_back(std::move(s));
      }
    }
    if (!has_condition) {
      Error(LineOf(n), "detection has no condition");
      return;
    }
    std::vector<std::string> texts;
    if (condition.IsSequence()) {
      for (const YAML::Node& c : condition) texts.push_back(Text(c));
    } else {
      texts.push_back(Text(condition));
    }
    Condition root;
    root.op = Condition::Op::kOr;
    for (const std::string& text : texts) {
      absl::StatusOr<Condition> c = ParseCondition(text, names);
      if (!c.ok()) {
        Error(LineOf(condition), absl::StrCat("bad condition: ", c.status().message()));
        return;
      }
      root.children.push_back(*std::move(c));
    }
    rule_.condition =
        root.children.size() == 1 ? std::move(root.children.front()) : std::move(root);
  }

  void ReadSelection(const YAML::Node& n, Selection& s) {
    if (n.IsMap()) {
      s.alternatives.push_back(ReadFieldMap(n));
      return;
    }
    if (!n.IsSequence() || n.size() == 0) {
      Error(s.line, absl::StrCat("search identifier '", s.name,
                                 "' must be a map, a list of maps or a list of keywords"));
      return;
    }
    const bool maps = n[0].IsMap();
    for (const YAML::Node& entry : n) {
      if (entry.IsMap() != maps) {
        Error(LineOf(entry),
              absl::StrCat("search identifier '", s.name, "' mixes field maps and keywords"));
        return;
      }
      if (maps) {
        s.alternatives.push_back(ReadFieldMap(entry));
      } else if (entry.IsScalar()) {
        s.keywords.push_back(Pattern::Text(entry.Scalar(), false, true, true));
      } else {
        Error(LineOf(entry), "a keyword must be a plain value");
      }
    }
    s.is_keywords = !maps;
  }

  std::vector<FieldMatch> ReadFieldMap(const YAML::Node& n) {
    std::vector<FieldMatch> fields;
    for (auto it = n.begin(); it != n.end(); ++it) {
      FieldMatch f;
      f.line = LineOf(it->first);
      if (ReadField(it->first.Scalar(), it->second, f)) fields.push_back(std::move(f));
    }
    return fields;
  }

  struct Modifiers {
    bool contains = false, startswith = false, endswith = false, all = false, re = false,
         cidr = false, exists = false, windash = false, base64 = false, base64offset = false,
         cased = false, wide = false, utf16be = false, utf16bom = false;
    std::string re_flags;
    std::optional<Pattern::Compare> compare;
  };

  bool ReadModifiers(const std::vector<std::string>& parts, int line, Modifiers& m) {
    for (size_t i = 1; i < parts.size(); ++i) {
      const std::string mod = Lower(parts[i]);
      if (mod == "contains")
        m.contains = true;
      else if (mod == "startswith")
        m.startswith = true;
      else if (mod == "endswith")
        m.endswith = true;
      else if (mod == "all")
        m.all = true;
      else if (mod == "re")
        m.re = true;
      else if (m.re && (mod == "i" || mod == "m" || mod == "s"))
        m.re_flags += mod;
      else if (mod == "cidr")
        m.cidr = true;
      else if (mod == "exists")
        m.exists = true;
      else if (mod == "windash")
        m.windash = true;
      else if (mod == "base64")
        m.base64 = true;
      else if (mod == "base64offset")
        m.base64offset = true;
      else if (mod == "cased")
        m.cased = true;
      else if (mod == "wide" || mod == "utf16le")
        m.wide = true;
      else if (mod == "utf16be")
        m.wide = m.utf16be = true;
      else if (mod == "utf16")
        m.wide = m.utf16bom = true;
      else if (mod == "lt")
        m.compare = Pattern::Compare::kLt;
      else if (mod == "lte")
        m.compare = Pattern::Compare::kLte;
      else if (mod == "gt")
        m.compare = Pattern::Compare::kGt;
      else if (mod == "gte")
        m.compare = Pattern::Compare::kGte;
      else {
        Error(line, absl::StrCat("unknown modifier '", parts[i], "'"));
        return false;
      }
    }
    if ((m.startswith + m.endswith + m.contains) > 1) {
      Error(line, "contains, startswith and endswith exclude each other");
      return false;
    }
    return true;
  }

  bool ReadField(const std::string& key, const YAML::Node& value, FieldMatch& f) {
    std::vector<std::string> parts;
    std::stringstream ss(key);
    for (std::string part; std::getline(ss, part, '|');) parts.push_back(part);
    if (parts.empty() || parts[0].empty()) {
      Error(f.line, absl::StrCat("'", key, "': no field name"));
      return false;
    }
    Modifiers m;
    if (!ReadModifiers(parts, f.line, m)) return false;
    f.field = FieldRef::Resolve(parts[0]);
    if (!f.field.known()) {
      Warning(f.line, absl::StrCat("field '", parts[0],
                                   "' is not a field of Microsoft 365 audit records (UAL); "
                                   "it matches only if a record carries it"));
    }
    f.all = m.all;
    if (m.exists) {
      const std::string v = Lower(Text(value));
      if (v != "true" && v != "false") {
        Error(f.line, "exists takes true or false");
        return false;
      }
      f.exists = v == "true";
      return true;
    }
    std::vector<YAML::Node> values;
    if (value.IsSequence()) {
      for (const YAML::Node& v : value) values.push_back(v);
    } else {
      values.push_back(value);
    }
    for (const YAML::Node& v : values) {
      if (!v || v.IsNull()) {
        f.patterns.push_back(Pattern::Null());
        continue;
      }
      if (!v.IsScalar()) {
        Error(LineOf(v), absl::StrCat("value of '", key, "' must be a plain value or a list"));
        return false;
      }
      if (!AddPatterns(v.Scalar(), m, LineOf(v), f)) return false;
    }
    return true;
  }

  bool AddPatterns(const std::string& value, const Modifiers& m, int line, FieldMatch& f) {
    auto check = [&](absl::StatusOr<Pattern> p) {
      if (!p.ok()) {
        Error(line, std::string(p.status().message()));
        return false;
      }
      f.patterns.push_back(*std::move(p));
      return true;
    };
    if (m.re) return check(Pattern::Regex(value, m.re_flags));
    if (m.cidr) return check(Pattern::Cidr(value));
    if (m.compare) return check(Pattern::Number(*m.compare, value));
    std::vector<std::string> variants =
        m.windash ? WindashVariants(value) : std::vector<std::string>{value};
    const bool encoded = m.base64 || m.base64offset;
    if (m.wide && !encoded) {
      Error(line, "wide / utf16 modifiers need base64 or base64offset after them");
      return false;
    }
    for (const std::string& variant : variants) {
      const std::string raw = m.wide ? Utf16(variant, m.utf16be, m.utf16bom) : variant;
      std::vector<std::string> texts;
      if (m.base64offset) {
        texts = Base64OffsetVariants(raw);
      } else if (m.base64) {
        texts.push_back(Base64(raw));
      } else {
        texts.push_back(raw);
      }
      for (const std::string& t : texts) {
        // Base64 text is case-sensitive and has no wildcards.
        f.patterns.push_back(
            encoded
                ? Pattern::Literal(t, true, m.contains || m.endswith, m.contains || m.startswith)
                : Pattern::Text(t, m.cased, m.contains || m.endswith, m.contains || m.startswith));
      }
    }
    return true;
  }

  bool ReadDuration(const YAML::Node& n, int64_t* ms) {
    const std::string t = Text(n);
    int64_t value = 0;
    if (t.size() < 2 || !absl::SimpleAtoi(t.substr(0, t.size() - 1), &value) || value <= 0) {
      return false;
    }
    static constexpr std::pair<char, int64_t> kUnits[] = {
        {'s', 1000}, {'m', 60'000}, {'h', 3'600'000}, {'d', 86'400'000}, {'w', 604'800'000}};
    for (auto [unit, factor] : kUnits) {
      if (t.back() == unit) {
        *ms = value * factor;
        return true;
      }
    }
    return false;
  }

  void ReadCorrelation(const YAML::Node& n) {
    if (!n.IsMap()) {
      Error(LineOf(n), "correlation must be a mapping");
      return;
    }
    Correlation c;
    const std::string type = Lower(Text(n["type"]));
    if (type == "event_count")
      c.type = Correlation::Type::kEventCount;
    else if (type == "value_count")
      c.type = Correlation::Type::kValueCount;
    else if (type == "temporal")
      c.type = Correlation::Type::kTemporal;
    else if (type == "temporal_ordered")
      c.type = Correlation::Type::kTemporalOrdered;
    else {
      Error(LineOf(n["type"]), absl::StrCat("unknown correlation type '", type, "'"));
      return;
    }
    const YAML::Node rules = n["rules"];
    if (rules && rules.IsSequence()) {
      for (const YAML::Node& r : rules) c.rules.push_back(Text(r));
    } else if (rules && rules.IsScalar()) {
      c.rules.push_back(rules.Scalar());
    }
    if (c.rules.empty()) Error(LineOf(n), "correlation names no rules");
    const YAML::Node group = n["group-by"];
    if (group && group.IsSequence()) {
      for (const YAML::Node& g : group) c.group_by.push_back(FieldRef::Resolve(Text(g)));
    } else if (group && group.IsScalar()) {
      c.group_by.push_back(FieldRef::Resolve(group.Scalar()));
    }
    if (!ReadDuration(n["timespan"], &c.timespan_ms)) {
      Error(LineOf(n), "timespan must be a number with s, m, h, d or w (e.g. 5m)");
    }
    if (n["aliases"]) Error(LineOf(n["aliases"]), "correlation aliases are not supported");
    if (const YAML::Node g = n["generate"]; g) c.generate = Lower(Text(g)) == "true";
    ReadCorrelationCondition(n["condition"], c);
    rule_.correlation = std::move(c);
  }

  void ReadCorrelationCondition(const YAML::Node& n, Correlation& c) {
    const bool counting =
        c.type == Correlation::Type::kEventCount || c.type == Correlation::Type::kValueCount;
    if (!counting) {
      if (n) Warning(LineOf(n), "temporal correlations take no condition; ignored");
      return;
    }
    if (!n || !n.IsMap()) {
      Error(rule_.line, "a counting correlation needs a condition (e.g. gte: 10)");
      return;
    }
    bool bound = false;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = Lower(it->first.Scalar());
      if (key == "field") {
        c.value_field = FieldRef::Resolve(Text(it->second));
        continue;
      }
      int64_t v = 0;
      if (!absl::SimpleAtoi(Text(it->second), &v)) {
        Error(LineOf(it->second), absl::StrCat("'", key, "' needs a whole number"));
        continue;
      }
      bound = true;
      if (key == "gt")
        c.gt = v;
      else if (key == "gte")
        c.gte = v;
      else if (key == "lt")
        c.lt = v;
      else if (key == "lte")
        c.lte = v;
      else if (key == "eq")
        c.eq = v;
      else if (key == "neq")
        c.neq = v;
      else {
        bound = false;
        Error(LineOf(it->first), absl::StrCat("unknown condition operator '", key, "'"));
      }
    }
    if (!bound) Error(LineOf(n), "correlation condition has no comparison");
    if (c.type == Correlation::Type::kValueCount && !c.value_field) {
      Error(LineOf(n), "value_count needs condition.field");
    }
  }

  std::string_view source_;
  RuleLoad& out_;
  Rule rule_;
  std::string label_;
  bool errors_ = false;
};

}  // namespace

std::string Diagnostic::ToString() const {
  std::string_view what = level == Level::kError     ? "error"
                          : level == Level::kWarning ? "warning"
                                                     : "note";
  std::string out = file;
  if (line > 0) absl::StrAppend(&out, ":", line);
  absl::StrAppend(&out, ": ", ToAbsl(what), ": ", message);
  if (!rule.empty()) absl::StrAppend(&out, " [", rule, "]");
  return out;
}

bool RuleLoad::has_errors() const {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.level == Diagnostic::Level::kError; });
}

void LoadText(std::string_view text, std::string_view source, RuleLoad& out) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    out.diagnostics.push_back(Diagnostic{Diagnostic::Level::kError, std::string(source),
                                         e.mark.line >= 0 ? e.mark.line + 1 : 0, "",
                                         absl::StrCat("not valid YAML: ", e.msg)});
    return;
  }
  for (const YAML::Node& doc : docs) {
    if (!doc || doc.IsNull()) continue;
    try {
      DocumentCompiler(source, out).Compile(doc);
    } catch (const YAML::Exception& e) {
      out.diagnostics.push_back(Diagnostic{Diagnostic::Level::kError, std::string(source),
                                           e.mark.line >= 0 ? e.mark.line + 1 : LineOf(doc), "",
                                           absl::StrCat("unexpected YAML: ", e.msg)});
    }
  }
}

void LoadPath(const std::string& path, RuleLoad& out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::string> files;
  if (fs::is_directory(path, ec)) {
    for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string ext = Lower(it->path().extension().string());
      if (it->is_regular_file(ec) && (ext == ".yml" || ext == ".yaml")) {
        files.push_back(it->path().string());
      }
    }
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  if (ec) {
    out.diagnostics.push_back(Diagnostic{Diagnostic::Level::kError, path, 0, "",
                                         absl::StrCat("cannot read: ", ec.message())});
  }
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      out.diagnostics.push_back(
          Diagnostic{Diagnostic::Level::kError, file, 0, "", "cannot open the file"});
      continue;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    out.files.push_back(file);
    LoadText(buffer.str(), file, out);
  }
}

void Link(RuleLoad& out) {
  absl::flat_hash_map<std::string, size_t> by_ref;
  std::vector<bool> drop(out.rules.size(), false);
  auto error = [&](const Rule& r, std::string message) {
    out.diagnostics.push_back(
        Diagnostic{Diagnostic::Level::kError, r.source, r.line, r.id, std::move(message)});
  };
  for (size_t i = 0; i < out.rules.size(); ++i) {
    const Rule& r = out.rules[i];
    if (!by_ref.emplace(r.id, i).second) {
      error(r, absl::StrCat("duplicate rule id '", r.id, "' (first in ",
                            out.rules[by_ref[r.id]].source, ")"));
      drop[i] = true;
      continue;
    }
    if (!r.name.empty() && r.name != r.id) by_ref.emplace(r.name, i);
  }
  for (size_t i = 0; i < out.rules.size(); ++i) {
    const Rule& r = out.rules[i];
    if (!r.correlation || drop[i]) continue;
    for (const std::string& ref : r.correlation->rules) {
      auto it = by_ref.find(ref);
      if (it == by_ref.end()) {
        error(r, absl::StrCat("correlation names unknown rule '", ref, "'"));
        drop[i] = true;
      } else if (out.rules[it->second].correlation) {
        error(r, absl::StrCat("correlation of correlation '", ref, "' is not supported"));
        drop[i] = true;
      }
    }
  }
  // Inputs: named only by correlations that do not let them report.
  std::vector<bool> quiet(out.rules.size(), false), loud(out.rules.size(), false);
  for (size_t i = 0; i < out.rules.size(); ++i) {
    const Rule& r = out.rules[i];
    if (!r.correlation || drop[i]) continue;
    for (const std::string& ref : r.correlation->rules) {
      (r.correlation->generate ? loud : quiet)[by_ref.at(ref)] = true;
    }
  }
  std::vector<Rule> kept;
  for (size_t i = 0; i < out.rules.size(); ++i) {
    if (drop[i]) continue;
    out.rules[i].input_only = quiet[i] && !loud[i];
    kept.push_back(std::move(out.rules[i]));
  }
  out.rules = std::move(kept);
}

}  // namespace tern::sigma
