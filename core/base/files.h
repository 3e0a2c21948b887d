// Writing output files so that readers never see half of one: every case
// output (custody.json, findings.json, report.html, timelines) is written to
// PATH.tmp and renamed over PATH only when complete. Thread-compatible: two
// writers of the same path must not run at once.
#ifndef TERN_CORE_BASE_FILES_H_
#define TERN_CORE_BASE_FILES_H_

#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace tern {

// Writes `path` through `path`.tmp: `fill` writes the contents into the open
// file (not owned by `fill`; do not close it), which is renamed into place
// only if `fill` and the close succeed and removed otherwise, so readers see
// the old file or the whole new one. Returns `fill`'s error, or Unavailable
// naming the file when creating, writing or renaming fails.
absl::Status WriteFileThrough(const std::string& path,
                              const std::function<absl::Status(std::FILE*)>& fill);

// WriteFileThrough with `contents` as the whole file.
absl::Status WriteFileAtomically(const std::string& path, std::string_view contents);

}  // namespace tern

#endif  // TERN_CORE_BASE_FILES_H_
