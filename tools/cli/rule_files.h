// Sigma rule files for the commands: --rules paths (files or folders)
// loaded, linked and hashed (each rule records its file's SHA-256, which the
// report's methodology shows). Thread-compatible.
#ifndef TERN_TOOLS_CLI_RULE_FILES_H_
#define TERN_TOOLS_CLI_RULE_FILES_H_

#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/sigma/loader.h"
#include "core/store/analysis_inputs.h"
#include "core/tuning/tuning.h"

namespace tern::cli {

// Loads tern's pack (rules/*.yml) and every path in order, then links the
// whole set (ids unique across files, the pack and the C++ rules;
// correlations resolved); `files` lists only the paths' files. With `lint`,
// a given file at rules/NAME.yml replaces the pack's copy of it, so that
// `tern rules lint rules/` checks the working copy of the pack. Problems are in the result's
// diagnostics. Each file read is appended to `inputs` (if given) for the case's record.
sigma::RuleLoad LoadRuleFiles(const std::vector<std::string>& paths,
                              std::vector<AnalysisInput>* inputs = nullptr, bool lint = false);

// Reads, hashes and parses a tuning file (--config); `known_rules` are the
// rule ids it may name. InvalidArgument naming file, line and problem.
absl::StatusOr<Tuning> LoadTuningFile(const std::string& path,
                                      const std::vector<std::string>& known_rules);

// Writes "tern: " + each line to `err`, made terminal-safe (rule text is
// user input).
void PrintNotes(std::FILE* err, const std::vector<std::string>& notes);

}  // namespace tern::cli

#endif  // TERN_TOOLS_CLI_RULE_FILES_H_
