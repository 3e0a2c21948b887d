// Console output and the run log for the `tern` CLI.
//
// Results go to stdout, progress and warnings to stderr (a redrawn progress
// line on a terminal, plain lines otherwise), and every warning to the case's
// tern.log. Evidence text is passed through TerminalSafe() before it reaches
// a terminal. Thread-compatible.
#ifndef TERN_TOOLS_CLI_CONSOLE_H_
#define TERN_TOOLS_CLI_CONSOLE_H_

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "core/ingest/ingester.h"

namespace tern::cli {

// Appends timestamped lines to CASE/tern.log.
class RunLog {
 public:
  // Opens (creating) `path` for appending; logging is a no-op if that fails.
  explicit RunLog(const std::string& path);
  void Line(std::string_view level, std::string_view text);
  void Warn(const Warning& warning);

 private:
  std::ofstream out_;
};

// Prints ingest progress and warnings to stderr, and logs warnings.
class ConsoleObserver : public IngestObserver {
 public:
  // `err` (not owned) receives progress and warnings; a terminal gets a
  // redrawn line.
  ConsoleObserver(RunLog* log, bool quiet, std::FILE* err);
  ~ConsoleObserver() override;
  void OnItemStart(const std::string& display) override;
  void OnProgress(uint64_t bytes_read, uint64_t records) override;
  void OnWarning(const Warning& warning) override;
  // Ends the progress line (call before printing the summary).
  void Finish();

 private:
  void Draw(bool force);

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
  bool line_open_ = false;
};

// Formats 1234567 bytes as "1.2 MB" (decimal units).
std::string HumanBytes(uint64_t bytes);

}  // namespace tern::cli

#endif  // TERN_TOOLS_CLI_CONSOLE_H_
