#include "core/case/case_dir.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "core/base/strings.h"

namespace tern {
namespace fs = std::filesystem;

std::string CaseDir::File(std::string_view name) const {
  return absl::StrCat(root_, "/", ToAbsl(name));
}

absl::Status CaseDir::Create() const {
  // The error_code overloads: std::filesystem must not throw out of core.
  std::error_code ec;
  fs::create_directories(root_, ec);
  if (!ec && !fs::is_directory(root_, ec)) {
    return absl::UnavailableError(
        absl::StrCat("cannot create case directory ", root_, ": not a directory"));
  }
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot create case directory ", root_, ": ", ec.message()));
  }
  return absl::OkStatus();
}

bool CaseDir::IsDirectory(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

std::string DisplayPath(const std::string& path) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  if (ec) return path;
  return absolute.lexically_normal().string();
}

}  // namespace tern
