#include "tools/cli/seal_step.h"

#include <filesystem>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/status_macros.h"
#include "tools/cli/case_steps.h"

namespace tern::cli {

void AddSealOptions(OptionSpec& spec, SealArgs* args) {
  po::options_description& group = spec.Group("legal hold");
  AddOption(group, kSignKeyOption, po::value(&args->sign_key_path)->value_name("FILE"),
            "sign manifest.json with this Ed25519 private key (PEM, e.g. from `openssl genpkey "
            "-algorithm ed25519`) into manifest.sig");
}

absl::Status LoadSealKey(SealArgs* args) {
  if (args->sign_key_path.empty()) return absl::OkStatus();
  absl::StatusOr<std::unique_ptr<SigningKey>> key = SigningKey::Load(args->sign_key_path);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", kSignKeyOption, ": ", key.status().message()));
  }
  args->key = *std::move(key);
  return absl::OkStatus();
}

absl::Status SealOutputs(CaseStore& store, const std::string& dir, const SealArgs& args,
                         RunLog* log, std::FILE* out) {
  TERN_ASSIGN_OR_RETURN(std::vector<EvidenceRecord> evidence, store.ListEvidence());
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> case_id, store.GetMeta("case_id"));
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> examiner, store.GetMeta("examiner"));
  ManifestOptions options;
  options.tool_version = ToolVersion();
  options.store_schema = kStoreSchemaVersion;
  options.case_id = case_id.value_or("");
  options.examiner = examiner.value_or("");
  options.inputs = args.inputs;
  options.signing_key = args.key.get();
  TERN_ASSIGN_OR_RETURN(Manifest manifest, WriteManifest(dir, evidence, options));
  const std::string path =
      std::filesystem::absolute(dir + "/" + kManifestFile).lexically_normal().string();
  const std::string signed_by =
      args.key != nullptr ? absl::StrCat(" (signed by ", manifest.signer_public_key, ")") : "";
  if (log != nullptr) {
    log->Line("INFO",
              absl::StrCat("wrote ", path, ": ", manifest.files.size(), " files", signed_by));
  }
  std::fprintf(out, "manifest  %s%s\n", path.c_str(), signed_by.c_str());
  return absl::OkStatus();
}

}  // namespace tern::cli
