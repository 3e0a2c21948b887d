// The legal-hold seal of `run` and `report`: --sign-key, and manifest.json
// (+ manifest.sig) written after the outputs (core/custody/seal.h).
// Thread-compatible.
#ifndef TERN_TOOLS_CLI_SEAL_STEP_H_
#define TERN_TOOLS_CLI_SEAL_STEP_H_

#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "core/case/run_log.h"
#include "core/custody/manifest.h"
#include "core/evidence/signature.h"
#include "core/store/case_store.h"
#include "tools/cli/options.h"

namespace tern::cli {

struct SealArgs {
  std::string sign_key_path;
  std::unique_ptr<SigningKey> key;  // loaded by LoadSealKey
  // Files the run read besides the evidence (rule pack, tuning file): the
  // commands that take --rules / --config add them here.
  std::vector<ManifestInput> inputs;
};

// Declares --sign-key FILE.
void AddSealOptions(OptionSpec& spec, SealArgs* args);
// Loads the key named by --sign-key (a usage error if unusable), so a bad
// key fails before a long run.
absl::Status LoadSealKey(SealArgs* args);

// Writes `dir`/manifest.json (and manifest.sig when a key is loaded) over the
// outputs in `dir`, logs it and prints "manifest  /abs/dir/manifest.json".
absl::Status SealOutputs(CaseStore& store, const std::string& dir, const SealArgs& args,
                         RunLog* log, std::FILE* out);

}  // namespace tern::cli

#endif  // TERN_TOOLS_CLI_SEAL_STEP_H_
