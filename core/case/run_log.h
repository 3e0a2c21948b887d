// tern.log: the case's run log, timestamped lines appended by every command
// (version, command line, counts, every warning, errors). Opening it returns
// a Status, and a failed write is kept (status()) so the run reports it
// instead of losing the log silently. Thread-compatible.
#ifndef TERN_CORE_CASE_RUN_LOG_H_
#define TERN_CORE_CASE_RUN_LOG_H_

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/model/warning.h"

namespace tern {

class RunLog {
 public:
  // Opens (creating) `path` for appending. Unavailable naming the file and
  // the system's reason when it cannot be opened.
  static absl::StatusOr<std::unique_ptr<RunLog>> Open(const std::string& path);
  ~RunLog();
  RunLog(const RunLog&) = delete;
  RunLog& operator=(const RunLog&) = delete;

  // Appends "<UTC now> LEVEL text" (text sanitized to UTF-8, one line).
  void Line(std::string_view level, std::string_view text);
  // Appends "<UTC now> WARN kind: source line N: detail".
  void Warn(const Warning& warning);
  // OK, or the first write failure (Unavailable naming the file).
  const absl::Status& status() const { return status_; }

 private:
  RunLog(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {}

  std::string path_;
  std::FILE* file_;
  absl::Status status_;
};

// "kind: source line N: detail", as tern.log and the console show a warning.
std::string WarningText(const Warning& w);

// The current UTC time as RFC 3339 with milliseconds (run records, tern.log).
std::string NowRfc3339();

}  // namespace tern

#endif  // TERN_CORE_CASE_RUN_LOG_H_
