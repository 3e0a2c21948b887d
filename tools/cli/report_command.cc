// `tern report`: findings.json and report.html (and a timeline) from a case,
// opened read-only.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/escape.h"
#include "core/base/status_macros.h"
#include "core/base/strings.h"
#include "core/store/analysis_inputs.h"
#include "tools/cli/case_steps.h"
#include "tools/cli/command.h"
#include "tools/cli/options.h"
#include "tools/cli/regression_steps.h"
#include "tools/cli/seal_step.h"

namespace tern::cli {
namespace {

class ReportCommand : public Command {
 public:
  std::string_view name() const override { return "report"; }
  std::string_view summary() const override { return "write findings.json and report.html"; }
  std::string synopsis() const override {
    return absl::StrCat(OptionUsage(kCaseOption, "DIR"), " [", OptionUsage(kOutOption, "DIR"), "]");
  }

  void DefineOptions(OptionSpec& spec) override {
    po::options_description& c = spec.Group("case options");
    AddCaseOption(c, &case_dir_, CaseAccess::kReadOnly);
    AddThreadsOption(c, &threads_);
    // Every case command takes --quiet (scripts pass it to all of them);
    // report has no progress to silence, its result lines stay on stdout.
    AddQuietOption(c, &quiet_);
    AddReportOptions(spec, &report_);
    AddSealOptions(spec, &seal_);
    AddExpectOption(spec, &expect_);
  }

  absl::Status Validate() override {
    TERN_RETURN_IF_ERROR(CheckReportArgs(report_));
    TERN_RETURN_IF_ERROR(LoadExpect(&expect_));
    return LoadSealKey(&seal_);
  }

  int Run(const CommandContext& context) override {
    const CaseDir dir(case_dir_);
    absl::StatusOr<std::unique_ptr<CaseStore>> store =
        CaseStore::Open(dir.store(), StoreMode::kReadOnly);
    if (!store.ok()) return Fatal(context, store.status());
    (*store)->SetScanThreads(threads_);
    // The case is only read: a tern.log that cannot be written (read-only
    // media, --out elsewhere) is said on stderr, and the reports still made.
    absl::StatusOr<std::unique_ptr<RunLog>> opened = RunLog::Open(dir.log());
    if (!opened.ok()) {
      std::fprintf(context.err, "tern: warning: %s\n",
                   TerminalSafe(ToStd(opened.status().message())).c_str());
    }
    RunLog* log = opened.ok() ? opened->get() : nullptr;
    if (log != nullptr) {
      log->Line("INFO", absl::StrCat("tern ", ToolVersion(), ": ", context.command_line));
    }
    if (absl::Status s = DoReport(**store, case_dir_, report_, threads_, log, context.out);
        !s.ok()) {
      return Fatal(context, s, log);
    }
    // The rule and tuning files of the analysis reported on, as `run` seals
    // them (their bytes as the analysis read them, kept in the case).
    absl::StatusOr<std::vector<AnalysisInput>> inputs = GetAnalysisInputs(**store);
    if (!inputs.ok()) return Fatal(context, inputs.status(), log);
    for (const AnalysisInput& in : *inputs) {
      seal_.inputs.push_back(ManifestInput{in.role, in.path.empty() ? in.name : in.path, in.sha256,
                                           in.content.size()});
    }
    if (absl::Status s =
            SealOutputs(**store, ReportDir(case_dir_, report_), seal_, log, context.out);
        !s.ok()) {
      return Fatal(context, s, log);
    }
    absl::StatusOr<bool> met = CheckExpect(expect_, ReportDir(case_dir_, report_), context.out);
    if (!met.ok()) return Fatal(context, met.status(), log);
    if (log != nullptr && !log->status().ok()) {
      std::fprintf(context.err, "tern: warning: %s\n",
                   TerminalSafe(ToStd(log->status().message())).c_str());
    }
    return *met ? kExitOk : kExitWarnings;
  }

 private:
  std::string case_dir_;
  int threads_ = 0;  // 0 = all cores
  bool quiet_ = false;
  ReportArgs report_;
  SealArgs seal_;
  ExpectArgs expect_;
};

}  // namespace

std::unique_ptr<Command> NewReportCommand() { return std::make_unique<ReportCommand>(); }

}  // namespace tern::cli
