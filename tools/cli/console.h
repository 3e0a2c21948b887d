// Console output of the `tern` CLI.
//
// Results go to stdout, progress and warnings to stderr (a redrawn progress
// line on a terminal, plain lines otherwise), and every warning to the case's
// tern.log (core/case/run_log.h). Evidence text is passed through TerminalSafe() before it reaches
// a terminal. Thread-compatible.
#ifndef TERN_TOOLS_CLI_CONSOLE_H_
#define TERN_TOOLS_CLI_CONSOLE_H_

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/case/run_log.h"
#include "core/detect/analyzer.h"
#include "core/ingest/ingester.h"

namespace tern::cli {

// Prints ingest and analysis progress and warnings to stderr, and logs
// warnings.
class ConsoleObserver : public IngestObserver {
 public:
  // `err` (not owned) receives progress and warnings; a terminal gets a
  // redrawn line.
  ConsoleObserver(RunLog* log, bool quiet, std::FILE* err);
  ~ConsoleObserver() override;
  void OnItemStart(const std::string& display) override;
  void OnProgress(uint64_t bytes_read, uint64_t records) override;
  void OnWarning(const Warning& warning) override;
  // Prints where an analysis is (same line and pace as the ingest's
  // progress) and logs each step's end with its duration to tern.log.
  void OnAnalysisProgress(const AnalysisProgress& progress);
  // Ends the progress line (call before printing the summary).
  void Finish();

 private:
  void Draw(bool force);
  // True (and the clock restarted) when a line may be shown now: always
  // when forced, else at most every 200 ms on a terminal and 5 s otherwise.
  bool Due(bool force);
  // Shows `line`: redrawn on a terminal, a "progress:" line otherwise.
  void Show(const std::string& line);

  RunLog* log_;
  bool quiet_;
  std::FILE* err_;
  bool tty_;
  uint64_t items_ = 0;
  uint64_t bytes_ = 0;
  uint64_t records_ = 0;
  uint64_t warnings_ = 0;
  uint64_t warnings_printed_ = 0;
  std::string current_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  std::chrono::steady_clock::time_point step_start_;
  bool line_open_ = false;
};

}  // namespace tern::cli

#endif  // TERN_TOOLS_CLI_CONSOLE_H_
