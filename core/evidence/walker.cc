// The file-system half of the walker: folders, files, file descriptors.
// Everything that happens inside a file (sniffing, archives, hashing, limits)
// is in tree_walker.cc.
#include "core/evidence/walker.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/strings.h"
#include "core/evidence/tree_walker.h"

namespace tern {
namespace {

using evidence_internal::NodeInput;
using evidence_internal::TreeWalker;

// A top-level file, read sequentially. Errors are sticky and reported once,
// as they happen (so before the node's OnNodeEnd).
class FdStream : public ByteStream {
 public:
  FdStream(int fd, std::string display, TreeWalker* walker)
      : fd_(fd), display_(std::move(display)), walker_(walker) {}

  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    if (!status_.ok()) return status_;
    while (true) {
      const ssize_t got = read(fd_, buf, n);
      if (got >= 0) return static_cast<size_t>(got);
      if (errno == EINTR) continue;
      status_ = absl::ErrnoToStatus(errno, absl::StrCat("cannot read ", display_));
      walker_->Warn("unreadable-file", display_, ToStd(status_.message()));
      return status_;
    }
  }

 private:
  int fd_;
  std::string display_;
  TreeWalker* walker_;
  absl::Status status_;
};

std::string JoinPath(std::string_view dir, std::string_view name) {
  if (!dir.empty() && dir.back() == '/') return absl::StrCat(ToAbsl(dir), ToAbsl(name));
  return absl::StrCat(ToAbsl(dir), "/", ToAbsl(name));
}

const char* FileTypeName(mode_t mode) {
  if (S_ISLNK(mode)) return "symbolic link (not followed)";
  if (S_ISFIFO(mode)) return "FIFO";
  if (S_ISSOCK(mode)) return "socket";
  if (S_ISCHR(mode)) return "character device";
  if (S_ISBLK(mode)) return "block device";
  if (S_ISDIR(mode)) return "directory";
  return "non-regular file";
}

// "cannot stat x: No such file or directory" for warnings.
std::string ErrnoMessage(int err, std::string_view what, const std::string& path) {
  return std::string(absl::ErrnoToStatus(err, absl::StrCat(ToAbsl(what), path)).message());
}

TimeMs MtimeMs(const struct stat& st) {
  return static_cast<TimeMs>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

// Absolute and lexically normalized ("a/./b/" -> "/cwd/a/b"); symlinks are
// left as the user named them.
std::string MakeAbsolute(const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_relative()) {
    std::error_code ec;
    const std::filesystem::path cwd = std::filesystem::current_path(ec);
    if (!ec) p = cwd / p;
  }
  std::string out = p.lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

class FileSystemWalker {
 public:
  FileSystemWalker(const WalkLimits& limits, EvidenceVisitor& visitor, WarningSink& warnings)
      : tree_(limits, visitor, warnings) {}

  // Walks one regular file. `path` is how we open it (and its display name).
  // Inside a folder, symlinks are not followed (O_NOFOLLOW covers a file
  // swapped for a link after lstat).
  void WalkFile(const std::string& given, const std::string& path, const std::string& absolute,
                bool in_folder) {
    EvidenceNode node;
    node.given_path = given;
    node.absolute_path = absolute;
    node.display = path;
    // O_NONBLOCK: opening a FIFO that replaced a file since lstat() must not
    // hang the walk. Evidence is only ever opened read-only.
    const int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (in_folder ? O_NOFOLLOW : 0);
    const int fd = open(path.c_str(), flags);
    if (fd < 0) {
      const int err = errno;
      if (err == ELOOP && in_folder) {
        tree_.Warn("skipped-non-regular", path, FileTypeName(S_IFLNK));
        return;
      }
      tree_.Unopenable(node, "unreadable-file",
                       absl::ErrnoToStatus(err, absl::StrCat("cannot open ", path)));
      return;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
      const int err = errno;
      close(fd);
      tree_.Unopenable(node, "unreadable-file",
                       absl::ErrnoToStatus(err, absl::StrCat("cannot stat ", path)));
      return;
    }
    if (!S_ISREG(st.st_mode)) {
      close(fd);
      tree_.Warn("skipped-non-regular", path, FileTypeName(st.st_mode));
      return;
    }
    // Back to ordinary blocking reads (regular files ignore the flag anyway).
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    node.mtime_ms = MtimeMs(st);

    tree_.BeginInput();
    FdStream raw(fd, path, &tree_);
    HashingStream hashed(&raw);
    // The node's status went to OnNodeEnd; the next file is walked regardless.
    tree_.Walk(std::move(node), NodeInput{&hashed, fd, static_cast<uint64_t>(st.st_size)})
        .IgnoreError();
    close(fd);
  }

  // Walks a folder recursively in byte-wise order of names, so a walk is
  // reproducible whatever order the file system returns.
  void WalkDirectory(const std::string& given, const std::string& path,
                     const std::string& absolute) {
    DIR* dir = opendir(path.c_str());
    if (dir == nullptr) {
      tree_.Warn("unreadable-file", path, ErrnoMessage(errno, "cannot list folder ", path));
      return;
    }
    std::vector<std::string> names;
    while (true) {
      errno = 0;
      const struct dirent* entry = readdir(dir);
      if (entry == nullptr) break;
      const std::string_view name = entry->d_name;
      if (name == "." || name == "..") continue;
      names.emplace_back(name);
    }
    if (errno != 0) {
      tree_.Warn("unreadable-file", path, ErrnoMessage(errno, "cannot list all of folder ", path));
    }
    closedir(dir);
    // std::string compares as unsigned char: byte-wise order.
    std::sort(names.begin(), names.end());

    for (const std::string& name : names) {
      const std::string child = JoinPath(path, name);
      const std::string child_absolute = JoinPath(absolute, name);
      struct stat st;
      if (lstat(child.c_str(), &st) != 0) {
        tree_.Warn("unreadable-file", child, ErrnoMessage(errno, "cannot stat ", child));
        continue;
      }
      if (S_ISDIR(st.st_mode)) {
        WalkDirectory(given, child, child_absolute);
      } else if (S_ISREG(st.st_mode)) {
        WalkFile(given, child, child_absolute, /*in_folder=*/true);
      } else {
        // Symlinks could lead out of the evidence tree (or loop); FIFOs would
        // block; devices are not evidence files.
        tree_.Warn("skipped-non-regular", child, FileTypeName(st.st_mode));
      }
    }
  }

  TreeWalker& tree() { return tree_; }

 private:
  TreeWalker tree_;
};

}  // namespace

absl::Status WalkEvidence(const std::string& input, const WalkLimits& limits,
                          EvidenceVisitor& visitor, WarningSink& warnings) {
  if (input.empty()) return absl::NotFoundError("empty input path");
  // The user named this path, so a symlink here is followed.
  struct stat st;
  if (stat(input.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
      return absl::NotFoundError(absl::StrCat("no such file or folder: ", input));
    }
    FileSystemWalker fs(limits, visitor, warnings);
    EvidenceNode node;
    node.given_path = input;
    node.absolute_path = MakeAbsolute(input);
    node.display = input;
    fs.tree().Unopenable(node, "unreadable-file",
                         absl::ErrnoToStatus(err, absl::StrCat("cannot stat ", input)));
    return absl::OkStatus();
  }
  FileSystemWalker fs(limits, visitor, warnings);
  if (S_ISDIR(st.st_mode)) {
    fs.WalkDirectory(input, input, MakeAbsolute(input));
  } else if (S_ISREG(st.st_mode)) {
    fs.WalkFile(input, input, MakeAbsolute(input), /*in_folder=*/false);
  } else {
    fs.tree().Warn("skipped-non-regular", input, FileTypeName(st.st_mode));
  }
  return absl::OkStatus();
}

}  // namespace tern
