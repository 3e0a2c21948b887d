// `tern rules`: the detection catalog, one rule per line — the C++ rules and
// tern's rule pack (rules/*.yml), then the Sigma rules given with --rules
// (with their file), then apart the correlation inputs (Sigma rules that
// only feed correlations and never report on their own).
// `tern rules lint PATH...`: checks Sigma rule files and names file, line and
// problem; exit 1 when any rule has an error (warnings and notes do not fail).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/escape.h"
#include "core/base/strings.h"
#include "core/detect/analyzer.h"
#include "core/detect/builtin_rules.h"
#include "core/detect/sigma_rules.h"
#include "tools/cli/command.h"
#include "tools/cli/options.h"
#include "tools/cli/rule_files.h"

namespace tern::cli {
namespace {

void PrintRule(std::FILE* out, const RuleInfo& rule, std::string_view source) {
  std::string attack;
  for (const std::string& t : rule.attack) absl::StrAppend(&attack, attack.empty() ? "" : ",", t);
  std::string line = absl::StrCat(rule.title);
  if (!source.empty()) absl::StrAppend(&line, "  (", ToAbsl(source), ")");
  std::fprintf(out, "%-30s %-9s %-22s %s\n", TerminalSafe(rule.id).c_str(),
               std::string(SeverityName(rule.severity)).c_str(), TerminalSafe(attack).c_str(),
               TerminalSafe(line).c_str());
}

class RulesCommand : public Command {
 public:
  std::string_view name() const override { return "rules"; }
  std::string_view summary() const override {
    return "the detection catalog; 'rules lint PATH...' checks Sigma rule files";
  }
  std::string synopsis() const override {
    return absl::StrCat("[", OptionUsage(kRulesOption, "PATH"), "]... | lint PATH...");
  }

  void DefineOptions(OptionSpec& spec) override {
    po::options_description& group = spec.Group("rules options");
    AddOption(group, kRulesOption, po::value(&rule_paths_)->composing()->value_name("PATH"),
              "also list these Sigma rules (a .yml file or a folder; repeatable)");
    spec.Positionals(&words_, /*required=*/false, "lint PATH...");
  }

  absl::Status Validate() override {
    if (words_.empty()) return absl::OkStatus();
    if (words_[0] != "lint") {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown rules action '", words_[0], "' (the only one is 'lint')"));
    }
    if (words_.size() < 2) return absl::InvalidArgumentError("'rules lint' needs a PATH");
    return absl::OkStatus();
  }

  int Run(const CommandContext& context) override {
    if (!words_.empty()) return Lint(context);
    sigma::RuleLoad load = LoadRuleFiles(rule_paths_);
    for (const RuleInfo& rule : RuleCatalog()) PrintRule(context.out, rule, "");
    std::vector<const sigma::Rule*> inputs;
    for (const sigma::Rule& rule : load.rules) {
      if (rule.input_only) {
        inputs.push_back(&rule);
      } else if (!detect::IsBuiltinSigmaRule(rule)) {  // the pack is listed with the catalog
        PrintRule(context.out, detect::SigmaRuleInfo(rule), rule.source);
      }
    }
    // Correlation inputs are listed apart: they never report on their own.
    if (!inputs.empty()) {
      std::fprintf(context.out, "\ncorrelation inputs (no findings of their own):\n");
      for (const sigma::Rule* rule : inputs) {
        PrintRule(context.out, detect::SigmaRuleInfo(*rule),
                  detect::IsBuiltinSigmaRule(*rule) ? "" : rule->source);
      }
    }
    bool errors = false;
    for (const sigma::Diagnostic& d : load.diagnostics) {
      errors = errors || d.level == sigma::Diagnostic::Level::kError;
      std::fprintf(context.err, "tern: %s\n", TerminalSafe(d.ToString()).c_str());
    }
    return errors ? kExitWarnings : kExitOk;
  }

 private:
  int Lint(const CommandContext& context) {
    sigma::RuleLoad load = LoadRuleFiles(std::vector<std::string>(words_.begin() + 1, words_.end()),
                                         nullptr, /*lint=*/true);
    int errors = 0, warnings = 0;
    for (const sigma::Diagnostic& d : load.diagnostics) {
      errors += d.level == sigma::Diagnostic::Level::kError;
      warnings += d.level == sigma::Diagnostic::Level::kWarning;
      std::fprintf(context.out, "%s\n", TerminalSafe(d.ToString()).c_str());
    }
    size_t rules = 0;
    for (const sigma::Rule& r : load.rules) rules += !detect::IsBuiltinSigmaRule(r);
    std::fprintf(context.out, "%zu rules loaded from %zu files: %d errors, %d warnings\n", rules,
                 load.files.size(), errors, warnings);
    return errors > 0 ? kExitWarnings : kExitOk;
  }

  std::vector<std::string> rule_paths_;
  std::vector<std::string> words_;
};

}  // namespace

std::unique_ptr<Command> NewRulesCommand() { return std::make_unique<RulesCommand>(); }

}  // namespace tern::cli
