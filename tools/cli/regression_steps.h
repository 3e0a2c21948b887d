// CI regression helpers the commands share: reading a findings document from
// a case or a findings.json, and `--expect FILE` on run and report (a stored
// findings.json to equal, or an expectation file to satisfy).
// Thread-compatible.
#ifndef TERN_TOOLS_CLI_REGRESSION_STEPS_H_
#define TERN_TOOLS_CLI_REGRESSION_STEPS_H_

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/model/findings_document.h"
#include "tools/cli/options.h"

namespace tern::cli {

// `path` is a case directory (its findings.json is read) or a findings.json.
// NotFound / InvalidArgument naming the file.
absl::StatusOr<FindingsDocument> LoadFindingsDocument(const std::string& path);

struct ExpectArgs {
  std::string path;  // --expect FILE; "" = none
  // Loaded by LoadExpect: one of them.
  std::optional<FindingsDocument> baseline;
  std::vector<FindingExpectation> expectations;
};

// Declares --expect FILE.
void AddExpectOption(OptionSpec& spec, ExpectArgs* args);
// Reads and parses --expect's file (InvalidArgument, a usage error, if it is
// neither a findings.json nor a valid expectation file).
absl::Status LoadExpect(ExpectArgs* args);
// Compares `report_dir`/findings.json with the expectation, prints each
// difference or failed expectation to `out`, and returns whether it held.
// Always true without --expect.
absl::StatusOr<bool> CheckExpect(const ExpectArgs& args, const std::string& report_dir,
                                 std::FILE* out);

}  // namespace tern::cli

#endif  // TERN_TOOLS_CLI_REGRESSION_STEPS_H_
