#include "core/sigma/prefilter.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "core/base/strings.h"

namespace tern::sigma {
namespace {

// nullopt: any operation.
using Operations = std::optional<std::set<std::string>>;

Operations Intersect(Operations a, const Operations& b) {
  if (!a) return b;
  if (!b) return a;
  std::set<std::string> both;
  std::set_intersection(a->begin(), a->end(), b->begin(), b->end(),
                        std::inserter(both, both.end()));
  return both;
}

Operations Unite(Operations a, const Operations& b) {
  if (!a || !b) return std::nullopt;
  a->insert(b->begin(), b->end());
  return a;
}

// A field match pins the operation when it compares Operation with exact
// values only: an absent or empty Operation matches none of them.
Operations OfFieldMatch(const FieldMatch& f) {
  if (!f.field.is_operation() || f.exists || f.patterns.empty()) return std::nullopt;
  std::set<std::string> values;
  for (const Pattern& p : f.patterns) {
    if (p.kind() != Pattern::Kind::kExact) return std::nullopt;
    values.insert(AsciiLower(p.text()));
  }
  return values;
}

Operations OfSelection(const Selection& s) {
  if (s.is_keywords) return std::nullopt;
  // Any one alternative (a map) may match; all fields of it must.
  Operations any = std::set<std::string>();
  for (const std::vector<FieldMatch>& fields : s.alternatives) {
    Operations alternative;
    for (const FieldMatch& f : fields)
      alternative = Intersect(std::move(alternative), OfFieldMatch(f));
    any = Unite(std::move(any), alternative);
  }
  return any;
}

Operations OfCondition(const Condition& c, const Rule& rule) {
  auto selection = [&rule](int index) -> Operations {
    if (index < 0 || static_cast<size_t>(index) >= rule.selections.size()) return std::nullopt;
    return OfSelection(rule.selections[index]);
  };
  switch (c.op) {
    case Condition::Op::kRef:
      return selection(c.selection);
    case Condition::Op::kAnd: {
      Operations all;
      for (const Condition& child : c.children)
        all = Intersect(std::move(all), OfCondition(child, rule));
      return all;
    }
    case Condition::Op::kAllOf: {
      Operations all;
      for (int s : c.selections) all = Intersect(std::move(all), selection(s));
      return all;
    }
    case Condition::Op::kOr: {
      Operations any = std::set<std::string>();
      for (const Condition& child : c.children)
        any = Unite(std::move(any), OfCondition(child, rule));
      return any;
    }
    case Condition::Op::kOneOf:
    case Condition::Op::kCountOf: {
      // At least one of the selections must match, whatever the count.
      Operations any = std::set<std::string>();
      for (int s : c.selections) any = Unite(std::move(any), selection(s));
      return any;
    }
    case Condition::Op::kNot:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::set<std::string>> RequiredOperations(const Rule& rule) {
  if (rule.correlation) return std::nullopt;
  return OfCondition(rule.condition, rule);
}

OperationPrefilter::OperationPrefilter(const std::vector<Rule>& rules) {
  std::vector<std::pair<std::string, int>> pinned;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].correlation) continue;
    const Operations required = RequiredOperations(rules[i]);
    if (!required) {
      unpinned_.push_back(static_cast<int>(i));
      continue;
    }
    for (const std::string& op : *required) pinned.emplace_back(op, static_cast<int>(i));
  }
  for (auto& [op, rule] : pinned) by_operation_[op].push_back(rule);
  // Each operation's list holds the unpinned rules too, in rule order.
  for (auto& [op, list] : by_operation_) {
    std::vector<int> merged;
    merged.reserve(list.size() + unpinned_.size());
    std::merge(list.begin(), list.end(), unpinned_.begin(), unpinned_.end(),
               std::back_inserter(merged));
    list = std::move(merged);
  }
}

const std::vector<int>& OperationPrefilter::Candidates(std::string_view operation) {
  AsciiLowerInto(operation, &lower_);
  auto it = by_operation_.find(lower_);
  return it == by_operation_.end() ? unpinned_ : it->second;
}

}  // namespace tern::sigma
