#include "core/detect/sigma_rules.h"

#include <cstring>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "core/detect/builtin_rules.h"
#include "core/detect/fields.h"
#include "core/detect/incident.h"
#include "core/sigma/evaluator.h"

namespace tern::detect {
namespace {

// The rule file's name without its directory: outputs must not depend on
// where the rules were kept.
std::string SourceName(const sigma::Rule& rule) {
  const size_t slash = rule.source.find_last_of("/\\");
  return slash == std::string::npos ? rule.source : rule.source.substr(slash + 1);
}

class SigmaRuleSet : public Rule {
 public:
  SigmaRuleSet(const RuleEnv& env, const std::vector<sigma::Rule>& rules)
      : env_(env), evaluator_(rules) {
    for (const sigma::Rule& r : rules) infos_.emplace(&r, SigmaRuleInfo(r));
  }

  void OnEvent(const EventContext& ctx) override {
    evaluator_.OnEvent(
        ctx.e(), [&](const sigma::Rule& rule) { OnMatch(rule, ctx); },
        [&](const sigma::CorrelationHit& hit) { OnCorrelation(hit); });
  }

  void Finish() override {
    evaluator_.Finish([&](const sigma::CorrelationHit& hit) { OnCorrelation(hit); });
  }

  bool OwnsRuleInfo() const override { return true; }

 private:
  Incident& Open(const sigma::Rule& rule, std::string_view key) {
    Incident& inc = env_.incidents->Open(infos_.at(&rule), key);
    inc.Raise(rule.level);
    if (!IsBuiltinSigmaRule(rule)) {
      inc.SetIfEmpty("sigma_source", SourceName(rule));
      if (!rule.author.empty()) inc.SetIfEmpty("sigma_author", rule.author);
    }
    return inc;
  }

  void OnMatch(const sigma::Rule& rule, const EventContext& ctx) {
    const Event& e = ctx.e();
    Incident& inc = Open(rule, Cat(ctx.actor, '\x1f', ctx.mailbox.key(), '\x1f', DayOf(e.time_ms)));
    inc.Add(ctx);
    inc.List("operations", e.operation);
  }

  void OnCorrelation(const sigma::CorrelationHit& hit) {
    Incident& inc = Open(*hit.rule, hit.key);
    for (const sigma::HitEvent& ev : hit.events) inc.AddAnchor(ev.anchor, ev.client_ip, "");
    if (!hit.group.empty()) inc.SetIfEmpty("group", hit.group);
    inc.Max("count", hit.count);
  }

  const RuleEnv& env_;
  sigma::Evaluator evaluator_;
  absl::flat_hash_map<const sigma::Rule*, RuleInfo> infos_;
};

}  // namespace

RuleInfo SigmaRuleInfo(const sigma::Rule& rule) {
  RuleInfo info;
  info.id = rule.id;
  info.title = rule.title;
  info.severity = rule.level;
  info.attack = rule.attack;
  info.description = rule.description;
  const bool builtin = IsBuiltinSigmaRule(rule);
  absl::StrAppend(
      &info.description, info.description.empty() ? "" : " ",
      builtin ? "(tern's rule pack, " : "(Sigma rule, ",
      builtin ? rule.source.substr(std::strlen(kBuiltinSourcePrefix)) : SourceName(rule));
  if (!rule.source_sha256.empty())
    absl::StrAppend(&info.description, ", SHA-256 ", rule.source_sha256);
  if (!rule.author.empty() && !builtin) {
    absl::StrAppend(&info.description, "; author: ", rule.author);
  }
  info.description += ")";
  return info;
}

std::unique_ptr<Rule> NewSigmaRuleSet(const RuleEnv& env, const std::vector<sigma::Rule>& rules) {
  return std::make_unique<SigmaRuleSet>(env, rules);
}

}  // namespace tern::detect
