#include "core/detect/builtin_rules.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace tern::detect {

void LoadBuiltinRules(sigma::RuleLoad& load,
                      const std::function<bool(const EmbeddedRuleFile&)>& skip) {
  for (const EmbeddedRuleFile& f : BuiltinRuleFiles()) {
    if (skip && skip(f)) continue;
    const size_t first = load.rules.size();
    sigma::LoadText(f.text, absl::StrCat(kBuiltinSourcePrefix, f.path), load);
    for (size_t i = first; i < load.rules.size(); ++i) load.rules[i].source_sha256 = f.sha256;
  }
}

bool IsBuiltinSigmaRule(const sigma::Rule& rule) {
  return rule.source.starts_with(kBuiltinSourcePrefix);
}

const std::vector<sigma::Rule>& BuiltinSigmaRules() {
  static const auto* const kRules = [] {
    sigma::RuleLoad load;
    LoadBuiltinRules(load);
    sigma::Link(load);
    return new std::vector<sigma::Rule>(std::move(load.rules));
  }();
  return *kRules;
}

}  // namespace tern::detect
