#include "tools/cli/seal_step.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/base/status_macros.h"
#include "core/custody/seal.h"
#include "reports/builtin_outputs.h"

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
  SealOptions options;
  options.key = args.key.get();
  options.inputs = args.inputs;
  // Each sealed file is named once, by its owner: the case directory's own
  // files, then every output's.
  options.outputs = CaseDir::SealedFiles();
  for (std::string& name : BuiltinOutputs().FileNames()) options.outputs.push_back(std::move(name));
  const CaseDir sealed(dir);
  TERN_ASSIGN_OR_RETURN(Manifest manifest, SealCase(store, sealed, options, log));
  std::fprintf(out, "manifest  %s%s\n", DisplayPath(sealed.manifest()).c_str(),
               SignedBy(manifest).c_str());
  return absl::OkStatus();
}

}  // namespace tern::cli
