// Sigma rules (core/sigma) as one detection Rule: every match becomes an
// incident like the built-in rules' — rule id from the Sigma `id`, title,
// level as severity, ATT&CK ids from `tags`, evidence anchors — so it goes
// through the same sorting, roll-up and reports.
//
// Single-record matches are grouped per rule, actor, mailbox and UTC day
// (details.operations lists what matched); a correlation hit is one finding
// per group and burst (details.group, details.count). details.sigma names
// the rule's file and author (the Detection Rule License asks that matches
// keep the author). Thread-compatible, like every Rule.
#ifndef TERN_CORE_DETECT_SIGMA_RULES_H_
#define TERN_CORE_DETECT_SIGMA_RULES_H_

#include <memory>
#include <vector>

#include "core/detect/rule.h"
#include "core/sigma/rule.h"

namespace tern::detect {

// The catalog entry a Sigma rule is listed and reported under.
RuleInfo SigmaRuleInfo(const sigma::Rule& rule);

// REQUIRES: `rules` are linked (sigma::Link) and outlive the returned Rule.
std::unique_ptr<Rule> NewSigmaRuleSet(const RuleEnv& env, const std::vector<sigma::Rule>& rules);

}  // namespace tern::detect

#endif  // TERN_CORE_DETECT_SIGMA_RULES_H_
