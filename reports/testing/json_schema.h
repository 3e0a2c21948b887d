// Test-only: a small JSON Schema validator for the subset of draft 2020-12
// that reports/findings.schema.json uses (Debian has no C++ JSON Schema
// library, and python3 there has no jsonschema module).
//
// Keywords: $ref (local "#/..." pointers), type, const, enum, required,
// properties, additionalProperties (false or a schema), items, minItems,
// minLength, minimum, pattern (ECMAScript regex, unanchored as the spec
// says). Annotations ($schema, $id, $defs, title, description) are ignored.
// Any other keyword is reported as unsupported, so a schema can never rely on
// a rule this validator would silently skip. Duplicate object keys in the
// instance are errors too (findings.json must be unambiguous JSON).
//
// Thread-compatible.
#ifndef TERN_REPORTS_TESTING_JSON_SCHEMA_H_
#define TERN_REPORTS_TESTING_JSON_SCHEMA_H_

#include <map>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "simdjson.h"

namespace tern::testing {

class JsonSchema {
 public:
  // Parses the schema text; on a parse error, error() is non-empty.
  explicit JsonSchema(std::string_view schema_text);
  JsonSchema(const JsonSchema&) = delete;
  JsonSchema& operator=(const JsonSchema&) = delete;

  const std::string& error() const { return error_; }

  // Validates `instance_text`; returns one message per violation, each
  // starting with the JSON pointer of the offending value. Empty = valid.
  std::vector<std::string> Validate(std::string_view instance_text) const;

 private:
  void Check(simdjson::dom::element schema, simdjson::dom::element value, const std::string& path,
             std::vector<std::string>* errors, int depth) const;
  const std::regex& Regex(const std::string& pattern) const;

  std::unique_ptr<simdjson::dom::parser> parser_;
  simdjson::dom::element root_;
  std::string error_;
  mutable std::map<std::string, std::regex> regexes_;
};

}  // namespace tern::testing

#endif  // TERN_REPORTS_TESTING_JSON_SCHEMA_H_
