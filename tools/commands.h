// The `tern` subcommands. Each command is a function over parsed options that
// returns a process exit code; argument parsing lives in tern_main.cc.
#ifndef TERN_TOOLS_COMMANDS_H_
#define TERN_TOOLS_COMMANDS_H_

#include <string>
#include <vector>

#include "core/detect/analyzer.h"
#include "core/evidence/walker.h"

namespace tern {

// Documented exit codes (README "Exit codes", `tern --help`).
enum ExitCode : int {
  kExitOk = 0,
  kExitWarnings = 1,        // completed, but records were rejected or warnings raised
  kExitUsage = 2,           // bad command line
  kExitFatal = 3,           // could not complete (store failure, unusable case, ...)
  kExitVerifyFailed = 4,    // `verify`: evidence changed or missing, or store corrupt
};

struct CaseOptions {
  std::string case_dir;
  std::string case_id;
  std::string examiner;
  int threads = 0;  // 0 = all cores
  bool quiet = false;
  bool strict = false;
  std::string command_line;  // as typed, for custody and tern.log
  // Hostile-evidence limits for run/ingest (README "Limits").
  WalkLimits limits;
  uint64_t max_record_bytes = 0;  // 0 = each format's own default
};

struct ReportOptions {
  std::string out_dir;   // "" = the case directory
  std::string timeline;  // "", "csv" or "jsonl"
};

int RunIngest(const CaseOptions& options, const std::vector<std::string>& inputs);
int RunAnalyze(const CaseOptions& options, const AnalyzeOptions& analyze);
int RunReport(const CaseOptions& options, const ReportOptions& report);
// ingest + analyze + report in one run (the main job).
int RunAll(const CaseOptions& options, const std::vector<std::string>& inputs,
           const AnalyzeOptions& analyze, const ReportOptions& report);
int RunVerify(const CaseOptions& options);
int RunRules();
int RunVersion();

// The version string of this build.
const char* ToolVersion();

}  // namespace tern

#endif  // TERN_TOOLS_COMMANDS_H_
