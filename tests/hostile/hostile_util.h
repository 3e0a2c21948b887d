// Helpers for the hostile-evidence battery and the crash-safety tests: run the
// built `tern` binary under a time and memory limit (or in the background, to
// kill it), snapshot evidence files to prove they were not modified, and
// hand-made tar entries for the member types libarchive's writer will not
// produce on request (devices, FIFOs, absolute names).
//
// Test-only; thread-compatible.
#ifndef TERN_TESTS_HOSTILE_HOSTILE_UTIL_H_
#define TERN_TESTS_HOSTILE_HOSTILE_UTIL_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tern::hostile {

// True when this test (and so the `tern` beside it) was built with
// AddressSanitizer: its shadow memory needs terabytes of address space, so
// RLIMIT_AS cannot be applied, and everything runs a few times slower.
bool Sanitized();

struct RunLimits {
  // The child is killed (SIGKILL) after this long. Default: 120 s, tripled
  // under sanitizers.
  int timeout_seconds = 120;
  // RLIMIT_AS of the child, so a runaway allocation fails inside tern
  // instead of taking the machine. Default: 2 GiB; not applied under ASan.
  uint64_t address_space_bytes = uint64_t{2} << 30;
};

struct ProcessResult {
  int exit_code = -1;  // the exit status, -1 when a signal ended the process
  int signal = 0;      // the signal that ended it, 0 when it exited
  bool timed_out = false;
  uint64_t max_rss_bytes = 0;  // peak resident memory of the child
  std::string out;
  std::string err;
  // One line for assertion messages: exit/signal/timeout, memory, stderr.
  std::string Describe() const;
};

// Runs TERN_BINARY with `args` under `limits` and waits for it.
ProcessResult RunTernLimited(const std::vector<std::string>& args, const RunLimits& limits = {});

// A `tern` started in the background, for tests that kill it mid-run or race
// two of them. The destructor kills and reaps a process still running.
class TernProcess {
 public:
  explicit TernProcess(const std::vector<std::string>& args);
  ~TernProcess();
  TernProcess(const TernProcess&) = delete;
  TernProcess& operator=(const TernProcess&) = delete;

  pid_t pid() const { return pid_; }
  // True while the process has not been reaped.
  bool Running();
  void Kill(int signal);
  // Waits for the process (at most `timeout_seconds`, then SIGKILL).
  ProcessResult Wait(int timeout_seconds = 300);

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  bool reaped_ = false;
  ProcessResult result_;
};

// True if process `pid` has a file open whose path ends with `suffix`.
bool HasOpenFile(pid_t pid, std::string_view suffix);

// What "the evidence was not modified" compares: content, size, mtime, mode.
struct FileState {
  std::string type;  // "file", "dir", "symlink", "fifo", "socket", "other"
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  uint32_t mode = 0;
  std::string sha256;  // regular files only
  bool operator==(const FileState&) const = default;
};

// Every entry under `root` (or `root` itself when it is a file), keyed by
// path relative to `root`; symlinks are not followed.
std::map<std::string, FileState> Snapshot(const std::string& root);

// A POSIX ustar member: header + data padded to 512 bytes. `type` is the
// typeflag ('0' file, '2' symlink, '3' char device, '4' block device,
// '6' FIFO, '1' hard link). Names up to 100 bytes.
std::string TarMember(std::string_view name, char type, std::string_view data,
                      std::string_view link = "");
// The two zero blocks that end a tar.
std::string TarEnd();

// The bytes of fixtures/`relative`.
std::string FixtureBytes(std::string_view relative);

// The six AuditData records of fixtures/e2e/export_b.jsonl, the good file
// every hostile case runs beside, and their Ids.
std::string GoodJsonl();
std::vector<std::string> GoodIds();

// A Management-API JSON line with this Id and operation, for building inputs.
std::string JsonRecord(std::string_view id, std::string_view extra_fields = "");

}  // namespace tern::hostile

#endif  // TERN_TESTS_HOSTILE_HOSTILE_UTIL_H_
