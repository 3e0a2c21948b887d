#include "core/base/files.h"

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace tern {

absl::Status WriteFileThrough(const std::string& path,
                              const std::function<absl::Status(std::FILE*)>& fill) {
  const std::string temp = path + ".tmp";
  std::FILE* file = std::fopen(temp.c_str(), "wb");
  if (file == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot create ", temp, ": ", std::strerror(errno)));
  }
  absl::Status status = fill(file);
  if (std::fclose(file) != 0 && status.ok()) {
    status =
        absl::UnavailableError(absl::StrCat("cannot write ", temp, ": ", std::strerror(errno)));
  }
  if (status.ok() && std::rename(temp.c_str(), path.c_str()) != 0) {
    status = absl::UnavailableError(
        absl::StrCat("cannot rename ", temp, " into place: ", std::strerror(errno)));
  }
  if (!status.ok()) std::remove(temp.c_str());
  return status;
}

absl::Status WriteFileAtomically(const std::string& path, std::string_view contents) {
  return WriteFileThrough(path, [&](std::FILE* file) {
    if (std::fwrite(contents.data(), 1, contents.size(), file) != contents.size()) {
      return absl::UnavailableError(
          absl::StrCat("cannot write ", path, ".tmp: ", std::strerror(errno)));
    }
    return absl::OkStatus();
  });
}

}  // namespace tern
