// `tern verify`: re-hashes the evidence against custody (finding moved files
// under --evidence folders), checks the case store's checksums, the outputs
// against manifest.json and its signature, read-only. The checks are
// core/custody/case_verify.h; this prints them.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/escape.h"
#include "core/base/strings.h"
#include "core/custody/case_verify.h"
#include "core/evidence/signature.h"
#include "core/ingest/custody.h"
#include "core/store/case_store.h"
#include "parsers/documents.h"
#include "tools/cli/case_steps.h"
#include "tools/cli/command.h"
#include "tools/cli/options.h"

namespace tern::cli {
namespace {

// A store RocksDB finds damaged is a verification result (exit 4), not a
// failure to verify: the examiner must learn the index cannot be trusted.
int StoreCorrupt(std::FILE* out, const absl::Status& status) {
  std::fprintf(out, "STORE     case store is corrupt: %s\n",
               TerminalSafe(ToStd(status.message())).c_str());
  std::fprintf(out, "the case store failed verification; it can be rebuilt from the evidence\n");
  return kExitVerifyFailed;
}

std::optional<std::string> ReadIfPresent(const std::string& path) {
  absl::StatusOr<std::string> text = ReadWholeFile(path);
  return text.ok() ? std::optional<std::string>(*std::move(text)) : std::nullopt;
}

ManifestOnDisk ReadManifest(const std::string& case_dir) {
  ManifestOnDisk on_disk;
  on_disk.text = ReadIfPresent(case_dir + "/" + kManifestFile);
  on_disk.signature = ReadIfPresent(case_dir + "/" + kManifestSignatureFile);
  if (on_disk.text.has_value()) {
    absl::StatusOr<Manifest> parsed = ParseManifest(*on_disk.text);
    if (parsed.ok()) {
      on_disk.manifest = *std::move(parsed);
    } else {
      on_disk.parse_error = ToStd(parsed.status().message());
    }
  }
  return on_disk;
}

void PrintFile(std::FILE* out, const FileCheck& c) {
  const std::string path = TerminalSafe(c.path);
  const char* what = c.role == kRoleEvidence ? "" : (c.role == kRoleOutput ? "output " : "input ");
  switch (c.result) {
    case FileCheck::Result::kOk:
      return;
    case FileCheck::Result::kFound:
      std::fprintf(out, "FOUND     %s: moved, same SHA-256 and size at %s\n", path.c_str(),
                   TerminalSafe(c.found_at).c_str());
      return;
    case FileCheck::Result::kChanged:
      std::fprintf(out, "CHANGED   %s%s: %s\n", what, path.c_str(), TerminalSafe(c.detail).c_str());
      return;
    case FileCheck::Result::kMissing:
      std::fprintf(out, "MISSING   %s%s (%s)\n", what, path.c_str(),
                   TerminalSafe(c.detail).c_str());
      return;
  }
}

void PrintSignature(std::FILE* out, const SignatureCheck& s) {
  using R = SignatureCheck::Result;
  switch (s.result) {
    case R::kUnsigned:
      return;
    case R::kValid:
      std::fprintf(out, "SIGNATURE valid: manifest.json signed by the trusted key %s\n",
                   s.signer.c_str());
      return;
    case R::kUntrusted:
      std::fprintf(out,
                   "SIGNATURE valid for the key manifest.json names (%s); pass --verify-key to "
                   "check it is the signer you trust\n",
                   TerminalSafe(s.signer).c_str());
      return;
    case R::kInvalid:
      std::fprintf(out, "SIGNATURE INVALID: manifest.json or manifest.sig changed\n");
      return;
    case R::kWrongKey:
      std::fprintf(out,
                   "SIGNATURE WRONG KEY: manifest.json was signed by %s, not the trusted key\n",
                   TerminalSafe(s.signer).c_str());
      return;
    case R::kMissing:
      std::fprintf(out, "SIGNATURE MISSING: no valid manifest.sig beside manifest.json\n");
      return;
  }
}

class VerifyCommand : public Command {
 public:
  std::string_view name() const override { return "verify"; }
  std::string_view summary() const override {
    return "re-hash evidence and outputs against custody and the signed manifest";
  }
  std::string_view synopsis() const override {
    return "--case DIR [--evidence DIR]... [--verify-key FILE]";
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
    absl::StatusOr<std::unique_ptr<CaseStore>> store =
        CaseStore::Open(StoreDir(case_dir_), StoreMode::kReadOnly);
    if (!store.ok()) {
      if (store.status().code() == absl::StatusCode::kDataLoss) {
        return StoreCorrupt(out, store.status());
      }
      return Fatal(context, store.status());
    }
    options_.evidence_dirs = evidence_dirs_;
    absl::StatusOr<VerifyReport> report =
        VerifyCase(**store, case_dir_, ReadManifest(case_dir_), options_);
    if (!report.ok()) {
      if (report.status().code() == absl::StatusCode::kDataLoss) {
        return StoreCorrupt(out, report.status());
      }
      return Fatal(context, report.status());
    }
    return Print(out, *report);
  }

 private:
  int Print(std::FILE* out, const VerifyReport& r) {
    size_t bad = 0;
    for (const FileCheck& c : r.evidence) {
      PrintFile(out, c);
      if (c.result == FileCheck::Result::kChanged || c.result == FileCheck::Result::kMissing) ++bad;
    }
    size_t bad_outputs = 0;
    for (const FileCheck& c : r.files) {
      PrintFile(out, c);
      if (c.result != FileCheck::Result::kOk) ++bad_outputs;
    }
    if (!r.store.ok()) {
      std::fprintf(out, "STORE     case store checksum verification failed: %s\n",
                   TerminalSafe(ToStd(r.store.message())).c_str());
    }
    if (!r.manifest_problem.empty()) {
      std::fprintf(out, "MANIFEST  %s\n", TerminalSafe(r.manifest_problem).c_str());
    }
    PrintSignature(out, r.signature);
    if (bad > 0) {
      std::fprintf(out, "%zu of %zu evidence files changed or missing\n", bad, r.evidence.size());
    }
    if (bad_outputs > 0) {
      std::fprintf(out, "%zu of %zu files in manifest.json changed or missing\n", bad_outputs,
                   r.files.size());
    }
    if (!r.ok()) return kExitVerifyFailed;
    std::fprintf(
        out, "all %zu files verified; case store checksums OK; %s\n", r.evidence.size(),
        r.has_manifest ? "outputs match manifest.json" : "no manifest.json (outputs not sealed)");
    return kExitOk;
  }

  std::string case_dir_;
  std::vector<std::string> evidence_dirs_;
  std::string verify_key_;
  VerifyOptions options_;
};

}  // namespace

std::unique_ptr<Command> NewVerifyCommand() { return std::make_unique<VerifyCommand>(); }

}  // namespace tern::cli
