// The rule set in catalog order, and the attacker-context pass that runs
// after all rules (DETECTIONS.md section 2).
#include <set>
#include <string>
#include <vector>

#include "core/base/ip.h"
#include "core/detect/builtin_rules.h"
#include "core/detect/incident.h"
#include "core/detect/rules.h"
#include "core/detect/sigma_rules.h"
#include "core/sigma/rule.h"

namespace tern::detect {

bool AttackerContext::Touches(const std::set<std::string>& context,
                              const std::set<std::string>& ips) {
  for (const std::string& ip : ips) {
    if (context.contains(ip)) return true;
  }
  return false;
}

std::vector<std::unique_ptr<Rule>> MakeRules(const RuleEnv& env) {
  std::vector<std::unique_ptr<Rule>> rules;
  // Order matters only where one rule's facts feed another's: grants are
  // recorded by mailbox-permission-grant before delegate-access and send-as
  // look at the same event stream (the registry's order).
  for (const CppRule& r : CppRules()) rules.push_back(r.make(env, r.info));
  const std::vector<sigma::Rule>& sigma_rules =
      env.options->sigma_rules ? *env.options->sigma_rules : BuiltinSigmaRules();
  if (!sigma_rules.empty()) rules.push_back(NewSigmaRuleSet(env, sigma_rules));
  return rules;
}

void EscalateAttackerContext(IncidentTable& incidents,
                             const std::function<bool(const std::string&)>& is_new_ip) {
  // (impossible-travel and session-ip-change have no role: their findings
  // carry the legitimate side of each pair as well.)
  AttackerContext context;
  incidents.ForEach([&](Incident& inc) {
    if (inc.severity() < Severity::kHigh) return;
    const CppRule* row = FindCppRule(inc.info().id);
    if (row == nullptr || row->roles == kNoRole) return;
    for (const std::string& ip : inc.ips()) {
      // Private and local addresses are shared by everyone behind them.
      if (!IsIpLiteral(ip) || IsPrivateOrLocalIp(ip) || !is_new_ip(ip)) continue;
      if (row->roles & kAttackerBehaviour) context.behaviour.insert(ip);
      if (row->roles & kHighRiskChange) context.high_risk.insert(ip);
    }
  });
  incidents.ForEach([&](Incident& inc) {
    const CppRule* row = FindCppRule(inc.info().id);
    if (row != nullptr && row->escalate != nullptr) row->escalate(inc, context);
  });
}

}  // namespace tern::detect
