#include "tools/cli/console.h"

#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/base/escape.h"
#include "core/base/human_bytes.h"

namespace tern::cli {
namespace {

// Only the first warnings are echoed to the terminal; all go to tern.log.
constexpr uint64_t kMaxWarningsPrinted = 20;

}  // namespace

ConsoleObserver::ConsoleObserver(RunLog* log, bool quiet, std::FILE* err)
    : log_(log),
      quiet_(quiet),
      err_(err),
      tty_(isatty(fileno(err)) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ConsoleObserver::~ConsoleObserver() { Finish(); }

void ConsoleObserver::OnItemStart(const std::string& display) {
  ++items_;
  current_ = display;
  if (quiet_) return;
  if (tty_) {
    Draw(true);
  } else {
    std::fprintf(err_, "reading %s\n", TerminalSafe(display).c_str());
  }
}

void ConsoleObserver::OnProgress(uint64_t bytes_read, uint64_t records) {
  bytes_ = bytes_read;
  records_ = records;
  Draw(false);
}

void ConsoleObserver::OnWarning(const Warning& warning) {
  ++warnings_;
  if (log_ != nullptr) log_->Warn(warning);
  if (quiet_) return;
  if (warnings_printed_ < kMaxWarningsPrinted) {
    ++warnings_printed_;
    if (line_open_) std::fputc('\n', err_);
    line_open_ = false;
    std::fprintf(err_, "warning: %s\n", TerminalSafe(WarningText(warning)).c_str());
  } else if (warnings_printed_ == kMaxWarningsPrinted) {
    ++warnings_printed_;
    std::fprintf(err_, "warning: further warnings are in tern.log and custody.json\n");
  }
}

void ConsoleObserver::Draw(bool force) {
  if (quiet_ || !Due(force)) return;
  const double seconds = std::max(
      1e-3, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
  Show(absl::StrFormat("%d files, %s, %d records (%.0f records/s, %s/s)", items_,
                       HumanBytes(bytes_), records_, static_cast<double>(records_) / seconds,
                       HumanBytes(static_cast<uint64_t>(static_cast<double>(bytes_) / seconds))));
}

bool ConsoleObserver::Due(bool force) {
  const auto now = std::chrono::steady_clock::now();
  const auto since = std::chrono::duration_cast<std::chrono::milliseconds>(now - last_draw_);
  if (!force && since.count() < (tty_ ? 200 : 5000)) return false;
  last_draw_ = now;
  return true;
}

void ConsoleObserver::Show(const std::string& line) {
  if (tty_) {
    std::fprintf(err_, "\r\033[K%s", line.c_str());
    line_open_ = true;
  } else {
    std::fprintf(err_, "progress: %s\n", line.c_str());
  }
}

void ConsoleObserver::OnAnalysisProgress(const AnalysisProgress& p) {
  const auto now = std::chrono::steady_clock::now();
  const bool starts = p.events == 0 && !p.done;
  if (starts) step_start_ = now;
  const double seconds = std::chrono::duration<double>(now - step_start_).count();
  std::string line = absl::StrFormat("analysis step %d/%d, %s", p.step, kAnalysisSteps, p.name);
  if (p.done) {
    absl::StrAppendFormat(&line, ": done in %.1f s", seconds);
    if (p.events > 0) absl::StrAppendFormat(&line, " (%d events read)", p.events);
    if (log_ != nullptr) log_->Line("INFO", absl::StrCat("analyze: ", line));
  } else if (!starts) {
    absl::StrAppendFormat(&line, ": %d of %d events (%.0f events/s)", p.events, p.total,
                          static_cast<double>(p.events) / std::max(seconds, 1e-3));
  }
  if (!quiet_ && Due(starts || p.done)) Show(line);
}

void ConsoleObserver::Finish() {
  if (line_open_) std::fputc('\n', err_);
  line_open_ = false;
}

}  // namespace tern::cli
