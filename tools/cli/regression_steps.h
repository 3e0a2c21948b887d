// `--expect FILE` on run and report (CI regression): the option, loading its
// file before the run (parsers/expectation_file.h) and checking the written
// findings against it afterwards (reports/expect.h).
// Thread-compatible.
#ifndef TERN_TOOLS_CLI_REGRESSION_STEPS_H_
#define TERN_TOOLS_CLI_REGRESSION_STEPS_H_

#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/model/findings_document.h"
#include "tools/cli/options.h"

namespace tern::cli {

struct ExpectArgs {
  std::string path;    // --expect FILE; "" = none
  Expectation loaded;  // by LoadExpect
};

// Declares --expect FILE.
void AddExpectOption(OptionSpec& spec, ExpectArgs* args);
// Reads and parses --expect's file (InvalidArgument, a usage error, if it is
// unreadable or neither a findings.json nor a valid expectation file).
absl::Status LoadExpect(ExpectArgs* args);
// Compares `report_dir`/findings.json with the expectation, prints each
// difference or failed expectation to `out`, and returns whether it held.
// Always true without --expect.
absl::StatusOr<bool> CheckExpect(const ExpectArgs& args, const std::string& report_dir,
                                 std::FILE* out);

}  // namespace tern::cli

#endif  // TERN_TOOLS_CLI_REGRESSION_STEPS_H_
