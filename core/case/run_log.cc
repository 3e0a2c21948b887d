#include "core/case/run_log.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/base/escape.h"
#include "core/base/strings.h"
#include "core/base/time.h"

namespace tern {

std::string NowRfc3339() {
  const auto now = std::chrono::system_clock::now();
  return FormatRfc3339(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
}

std::string WarningText(const Warning& w) {
  std::string text = absl::StrCat(w.kind, ": ", w.source);
  if (w.line != 0) absl::StrAppend(&text, " line ", w.line);
  absl::StrAppend(&text, ": ", w.detail);
  return text;
}

absl::StatusOr<std::unique_ptr<RunLog>> RunLog::Open(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "a");
  if (file == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot open run log ", path, ": ", std::strerror(errno)));
  }
  return std::unique_ptr<RunLog>(new RunLog(path, file));
}

RunLog::~RunLog() { std::fclose(file_); }

void RunLog::Line(std::string_view level, std::string_view text) {
  if (!status_.ok()) return;
  const std::string line =
      absl::StrCat(NowRfc3339(), " ", ToAbsl(level), " ", SanitizeUtf8(text), "\n");
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
    status_ = absl::UnavailableError(
        absl::StrCat("cannot write run log ", path_, ": ", std::strerror(errno)));
  }
}

void RunLog::Warn(const Warning& warning) { Line("WARN", WarningText(warning)); }

}  // namespace tern
