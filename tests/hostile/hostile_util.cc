#include "tests/hostile/hostile_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "core/base/strings.h"
#include "core/evidence/hasher.h"

namespace tern::hostile {
namespace {

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TERN_HOSTILE_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(TERN_HOSTILE_ASAN)
#define TERN_HOSTILE_ASAN 1
#endif

int UnlinkedTempFile() {
  char name[] = "/tmp/tern-hostile-out-XXXXXX";
  const int fd = mkstemp(name);
  if (fd >= 0) unlink(name);
  return fd;
}

std::string Slurp(int fd) {
  std::string out;
  if (fd < 0) return out;
  char buf[65536];
  lseek(fd, 0, SEEK_SET);
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

// Forks and execs TERN_BINARY. Everything the child touches is prepared
// before fork(): only async-signal-safe calls run between fork and exec.
pid_t Spawn(const std::vector<std::string>& args, int out_fd, int err_fd,
            uint64_t address_space_bytes) {
  std::vector<std::string> storage;
  storage.push_back(TERN_BINARY);
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid != 0) return pid;
  if (address_space_bytes != 0) {
    struct rlimit limit = {address_space_bytes, address_space_bytes};
    setrlimit(RLIMIT_AS, &limit);
  }
  // No core files from deliberate SIGKILLs or from limits being hit.
  struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  const int null_fd = open("/dev/null", O_RDONLY);
  dup2(null_fd, STDIN_FILENO);
  dup2(out_fd, STDOUT_FILENO);
  dup2(err_fd, STDERR_FILENO);
  execv(argv[0], argv.data());
  _exit(127);
}

void Fill(int status, const struct rusage& usage, ProcessResult* r) {
  if (WIFEXITED(status)) {
    r->exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r->signal = WTERMSIG(status);
  }
  r->max_rss_bytes = static_cast<uint64_t>(usage.ru_maxrss) * 1024;
}

// Waits for `pid` up to `timeout_seconds`, then kills it.
void WaitFor(pid_t pid, int timeout_seconds, ProcessResult* r) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  int status = 0;
  struct rusage usage = {};
  while (true) {
    const pid_t got = wait4(pid, &status, WNOHANG, &usage);
    if (got == pid) break;
    if (got < 0 && errno != EINTR) return;
    if (std::chrono::steady_clock::now() > deadline) {
      r->timed_out = true;
      kill(pid, SIGKILL);
      while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  Fill(status, usage, r);
}

std::string FileType(mode_t mode) {
  if (S_ISREG(mode)) return "file";
  if (S_ISDIR(mode)) return "dir";
  if (S_ISLNK(mode)) return "symlink";
  if (S_ISFIFO(mode)) return "fifo";
  if (S_ISSOCK(mode)) return "socket";
  return "other";
}

void SnapshotInto(const std::string& path, const std::string& rel,
                  std::map<std::string, FileState>* out) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return;
  FileState s;
  s.type = FileType(st.st_mode);
  s.size = S_ISDIR(st.st_mode) ? 0 : static_cast<uint64_t>(st.st_size);
  s.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  s.mode = st.st_mode;
  if (S_ISREG(st.st_mode)) {
    absl::StatusOr<Digests> d = HashFile(path);
    s.sha256 = d.ok() ? d->sha256 : std::string(d.status().message());
  }
  (*out)[rel] = s;
  if (!S_ISDIR(st.st_mode)) return;
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return;
  std::vector<std::string> names;
  while (const struct dirent* e = readdir(dir)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
      names.emplace_back(e->d_name);
    }
  }
  closedir(dir);
  for (const std::string& name : names) {
    SnapshotInto(path + "/" + name, rel.empty() ? name : rel + "/" + name, out);
  }
}

// Writes `value` as a zero-padded octal field of `width` bytes (NUL-ended).
void Octal(std::string* header, size_t offset, size_t width, uint64_t value) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%0*llo", static_cast<int>(width - 1),
                static_cast<unsigned long long>(value));
  std::memcpy(header->data() + offset, buf, width - 1);
}

}  // namespace

bool Sanitized() {
#ifdef TERN_HOSTILE_ASAN
  return true;
#else
  return false;
#endif
}

std::string ProcessResult::Describe() const {
  std::string what;
  if (timed_out) {
    what = "TIMED OUT";
  } else if (signal != 0) {
    what = absl::StrCat("killed by signal ", signal);
  } else {
    what = absl::StrCat("exit ", exit_code);
  }
  return absl::StrCat(what, ", peak RSS ", max_rss_bytes >> 20, " MiB\n--- stdout\n",
                      out.substr(0, 4000), "\n--- stderr\n", err.substr(0, 4000));
}

ProcessResult RunTernLimited(const std::vector<std::string>& args, const RunLimits& limits) {
  ProcessResult r;
  const int out_fd = UnlinkedTempFile();
  const int err_fd = UnlinkedTempFile();
  const pid_t pid = Spawn(args, out_fd, err_fd, Sanitized() ? 0 : limits.address_space_bytes);
  if (pid > 0) WaitFor(pid, limits.timeout_seconds * (Sanitized() ? 3 : 1), &r);
  r.out = Slurp(out_fd);
  r.err = Slurp(err_fd);
  close(out_fd);
  close(err_fd);
  return r;
}

