// `tern rules`: the detection catalog, one rule per line.
#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/detect/analyzer.h"
#include "tools/cli/command.h"

namespace tern::cli {
namespace {

class RulesCommand : public Command {
 public:
  std::string_view name() const override { return "rules"; }
  std::string_view summary() const override { return "the detection catalog"; }
  std::string_view synopsis() const override { return ""; }

  void DefineOptions(OptionSpec&) override {}

  int Run(const CommandContext& context) override {
    for (const RuleInfo& rule : RuleCatalog()) {
      std::string attack;
      for (const std::string& t : rule.attack) {
        absl::StrAppend(&attack, attack.empty() ? "" : ",", t);
      }
      std::fprintf(context.out, "%-30s %-9s %-22s %s\n", rule.id.c_str(),
                   std::string(SeverityName(rule.severity)).c_str(), attack.c_str(),
                   rule.title.c_str());
    }
    return kExitOk;
  }
};

}  // namespace

std::unique_ptr<Command> NewRulesCommand() { return std::make_unique<RulesCommand>(); }

}  // namespace tern::cli
