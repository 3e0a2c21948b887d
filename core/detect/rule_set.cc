// The rule set in catalog order, and the attacker-context pass that runs
// after all rules (DETECTIONS.md section 2).
#include <set>
#include <string>
#include <vector>

#include "core/base/ip.h"
#include "core/detect/builtin_rules.h"
#include "core/detect/fields.h"
#include "core/detect/rules.h"
#include "core/detect/sigma_rules.h"
#include "core/sigma/rule.h"

namespace tern::detect {
namespace {

bool Intersects(const std::set<std::string>& ips, const std::set<std::string>& context) {
  for (const std::string& ip : ips) {
    if (context.contains(ip)) return true;
  }
  return false;
}

}  // namespace

std::vector<std::unique_ptr<Rule>> MakeRules(const RuleEnv& env) {
  std::vector<std::unique_ptr<Rule>> rules;
  // Order matters only where one rule's facts feed another's: grants are
  // recorded by mailbox-permission-grant before delegate-access and send-as
  // look at the same event stream (the registry's order).
  for (const CppRule& r : CppRules()) rules.push_back(r.make(env));
  const std::vector<sigma::Rule>& sigma_rules =
      env.options->sigma_rules ? *env.options->sigma_rules : BuiltinSigmaRules();
  if (!sigma_rules.empty()) rules.push_back(NewSigmaRuleSet(env, sigma_rules));
  return rules;
}

void EscalateAttackerContext(IncidentTable& incidents,
                             const std::function<bool(const std::string&)>& is_new_ip) {
  // Rules whose high findings describe attacker behaviour, and the subset
  // that are "high-risk operations" for first-seen escalation [66: entries
  // 1-6, 18-21, 25-31].
  // (impossible-travel and session-ip-change are left out: their findings
  // carry the legitimate side of each pair as well.)
  static constexpr std::string_view kContextRules[] = {"mailbox-forwarding-external",
                                                       "inbox-rule-forward-external",
                                                       "inbox-rule-suspicious",
                                                       "mailbox-permission-grant",
                                                       "audit-tampering",
                                                       "impersonation-role-grant",
                                                       "ediscovery-search-export",
                                                       "transport-rule-redirect",
                                                       "suspicious-client",
                                                       "mass-deletion",
                                                       "sent-then-deleted"};
  static constexpr std::string_view kHighRiskRules[] = {
      "mailbox-forwarding-external", "inbox-rule-forward-external", "inbox-rule-suspicious",
      "mailbox-permission-grant", "audit-tampering"};
  std::set<std::string> context;
  std::set<std::string> high_risk;
  incidents.ForEach([&](Incident& inc) {
    if (inc.severity() < Severity::kHigh) return;
    const std::string_view rule = inc.info().id;
    auto in = [&](const auto& list) {
      for (std::string_view r : list) {
        if (r == rule) return true;
      }
      return false;
    };
    for (const std::string& ip : inc.ips()) {
      // Private and local addresses are shared by everyone behind them.
      if (!IsIpLiteral(ip) || IsPrivateOrLocalIp(ip) || !is_new_ip(ip)) continue;
      if (in(kContextRules)) context.insert(ip);
      if (in(kHighRiskRules)) high_risk.insert(ip);
    }
  });
  incidents.ForEach([&](Incident& inc) {
    const std::string_view rule = inc.info().id;
    if (rule == "mailitemsaccessed-sync-bulk" && inc.tag() == "sync" &&
        Intersects(inc.ips(), context)) {
      inc.Flag("attacker_context");
      inc.Raise(Severity::kCritical, "Sync from an IP with other high findings (attacker context)");
    } else if (rule == "first-seen-ip" && Intersects(inc.ips(), high_risk)) {
      inc.Flag("attacker_context");
      inc.Raise(Severity::kHigh, "high-risk changes were made from this IP");
    } else if (rule == "send-as" && Intersects(inc.ips(), context)) {
      inc.Flag("attacker_context");
      inc.Raise(Severity::kHigh, "sent from an IP with other high findings (attacker context)");
    } else if (rule == "session-ip-change" && inc.tag() == "concurrent" &&
               Intersects(inc.ips(), context)) {
      inc.Flag("attacker_context");
      inc.Raise(Severity::kHigh, "parallel session from an IP with other high findings");
    }
  });
}

}  // namespace tern::detect
