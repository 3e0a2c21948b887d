// `tern verify`: re-hashes the evidence against custody (finding moved files
// under --evidence folders), checks the case store's checksums, the outputs
// against manifest.json and its signature, read-only. The checks are
// core/custody/case_verify.h, their text reports/verify_text.h.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/case/case_dir.h"
#include "core/custody/case_verify.h"
#include "core/evidence/signature.h"
#include "core/store/case_store.h"
#include "parsers/documents.h"
#include "reports/verify_text.h"
#include "tools/cli/case_steps.h"
#include "tools/cli/command.h"
#include "tools/cli/options.h"

namespace tern::cli {
namespace {

// A store RocksDB finds damaged is a verification result (exit 4), not a
// failure to verify: the examiner must learn the index cannot be trusted.
int StoreCorrupt(std::FILE* out, const absl::Status& status) {
  std::fputs(StoreCorruptText(status).c_str(), out);
  return kExitVerifyFailed;
}

class VerifyCommand : public Command {
 public:
  std::string_view name() const override { return "verify"; }
  std::string_view summary() const override {
    return "re-hash evidence and outputs against custody and the signed manifest";
  }
  std::string synopsis() const override {
    return absl::StrCat(OptionUsage(kCaseOption, "DIR"), " [", OptionUsage(kEvidenceOption, "DIR"),
                        "]... [", OptionUsage(kVerifyKeyOption, "FILE"), "]");
  }

  void DefineOptions(OptionSpec& spec) override {
    AddCaseOption(spec.Group("case options"), &case_dir_, CaseAccess::kReadOnly);
    po::options_description& v = spec.Group("verification options");
    AddOption(v, kEvidenceOption, po::value(&evidence_dirs_)->composing()->value_name("DIR"),
              "folder where moved evidence may be (repeatable): files and archive members are "
              "matched by SHA-256 and size");
    AddOption(v, kVerifyKeyOption, po::value(&verify_key_)->value_name("FILE"),
              "the trusted signer's Ed25519 key (PEM, public or private): manifest.sig must be "
              "its signature");
  }

  absl::Status Validate() override {
    if (verify_key_.empty()) return absl::OkStatus();
    absl::StatusOr<std::string> key = LoadPublicKeyHex(verify_key_);
    if (!key.ok()) return absl::InvalidArgumentError(key.status().message());
    options_.trusted_key_hex = *key;
    return absl::OkStatus();
  }

  int Run(const CommandContext& context) override {
    std::FILE* out = context.out;
    const CaseDir dir(case_dir_);
    absl::StatusOr<std::unique_ptr<CaseStore>> store =
        CaseStore::Open(dir.store(), StoreMode::kReadOnly);
    if (!store.ok()) {
      if (store.status().code() == absl::StatusCode::kDataLoss) {
        return StoreCorrupt(out, store.status());
      }
      return Fatal(context, store.status());
    }
    options_.evidence_dirs = evidence_dirs_;
    absl::StatusOr<VerifyReport> report =
        VerifyCase(**store, case_dir_, ReadManifestOnDisk(dir), options_);
    if (!report.ok()) {
      if (report.status().code() == absl::StatusCode::kDataLoss) {
        return StoreCorrupt(out, report.status());
      }
      return Fatal(context, report.status());
    }
    std::fputs(RenderVerifyText(*report).c_str(), out);
    return report->ok() ? kExitOk : kExitVerifyFailed;
  }

 private:
  std::string case_dir_;
  std::vector<std::string> evidence_dirs_;
  std::string verify_key_;
  VerifyOptions options_;
};

}  // namespace

std::unique_ptr<Command> NewVerifyCommand() { return std::make_unique<VerifyCommand>(); }

}  // namespace tern::cli
