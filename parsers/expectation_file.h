// Expectation files for `--expect` (docs/REGRESSION.md): YAML, or JSON
// (which YAML reads too). yaml-cpp is used here only; its exceptions stop
// here. Thread-safe: pure function.
//
//   findings:                      # each: at least `min` (default 1) findings
//     - rule: inbox-rule-forward-external
//       mailbox: erin@fabrikam.example   # optional
//       ip: 203.0.113.77                 # optional
//       min: 1
//     - rule: mass-download
//       max: 0                           # at most; min defaults to 0 with max
//   no_high:                       # mailboxes without high or critical findings
//     - ceo@fabrikam.example
#ifndef TERN_PARSERS_EXPECTATION_FILE_H_
#define TERN_PARSERS_EXPECTATION_FILE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/model/findings_document.h"

namespace tern {

// InvalidArgument naming the entry and what is wrong.
absl::StatusOr<std::vector<FindingExpectation>> ParseExpectationFile(std::string_view text);

// Reads `--expect`'s file: a findings.json (the baseline) or an expectation
// file. The read error as is (NotFound, ...), or InvalidArgument "PATH: what
// is wrong" when it is neither a findings.json nor a valid expectation file.
absl::StatusOr<Expectation> ReadExpectation(const std::string& path);

}  // namespace tern

#endif  // TERN_PARSERS_EXPECTATION_FILE_H_
