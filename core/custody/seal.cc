#include "core/custody/seal.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "core/base/status_macros.h"
#include "core/base/version.h"

namespace tern {

absl::StatusOr<Manifest> SealCase(CaseStore& store, const CaseDir& dir, const SealOptions& options,
                                  RunLog* log) {
  TERN_ASSIGN_OR_RETURN(std::vector<EvidenceRecord> evidence, store.ListEvidence());
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> case_id, store.GetMeta("case_id"));
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> examiner, store.GetMeta("examiner"));
  ManifestOptions manifest_options;
  manifest_options.tool_version = ToolVersion();
  manifest_options.store_schema = store.schema_version();
  manifest_options.case_id = case_id.value_or("");
  manifest_options.examiner = examiner.value_or("");
  manifest_options.outputs = options.outputs;
  manifest_options.inputs = options.inputs;
  manifest_options.signing_key = options.key;
  TERN_ASSIGN_OR_RETURN(Manifest manifest, WriteManifest(dir.root(), evidence, manifest_options));
  if (log != nullptr) {
    log->Line("INFO", absl::StrCat("wrote ", DisplayPath(dir.manifest()), ": ",
                                   manifest.files.size(), " files", SignedBy(manifest)));
  }
  return manifest;
}

std::string SignedBy(const Manifest& manifest) {
  if (manifest.signer_public_key.empty()) return "";
  return absl::StrCat(" (signed by ", manifest.signer_public_key, ")");
}

}  // namespace tern
