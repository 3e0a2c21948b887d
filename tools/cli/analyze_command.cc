// `tern analyze`: sessions, baselines and detections over the stored events,
// written back to the case as findings.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "tools/cli/case_steps.h"
#include "tools/cli/command.h"
#include "tools/cli/options.h"
#include "tools/cli/rule_files.h"

namespace tern::cli {
namespace {

class AnalyzeCommand : public Command {
 public:
  std::string_view name() const override { return "analyze"; }
  std::string_view summary() const override {
    return "sessions, baselines, detections -> stored findings";
  }
  std::string synopsis() const override {
    return absl::StrCat(OptionUsage(kCaseOption, "DIR"), " [options]");
  }

  void DefineOptions(OptionSpec& spec) override {
    po::options_description& c = spec.Group("case options");
    AddCaseOption(c, &case_.case_dir, CaseAccess::kExisting);
    AddCaseMetadataOptions(c, &case_.case_id, &case_.examiner);
    AddThreadsOption(c, &case_.threads);
    AddQuietOption(c, &case_.quiet);
    AddAnalyzeOptions(spec, &analyze_);
  }

  absl::Status Validate() override { return analyze_.Load(); }

  int Run(const CommandContext& context) override {
    PrintNotes(context.err, analyze_.notes);
    absl::StatusOr<WritableCase> c =
        OpenForWriting(case_, context.command_line, CaseAccess::kExisting);
    if (!c.ok()) return Fatal(context, c.status());
    absl::StatusOr<AnalysisSummary> summary =
        DoAnalyze(*c, case_, analyze_.ToOptions(), context.err);
    if (!summary.ok()) return Fatal(context, summary.status(), c->log.get());
    const int code = summary->warnings.empty() ? kExitOk : kExitWarnings;
    if (absl::Status s = FinishRun(*c, case_, code); !s.ok()) {
      return Fatal(context, s, c->log.get());
    }
    PrintAnalysisSummary(context.out, *summary);
    return code;
  }

 private:
  CaseOptions case_;
  AnalyzeArgs analyze_;
};

}  // namespace

std::unique_ptr<Command> NewAnalyzeCommand() { return std::make_unique<AnalyzeCommand>(); }

}  // namespace tern::cli
