#include "tools/cli/regression_steps.h"

#include "absl/strings/str_cat.h"
#include "core/base/status_macros.h"
#include "parsers/documents.h"
#include "parsers/expectation_file.h"
#include "reports/expect.h"

namespace tern::cli {

void AddExpectOption(OptionSpec& spec, ExpectArgs* args) {
  AddOption(spec.Group("regression (CI)"), kExpectOption,
            po::value(&args->path)->value_name("FILE"),
            "compare the findings with a stored findings.json or an expectation file (YAML or "
            "JSON; docs/REGRESSION.md); exit 1 listing the differences");
}

absl::Status LoadExpect(ExpectArgs* args) {
  if (args->path.empty()) return absl::OkStatus();
  absl::StatusOr<Expectation> loaded = ReadExpectation(args->path);
  if (!loaded.ok()) {
    // Unreadable: "--expect: cannot read F"; malformed: "--expect F: what".
    const bool malformed = loaded.status().code() == absl::StatusCode::kInvalidArgument;
    return absl::InvalidArgumentError(
        absl::StrCat("--", kExpectOption, malformed ? " " : ": ", loaded.status().message()));
  }
  args->loaded = *std::move(loaded);
  return absl::OkStatus();
}

absl::StatusOr<bool> CheckExpect(const ExpectArgs& args, const std::string& report_dir,
                                 std::FILE* out) {
  if (args.path.empty()) return true;
  TERN_ASSIGN_OR_RETURN(FindingsDocument actual, ReadFindingsDocument(report_dir));
  const ExpectOutcome outcome = CheckExpectation(args.loaded, actual);
  std::fputs(outcome.text.c_str(), out);
  return outcome.met;
}

}  // namespace tern::cli