TernProcess::TernProcess(const std::vector<std::string>& args)
    : out_fd_(UnlinkedTempFile()), err_fd_(UnlinkedTempFile()) {
  pid_ = Spawn(args, out_fd_, err_fd_, 0);
}

TernProcess::~TernProcess() {
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGKILL);
    Wait(10);
  }
  close(out_fd_);
  close(err_fd_);
}

bool TernProcess::Running() {
  if (reaped_ || pid_ <= 0) return false;
  int status = 0;
  struct rusage usage = {};
  if (wait4(pid_, &status, WNOHANG, &usage) == pid_) {
    reaped_ = true;
    Fill(status, usage, &result_);
    result_.out = Slurp(out_fd_);
    result_.err = Slurp(err_fd_);
    return false;
  }
  return true;
}

void TernProcess::Kill(int signal) {
  if (pid_ > 0 && !reaped_) kill(pid_, signal);
}

ProcessResult TernProcess::Wait(int timeout_seconds) {
  if (pid_ <= 0 || reaped_) return result_;
  WaitFor(pid_, timeout_seconds, &result_);
  reaped_ = true;
  result_.out = Slurp(out_fd_);
  result_.err = Slurp(err_fd_);
  return result_;
}

bool HasOpenFile(pid_t pid, std::string_view suffix) {
  const std::string fd_dir = absl::StrCat("/proc/", pid, "/fd");
  DIR* dir = opendir(fd_dir.c_str());
  if (dir == nullptr) return false;
  bool found = false;
  while (const struct dirent* e = readdir(dir)) {
    char target[4096];
    const std::string link = fd_dir + "/" + e->d_name;
    const ssize_t n = readlink(link.c_str(), target, sizeof(target));
    if (n <= 0) continue;
    const std::string_view t(target, static_cast<size_t>(n));
    if (t.size() >= suffix.size() && t.substr(t.size() - suffix.size()) == suffix) {
      found = true;
      break;
    }
  }
  closedir(dir);
  return found;
}

std::map<std::string, FileState> Snapshot(const std::string& root) {
  std::map<std::string, FileState> out;
  SnapshotInto(root, "", &out);
  return out;
}

std::string TarMember(std::string_view name, char type, std::string_view data,
                      std::string_view link) {
  std::string header(512, '\0');
  std::memcpy(header.data(), name.data(), std::min<size_t>(name.size(), 100));
  Octal(&header, 100, 8, type == '3' || type == '4' ? 0600 : 0644);  // mode
  Octal(&header, 108, 8, 0);                                         // uid
  Octal(&header, 116, 8, 0);                                         // gid
  Octal(&header, 124, 12, type == '0' ? data.size() : 0);            // size
  Octal(&header, 136, 12, 1700000000);                               // mtime
  header[156] = type;
  std::memcpy(header.data() + 157, link.data(), std::min<size_t>(link.size(), 100));
  std::memcpy(header.data() + 257,
              "ustar\0"
              "00",
              8);
  if (type == '3' || type == '4') {
    Octal(&header, 329, 8, 1);  // devmajor: /dev/mem's
    Octal(&header, 337, 8, 1);  // devminor
  }
  // Checksum: byte sum with the field itself read as spaces.
  std::memset(header.data() + 148, ' ', 8);
  uint32_t sum = 0;
  for (unsigned char c : header) sum += c;
  std::snprintf(header.data() + 148, 8, "%06o", sum);
  header[155] = ' ';
  std::string out = header;
  if (type == '0') {
    out.append(data);
    out.append((512 - data.size() % 512) % 512, '\0');
  }
  return out;
}

std::string TarEnd() { return std::string(1024, '\0'); }

std::string FixtureBytes(std::string_view relative) {
  std::ifstream in(absl::StrCat(TERN_FIXTURES_DIR, "/", ToAbsl(relative)), std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string GoodJsonl() { return FixtureBytes("e2e/export_b.jsonl"); }

std::vector<std::string> GoodIds() {
  std::vector<std::string> ids;
  const std::string good = GoodJsonl();
  constexpr std::string_view kKey = "\"Id\":\"";
  for (size_t pos = good.find(kKey); pos != std::string::npos; pos = good.find(kKey, pos + 1)) {
    const size_t start = pos + kKey.size();
    ids.push_back(good.substr(start, good.find('"', start) - start));
  }
  return ids;
}

std::string JsonRecord(std::string_view id, std::string_view extra_fields) {
  return absl::StrCat(
      "{\"CreationTime\":\"2024-06-01T10:00:00\",\"Id\":\"", ToAbsl(id),
      "\",\"Operation\":\"MailItemsAccessed\",\"RecordType\":50,\"ResultStatus\":\"Succeeded\","
      "\"UserId\":\"zoe@fabrikam.example\",\"ClientIPAddress\":\"203.0.113.9\",\"MailboxGuid\":"
      "\"AAAAAAAA-BBBB-4CCC-8DDD-FFFFFFFFFFFF\",\"MailboxOwnerUPN\":\"zoe@fabrikam.example\","
      "\"Workload\":\"Exchange\"",
      extra_fields.empty() ? "" : ",", ToAbsl(extra_fields), "}");
}

}  // namespace tern::hostile
