// `tern ingest`: add evidence to a case (a known SHA-256 is skipped).
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/status_macros.h"
#include "tools/cli/case_steps.h"
#include "tools/cli/command.h"
#include "tools/cli/options.h"

namespace tern::cli {
namespace {

class IngestCommand : public Command {
 public:
  std::string_view name() const override { return "ingest"; }
  std::string_view summary() const override {
    return "add evidence to a case (known SHA-256 -> skipped)";
  }
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
    AddLimitOptions(spec, &limits_);
    spec.Positionals(&inputs_, /*required=*/true, "INPUT (file, folder or archive)");
  }

  absl::Status Validate() override {
    TERN_ASSIGN_OR_RETURN(case_.limits, ParseLimits(limits_));
    return absl::OkStatus();
  }

  int Run(const CommandContext& context) override {
    absl::StatusOr<WritableCase> c = OpenForWriting(case_, context.command_line);
    if (!c.ok()) return Fatal(context, c.status());
    absl::StatusOr<IngestSummary> summary = DoIngest(*c, case_, inputs_, context.err);
    if (!summary.ok()) return Fatal(context, summary.status(), c->log.get());
    const int code = IngestExitCode(*summary, case_.strict);
    if (absl::Status s = FinishRun(*c, case_, code); !s.ok()) {
      return Fatal(context, s, c->log.get());
    }
    PrintIngestSummary(context.out, *summary);
    PrintCustodyPath(context.out, case_.case_dir);
    return code;
  }

 private:
  CaseOptions case_;
  LimitArgs limits_;
  std::vector<std::string> inputs_;
};

}  // namespace

std::unique_ptr<Command> NewIngestCommand() { return std::make_unique<IngestCommand>(); }

}  // namespace tern::cli
