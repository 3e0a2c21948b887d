// `tern run`: ingest + analyze + report in one run, the main job.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/status_macros.h"
#include "tools/cli/case_steps.h"
#include "tools/cli/command.h"
#include "tools/cli/options.h"
#include "tools/cli/regression_steps.h"
#include "tools/cli/rule_files.h"
#include "tools/cli/seal_step.h"

namespace tern::cli {
namespace {

class RunCommand : public Command {
 public:
  std::string_view name() const override { return "run"; }
  std::string_view summary() const override { return "ingest + analyze + report (the main job)"; }
  std::string synopsis() const override {
    return absl::StrCat(OptionUsage(kCaseOption, "DIR"), " [options] INPUT...");
  }

  void DefineOptions(OptionSpec& spec) override {
    po::options_description& c = spec.Group("case options");
    AddCaseOption(c, &case_.case_dir, CaseAccess::kReadWrite);
    AddCaseMetadataOptions(c, &case_.case_id, &case_.examiner);
    AddThreadsOption(c, &case_.threads);
    AddQuietOption(c, &case_.quiet);
    AddStrictOption(c, &case_.strict);
    AddAnalyzeOptions(spec, &analyze_);
    AddReportOptions(spec, &report_);
    AddSealOptions(spec, &seal_);
    AddExpectOption(spec, &expect_);
    AddLimitOptions(spec, &limits_);
    spec.Positionals(&inputs_, /*required=*/true, "INPUT (file, folder or archive)");
  }

  absl::Status Validate() override {
    TERN_ASSIGN_OR_RETURN(case_.limits, ParseLimits(limits_));
    TERN_RETURN_IF_ERROR(CheckReportArgs(report_));
    TERN_RETURN_IF_ERROR(LoadExpect(&expect_));
    TERN_RETURN_IF_ERROR(LoadSealKey(&seal_));
    TERN_RETURN_IF_ERROR(analyze_.Load());
    // The manifest hashes the rule and tuning files the run read.
    for (const std::string& f : analyze_.rule_files) seal_.inputs.push_back({kRoleRules, f});
    if (!analyze_.config_path.empty()) seal_.inputs.push_back({kRoleConfig, analyze_.config_path});
    return absl::OkStatus();
  }

  int Run(const CommandContext& context) override {
    PrintNotes(context.err, analyze_.notes);
    absl::StatusOr<WritableCase> c = OpenForWriting(case_, context.command_line);
    if (!c.ok()) return Fatal(context, c.status());
    absl::StatusOr<IngestSummary> ingest = DoIngest(*c, case_, inputs_, context.err);
    if (!ingest.ok()) return Fatal(context, ingest.status(), c->log.get());
    absl::StatusOr<AnalysisSummary> analysis =
        DoAnalyze(*c, case_, analyze_.ToOptions(), context.err);
    if (!analysis.ok()) return Fatal(context, analysis.status(), c->log.get());
    int code = IngestExitCode(*ingest, case_.strict);
    if (code == kExitOk && !analysis->warnings.empty()) code = kExitWarnings;
    if (absl::Status s = FinishRun(*c, case_, code); !s.ok()) {
      return Fatal(context, s, c->log.get());
    }
    PrintIngestSummary(context.out, *ingest);
    PrintAnalysisSummary(context.out, *analysis);
    if (absl::Status s =
            DoReport(*c->store, case_.case_dir, report_, case_.threads, c->log.get(), context.out);
        !s.ok()) {
      return Fatal(context, s, c->log.get());
    }
    PrintCustodyPath(context.out, case_.case_dir);
    if (absl::Status s = SealOutputs(*c->store, ReportDir(case_.case_dir, report_), seal_,
                                     c->log.get(), context.out);
        !s.ok()) {
      return Fatal(context, s, c->log.get());
    }
    absl::StatusOr<bool> met =
        CheckExpect(expect_, ReportDir(case_.case_dir, report_), context.out);
    if (!met.ok()) return Fatal(context, met.status(), c->log.get());
    if (!*met && code == kExitOk) code = kExitWarnings;
    return code;
  }

 private:
  CaseOptions case_;
  AnalyzeArgs analyze_;
  ReportArgs report_;
  SealArgs seal_;
  ExpectArgs expect_;
  LimitArgs limits_;
  std::vector<std::string> inputs_;
};

}  // namespace

std::unique_ptr<Command> NewRunCommand() { return std::make_unique<RunCommand>(); }

}  // namespace tern::cli
