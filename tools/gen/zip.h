// Packs generated evidence files into one zip, as clients often deliver
// exports. Deterministic: fixed member order and times, so one seed gives
// one archive byte for byte. Thread-compatible.
#ifndef TERN_TOOLS_GEN_ZIP_H_
#define TERN_TOOLS_GEN_ZIP_H_

#include <cstdint>
#include <string>
#include <vector>

namespace tern::gen {

// Writes `dir`/`zip_name` holding `dir`/name for each of `names` (deflated,
// in the given order, each dated `mtime_s`), then removes the loose files.
// False with *error on any I/O failure; the loose files stay then.
bool ZipAndRemove(const std::string& dir, const std::vector<std::string>& names,
                  const std::string& zip_name, int64_t mtime_s, std::string* error);

}  // namespace tern::gen

#endif  // TERN_TOOLS_GEN_ZIP_H_
