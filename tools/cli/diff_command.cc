// `tern diff A B`: what changed between two cases' (or two findings.json
// files') findings, incidents and summary counts (reports/diff.h). Exit 0
// when equal, 1 when different.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/escape.h"
#include "parsers/documents.h"
#include "reports/diff.h"
#include "tools/cli/case_steps.h"
#include "tools/cli/command.h"
#include "tools/cli/options.h"

namespace tern::cli {
namespace {

class DiffCommand : public Command {
 public:
  std::string_view name() const override { return "diff"; }
  std::string_view summary() const override {
    return "compare two cases' findings (exit 0 equal, 1 different)";
  }
  std::string synopsis() const override {
    return absl::StrCat("[", OptionUsage(kFormatOption, "text|json"), "] A B");
  }

  void DefineOptions(OptionSpec& spec) override {
    AddOption(spec.Group("diff options"), kFormatOption,
              po::value(&format_)->default_value("text")->value_name("text|json"), "output format");
    spec.Positionals(&paths_, /*required=*/true, "A and B (case directories or findings.json)");
  }

  absl::Status Validate() override {
    if (paths_.size() != 2) {
      return absl::InvalidArgumentError("diff takes exactly two cases or findings.json files");
    }
    if (format_ != "text" && format_ != "json") {
      return absl::InvalidArgumentError("--format must be text or json");
    }
    return absl::OkStatus();
  }

  int Run(const CommandContext& context) override {
    absl::StatusOr<FindingsDocument> a = ReadFindingsDocument(paths_[0]);
    if (!a.ok()) return Fatal(context, a.status());
    absl::StatusOr<FindingsDocument> b = ReadFindingsDocument(paths_[1]);
    if (!b.ok()) return Fatal(context, b.status());
    const FindingsDiff diff = DiffFindings(*a, *b);
    const std::string text = format_ == "json" ? RenderDiffJson(diff) : RenderDiffText(diff);
    std::fputs(format_ == "json" ? text.c_str() : TerminalSafe(text).c_str(), context.out);
    return diff.equal() ? kExitOk : kExitWarnings;
  }

 private:
  std::string format_;
  std::vector<std::string> paths_;
};

}  // namespace

std::unique_ptr<Command> NewDiffCommand() { return std::make_unique<DiffCommand>(); }

}  // namespace tern::cli
