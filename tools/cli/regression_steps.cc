#include "tools/cli/regression_steps.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "core/base/escape.h"
#include "core/base/status_macros.h"
#include "core/ingest/custody.h"
#include "parsers/documents.h"
#include "parsers/expectation_file.h"
#include "reports/diff.h"
#include "reports/expect.h"

namespace tern::cli {

absl::StatusOr<FindingsDocument> LoadFindingsDocument(const std::string& path) {
  std::error_code ec;
  const std::string file = std::filesystem::is_directory(path, ec) ? path + "/findings.json" : path;
  TERN_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(file));
  absl::StatusOr<FindingsDocument> doc = ParseFindingsDocument(text);
  if (!doc.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": ", doc.status().message()));
  }
  return doc;
}

void AddExpectOption(OptionSpec& spec, ExpectArgs* args) {
  AddOption(spec.Group("regression (CI)"), kExpectOption,
            po::value(&args->path)->value_name("FILE"),
            "compare the findings with a stored findings.json or an expectation file (YAML or "
            "JSON; docs/REGRESSION.md); exit 1 listing the differences");
}

absl::Status LoadExpect(ExpectArgs* args) {
  if (args->path.empty()) return absl::OkStatus();
  absl::StatusOr<std::string> text = ReadWholeFile(args->path);
  if (!text.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", kExpectOption, ": ", text.status().message()));
  }
  if (IsFindingsDocument(*text)) {
    absl::StatusOr<FindingsDocument> doc = ParseFindingsDocument(*text);
    if (!doc.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", kExpectOption, " ", args->path, ": ", doc.status().message()));
    }
    args->baseline = *std::move(doc);
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<FindingExpectation>> expectations = ParseExpectationFile(*text);
  if (!expectations.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", kExpectOption, " ", args->path, ": ", expectations.status().message()));
  }
  args->expectations = *std::move(expectations);
  return absl::OkStatus();
}

absl::StatusOr<bool> CheckExpect(const ExpectArgs& args, const std::string& report_dir,
                                 std::FILE* out) {
  if (args.path.empty()) return true;
  TERN_ASSIGN_OR_RETURN(FindingsDocument actual, LoadFindingsDocument(report_dir));
  if (args.baseline.has_value()) {
    const FindingsDiff diff = DiffFindings(*args.baseline, actual);
    if (diff.equal()) {
      std::fprintf(out, "expect    findings equal %s\n", TerminalSafe(args.path).c_str());
      return true;
    }
    std::fprintf(out, "expect    findings differ from %s:\n%s", TerminalSafe(args.path).c_str(),
                 TerminalSafe(RenderDiffText(diff)).c_str());
    return false;
  }
  const std::vector<std::string> failures = CheckExpectations(args.expectations, actual);
  for (const std::string& f : failures) {
    std::fprintf(out, "expect    FAILED %s\n", TerminalSafe(f).c_str());
  }
  std::fprintf(out, "expect    %zu of %zu expectations met (%s)\n",
               args.expectations.size() - failures.size(), args.expectations.size(),
               TerminalSafe(args.path).c_str());
  return failures.empty();
}

}  // namespace tern::cli
