#include "core/sigma/rule.h"

namespace tern::sigma {
namespace {

bool AnyMatches(const Pattern& p, const std::vector<std::string_view>& values) {
  for (std::string_view v : values) {
    if (p.Matches(v)) return true;
  }
  return false;
}

bool Eval(const Condition& c, const Rule& rule, const Event& e, FieldValues& scratch) {
  switch (c.op) {
    case Condition::Op::kRef:
      return rule.selections[c.selection].Matches(e, scratch);
    case Condition::Op::kAnd:
      for (const Condition& child : c.children) {
        if (!Eval(child, rule, e, scratch)) return false;
      }
      return true;
    case Condition::Op::kOr:
      for (const Condition& child : c.children) {
        if (Eval(child, rule, e, scratch)) return true;
      }
      return false;
    case Condition::Op::kNot:
      return !Eval(c.children.front(), rule, e, scratch);
    case Condition::Op::kOneOf:
    case Condition::Op::kCountOf: {
      const int need = c.op == Condition::Op::kOneOf ? 1 : c.count;
      int found = 0;
      for (int s : c.selections) {
        if (rule.selections[s].Matches(e, scratch) && ++found >= need) return true;
      }
      return false;
    }
    case Condition::Op::kAllOf:
      for (int s : c.selections) {
        if (!rule.selections[s].Matches(e, scratch)) return false;
      }
      return !c.selections.empty();
  }
  return false;
}

}  // namespace

bool FieldMatch::Matches(const Event& e, FieldValues& scratch) const {
  scratch.Clear();
  field.Collect(e, scratch);
  const std::vector<std::string_view>& values = scratch.views();
  if (exists) return *exists == !values.empty();
  if (values.empty()) {
    // An absent field matches only `null`.
    for (const Pattern& p : patterns) {
      if (p.kind() == Pattern::Kind::kNull) return true;
    }
    return false;
  }
  if (all) {
    for (const Pattern& p : patterns) {
      if (!AnyMatches(p, values)) return false;
    }
    return !patterns.empty();
  }
  for (const Pattern& p : patterns) {
    if (AnyMatches(p, values)) return true;
  }
  return false;
}

bool Selection::Matches(const Event& e, FieldValues& scratch) const {
  if (is_keywords) {
    scratch.Clear();
    CollectAllValues(e, scratch);
    for (const Pattern& p : keywords) {
      if (AnyMatches(p, scratch.views())) return true;
    }
    return false;
  }
  for (const std::vector<FieldMatch>& fields : alternatives) {
    bool ok = true;
    for (const FieldMatch& f : fields) {
      if (!f.Matches(e, scratch)) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}

bool Correlation::Holds(int64_t n) const {
  if (gt && !(n > *gt)) return false;
  if (gte && !(n >= *gte)) return false;
  if (lt && !(n < *lt)) return false;
  if (lte && !(n <= *lte)) return false;
  if (eq && n != *eq) return false;
  if (neq && n == *neq) return false;
  return true;
}

bool Rule::Matches(const Event& e, FieldValues& scratch) const {
  if (correlation) return false;
  return Eval(condition, *this, e, scratch);
}

}  // namespace tern::sigma
