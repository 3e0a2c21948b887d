#include "reports/testing/json_schema.h"

#include <cmath>
#include <set>
#include <string>
#include <vector>

namespace tern::testing {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr int kMaxDepth = 64;

// Named accessors: GCC 12 warns (falsely) about temporaries when simdjson
// results are chained, so values are always fetched into locals.
simdjson::dom::object Obj(element e) {
  simdjson::dom::object o;
  if (e.get(o) != simdjson::SUCCESS) return {};
  return o;
}
simdjson::dom::array Arr(element e) {
  simdjson::dom::array a;
  if (e.get(a) != simdjson::SUCCESS) return {};
  return a;
}
std::string_view Str(element e) {
  std::string_view v;
  if (e.get(v) != simdjson::SUCCESS) return {};
  return v;
}
double Num(element e) {
  double d = 0;
  if (e.get(d) != simdjson::SUCCESS) return 0;
  return d;
}
uint64_t Uint(element e) {
  uint64_t u = 0;
  if (e.get(u) != simdjson::SUCCESS) return 0;
  return u;
}
bool Bool(element e) {
  bool b = false;
  if (e.get(b) != simdjson::SUCCESS) return false;
  return b;
}
bool Field(simdjson::dom::object o, std::string_view key, element* out) {
  return o.at_key(key).get(*out) == simdjson::SUCCESS;
}

std::string TypeName(element e) {
  switch (e.type()) {
    case element_type::ARRAY:
      return "array";
    case element_type::OBJECT:
      return "object";
    case element_type::INT64:
    case element_type::UINT64:
      return "integer";
    case element_type::DOUBLE:
      return "number";
    case element_type::STRING:
      return "string";
    case element_type::BOOL:
      return "boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "?";
}

bool IsType(element e, std::string_view type) {
  const std::string actual = TypeName(e);
  if (type == "number") return actual == "integer" || actual == "number";
  if (type == "integer" && actual == "number") {
    const double d = Num(e);
    return std::floor(d) == d;
  }
  return actual == type;
}

bool Equal(element a, element b) {
  if (a.is_number() && b.is_number()) return Num(a) == Num(b);
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case element_type::STRING:
      return Str(a) == Str(b);
    case element_type::BOOL:
      return Bool(a) == Bool(b);
    case element_type::NULL_VALUE:
      return true;
    case element_type::ARRAY: {
      const simdjson::dom::array x = Arr(a);
      const simdjson::dom::array y = Arr(b);
      if (x.size() != y.size()) return false;
      auto i = x.begin();
      for (element v : y) {
        if (!Equal(*i, v)) return false;
        ++i;
      }
      return true;
    }
    case element_type::OBJECT: {
      const simdjson::dom::object x = Obj(a);
      const simdjson::dom::object y = Obj(b);
      if (x.size() != y.size()) return false;
      for (auto field : x) {
        element other;
        if (!Field(y, field.key, &other) || !Equal(field.value, other)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string Pointer(const std::string& base, std::string_view token) {
  std::string escaped;
  for (char c : token) {
    if (c == '~') {
      escaped += "~0";
    } else if (c == '/') {
      escaped += "~1";
    } else {
      escaped += c;
    }
  }
  return base + "/" + escaped;
}

}  // namespace

JsonSchema::JsonSchema(std::string_view schema_text)
    : parser_(std::make_unique<simdjson::dom::parser>()) {
  const simdjson::padded_string padded(schema_text);
  auto parsed = parser_->parse(padded);
  if (parsed.error()) {
    error_ = simdjson::error_message(parsed.error());
    return;
  }
  root_ = parsed.value();
}

const std::regex& JsonSchema::Regex(const std::string& pattern) const {
  auto it = regexes_.find(pattern);
  if (it == regexes_.end()) {
    it = regexes_.emplace(pattern, std::regex(pattern, std::regex::ECMAScript)).first;
  }
  return it->second;
}

std::vector<std::string> JsonSchema::Validate(std::string_view instance_text) const {
  std::vector<std::string> errors;
  if (!error_.empty()) return {"schema: " + error_};
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(instance_text);
  auto parsed = parser.parse(padded);
  if (parsed.error()) return {std::string("not JSON: ") + simdjson::error_message(parsed.error())};
  Check(root_, parsed.value(), "", &errors, 0);
  return errors;
}

void JsonSchema::Check(element schema, element value, const std::string& path,
                       std::vector<std::string>* errors, int depth) const {
  const std::string where = path.empty() ? "/" : path;
  if (depth > kMaxDepth) {
    errors->push_back(where + ": schema nesting too deep (a $ref cycle?)");
    return;
  }
  if (schema.is_bool()) {
    if (!Bool(schema)) errors->push_back(where + ": no value is allowed here");
    return;
  }
  if (!schema.is_object()) {
    errors->push_back(where + ": schema is not an object");
    return;
  }
  const simdjson::dom::object object = Obj(schema);
  const simdjson::dom::object value_object = Obj(value);
  // Duplicate keys make a JSON document ambiguous.
  if (value.is_object()) {
    std::set<std::string_view> keys;
    for (auto field : value_object) {
      if (!keys.insert(field.key).second) {
        errors->push_back(where + ": duplicate key \"" + std::string(field.key) + "\"");
      }
    }
  }
  for (auto field : object) {
    const std::string_view key = field.key;
    const element rule = field.value;
    if (key == "$schema" || key == "$id" || key == "$defs" || key == "title" ||
        key == "description") {
      continue;
    }
    if (key == "$ref") {
      const std::string_view ref = Str(rule);
      if (ref.empty() || ref[0] != '#') {
        errors->push_back(where + ": unsupported $ref " + std::string(ref));
        continue;
      }
      element target;
      if (root_.at_pointer(ref.substr(1)).get(target) != simdjson::SUCCESS) {
        errors->push_back(where + ": unresolvable $ref " + std::string(ref));
        continue;
      }
      Check(target, value, path, errors, depth + 1);
    } else if (key == "type") {
      bool ok = false;
      std::string wanted;
      if (rule.is_string()) {
        wanted = std::string(Str(rule));
        ok = IsType(value, wanted);
      } else {
        for (element t : Arr(rule)) {
          const std::string_view name = Str(t);
          wanted += (wanted.empty() ? "" : "|") + std::string(name);
          ok = ok || IsType(value, name);
        }
      }
      if (!ok) errors->push_back(where + ": expected " + wanted + ", got " + TypeName(value));
    } else if (key == "const") {
      if (!Equal(rule, value)) errors->push_back(where + ": value differs from const");
    } else if (key == "enum") {
      bool found = false;
      for (element option : Arr(rule)) found = found || Equal(option, value);
      if (!found) errors->push_back(where + ": value not in enum");
    } else if (key == "required") {
      if (!value.is_object()) continue;
      for (element name : Arr(rule)) {
        element ignored;
        if (!Field(value_object, Str(name), &ignored)) {
          errors->push_back(where + ": missing required \"" + std::string(Str(name)) + "\"");
        }
      }
    } else if (key == "properties" || key == "additionalProperties") {
      if (!value.is_object() || key == "additionalProperties") continue;  // handled below
      element additional;
      const bool has_additional = Field(object, "additionalProperties", &additional);
      const simdjson::dom::object properties = Obj(rule);
      for (auto member : value_object) {
        element sub;
        const std::string child = Pointer(path, member.key);
        if (Field(properties, member.key, &sub)) {
          Check(sub, member.value, child, errors, depth + 1);
        } else if (has_additional) {
          Check(additional, member.value, child, errors, depth + 1);
        }
      }
    } else if (key == "items") {
      if (!value.is_array()) continue;
      size_t i = 0;
      for (element item : Arr(value)) {
        Check(rule, item, path + "/" + std::to_string(i++), errors, depth + 1);
      }
    } else if (key == "minItems") {
      if (value.is_array() && Arr(value).size() < Uint(rule)) {
        errors->push_back(where + ": fewer than " + std::to_string(Uint(rule)) + " items");
      }
    } else if (key == "minLength") {
      if (value.is_string() && CodePoints(Str(value)) < Uint(rule)) {
        errors->push_back(where + ": string shorter than " + std::to_string(Uint(rule)));
      }
    } else if (key == "minimum") {
      if (value.is_number() && Num(value) < Num(rule)) {
        errors->push_back(where + ": below minimum");
      }
    } else if (key == "pattern") {
      if (!value.is_string()) continue;
      const std::string text(Str(value));
      const std::string pattern(Str(rule));
      if (!std::regex_search(text, Regex(pattern))) {
        errors->push_back(where + ": \"" + text + "\" does not match " + pattern);
      }
    } else {
      errors->push_back(where + ": unsupported schema keyword \"" + std::string(key) + "\"");
    }
  }
  // additionalProperties without properties: every member is "additional".
  element properties;
  element additional;
  if (value.is_object() && !Field(object, "properties", &properties) &&
      Field(object, "additionalProperties", &additional)) {
    for (auto member : value_object) {
      Check(additional, member.value, Pointer(path, member.key), errors, depth + 1);
    }
  }
}

}  // namespace tern::testing
