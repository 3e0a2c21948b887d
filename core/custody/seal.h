// The legal-hold seal of `run` and `report`: manifest.json (+ manifest.sig)
// over the outputs of a report directory, written after them, with the case
// metadata the store records. Thread-compatible.
#ifndef TERN_CORE_CUSTODY_SEAL_H_
#define TERN_CORE_CUSTODY_SEAL_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/case/case_dir.h"
#include "core/case/run_log.h"
#include "core/custody/manifest.h"
#include "core/evidence/signature.h"
#include "core/store/case_store.h"

namespace tern {

struct SealOptions {
  const SigningKey* key = nullptr;  // not owned; null = unsigned
  // Files the run read besides the evidence (rule pack, tuning file).
  std::vector<ManifestInput> inputs;
  // The file names of `dir` to seal when present (ManifestOptions::outputs).
  std::vector<std::string> outputs;
};

// Writes `dir`'s manifest.json (and manifest.sig with a key) over the outputs
// in `dir` and the evidence `store` records, and logs it to `log` (may be
// null). Errors: the store's, or Unavailable/NotFound naming a file.
absl::StatusOr<Manifest> SealCase(CaseStore& store, const CaseDir& dir, const SealOptions& options,
                                  RunLog* log);

// " (signed by <hex key>)" for a signed manifest, "" otherwise.
std::string SignedBy(const Manifest& manifest);

}  // namespace tern

#endif  // TERN_CORE_CUSTODY_SEAL_H_
