// The case directory (ARCHITECTURE.md "Case directory"): the one place that
// knows what a case's files are called and where they lie. Every path into a
// case, or into a report directory laid out like one (--out), comes from a
// CaseDir. Plain value type; thread-safe for const use.
#ifndef TERN_CORE_CASE_CASE_DIR_H_
#define TERN_CORE_CASE_CASE_DIR_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace tern {

// File and folder names inside a case directory (the contract).
inline constexpr char kStoreDirName[] = "store";
inline constexpr char kCustodyFile[] = "custody.json";
inline constexpr char kFindingsFile[] = "findings.json";
inline constexpr char kReportFile[] = "report.html";
inline constexpr char kRunLogFile[] = "tern.log";
inline constexpr char kManifestFile[] = "manifest.json";
inline constexpr char kManifestSignatureFile[] = "manifest.sig";

class CaseDir {
 public:
  // `root` as the user gave it (relative paths stay relative).
  explicit CaseDir(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  // root/`name`: any file of the case directory (outputs name theirs).
  std::string File(std::string_view name) const;

  std::string store() const { return File(kStoreDirName); }
  std::string custody() const { return File(kCustodyFile); }
  std::string findings() const { return File(kFindingsFile); }
  std::string report() const { return File(kReportFile); }
  std::string log() const { return File(kRunLogFile); }
  std::string manifest() const { return File(kManifestFile); }
  std::string manifest_signature() const { return File(kManifestSignatureFile); }

  // The files of a case directory outside the outputs (reports/output.h
  // names those) that its manifest seals when present: custody.json.
  static std::vector<std::string> SealedFiles() { return {kCustodyFile}; }

  // Creates the directory (and its parents) if missing. Unavailable naming
  // the directory when that fails, or when `root` exists as a file.
  absl::Status Create() const;
  // Whether root/`name` is a directory (false on any error).
  static bool IsDirectory(const std::string& path);

 private:
  std::string root_;
};

// `path` made absolute and normal ("./case/../case/x" -> "/abs/case/x"), as
// the commands print the files they wrote; `path` itself if that fails.
std::string DisplayPath(const std::string& path);

}  // namespace tern

#endif  // TERN_CORE_CASE_CASE_DIR_H_
