// A compiled Sigma rule (https://sigmahq.io/docs/): metadata, the search
// identifiers of its detection with their value patterns, the parsed
// condition, or a correlation over other rules. Built by the loader
// (loader.h), matched by the evaluator (evaluator.h).
//
// Immutable once loaded; safe to share between threads.
#ifndef TERN_CORE_SIGMA_RULE_H_
#define TERN_CORE_SIGMA_RULE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/model/finding.h"
#include "core/sigma/event_fields.h"
#include "core/sigma/pattern.h"

namespace tern::sigma {

// One field of a search identifier: `Field|mod|mod: values`.
struct FieldMatch {
  FieldRef field;
  std::vector<Pattern> patterns;  // any one matches (all of them with `all`)
  bool all = false;
  // `exists: true|false` instead of patterns.
  std::optional<bool> exists;
  int line = 0;

  bool Matches(const Event& e, FieldValues& scratch) const;
};

// A search identifier: a map (all fields match), a list of maps (any map
// matches) or a list of keywords (any value of the record matches one).
struct Selection {
  std::string name;
  std::vector<std::vector<FieldMatch>> alternatives;
  std::vector<Pattern> keywords;
  bool is_keywords = false;
  int line = 0;

  bool Matches(const Event& e, FieldValues& scratch) const;
};

// The condition as a tree over selection indexes.
struct Condition {
  enum class Op : uint8_t { kRef, kAnd, kOr, kNot, kOneOf, kAllOf, kCountOf };
  Op op = Op::kRef;
  int selection = -1;           // kRef
  std::vector<int> selections;  // k*Of: the selections the pattern names
  int count = 1;                // kCountOf: at least this many
  std::vector<Condition> children;
};

struct Correlation {
  enum class Type : uint8_t { kEventCount, kValueCount, kTemporal, kTemporalOrdered };
  Type type = Type::kEventCount;
  std::vector<std::string> rules;  // ids or names as written
  std::vector<FieldRef> group_by;
  int64_t timespan_ms = 0;
  // The count condition (event_count, value_count); every bound set must hold.
  std::optional<int64_t> gt, gte, lt, lte, eq, neq;
  std::optional<FieldRef> value_field;  // value_count
  bool generate = false;                // referenced rules also report on their own

  bool Holds(int64_t n) const;
  // Whether a count can only be judged when the window closes (lt / lte /
  // neq with no lower bound).
  bool UpperBoundOnly() const { return !gt && !gte && !eq; }
};

struct Rule {
  std::string id;
  std::string name;
  std::string title;
  std::string description;
  std::string status;
  std::string author;
  Severity level = Severity::kMedium;
  std::vector<std::string> tags;
  std::vector<std::string> attack;  // ATT&CK technique ids from the tags, e.g. "T1114.003"
  std::vector<std::string> falsepositives;
  std::string source;         // file the rule came from (or "builtin:NAME")
  std::string source_sha256;  // of that file, when the caller hashed it
  int line = 1;               // line where its YAML document starts

  // Set by Link (loader.h): a detection rule that correlations name without
  // `generate: true` and no correlation names with it. It never reports on
  // its own; it only feeds them (an input, not a detection).
  bool input_only = false;

  std::vector<Selection> selections;
  Condition condition;  // detection rules
  std::optional<Correlation> correlation;

  bool Matches(const Event& e, FieldValues& scratch) const;
};

}  // namespace tern::sigma

#endif  // TERN_CORE_SIGMA_RULE_H_
