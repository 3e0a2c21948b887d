#include "reports/verify_text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/base/escape.h"
#include "core/base/strings.h"
#include "core/custody/manifest.h"

namespace tern {
namespace {

void AppendFile(std::string& out, const FileCheck& c) {
  const std::string path = TerminalSafe(c.path);
  const char* what = c.role == kRoleEvidence ? "" : (c.role == kRoleOutput ? "output " : "input ");
  switch (c.result) {
    case FileCheck::Result::kOk:
      return;
    case FileCheck::Result::kFound:
      absl::StrAppend(&out, "FOUND     ", path, ": moved, same SHA-256 and size at ",
                      TerminalSafe(c.found_at), "\n");
      return;
    case FileCheck::Result::kChanged:
      absl::StrAppend(&out, "CHANGED   ", what, path, ": ", TerminalSafe(c.detail), "\n");
      return;
    case FileCheck::Result::kMissing:
      absl::StrAppend(&out, "MISSING   ", what, path, " (", TerminalSafe(c.detail), ")\n");
      return;
  }
}

void AppendSignature(std::string& out, const SignatureCheck& s) {
  using R = SignatureCheck::Result;
  switch (s.result) {
    case R::kUnsigned:
      return;
    case R::kValid:
      absl::StrAppend(&out, "SIGNATURE valid: manifest.json signed by the trusted key ", s.signer,
                      "\n");
      return;
    case R::kUntrusted:
      absl::StrAppend(&out, "SIGNATURE valid for the key manifest.json names (",
                      TerminalSafe(s.signer),
                      "); pass --verify-key to check it is the signer you trust\n");
      return;
    case R::kInvalid:
      absl::StrAppend(&out, "SIGNATURE INVALID: manifest.json or manifest.sig changed\n");
      return;
    case R::kWrongKey:
      absl::StrAppend(&out, "SIGNATURE WRONG KEY: manifest.json was signed by ",
                      TerminalSafe(s.signer), ", not the trusted key\n");
      return;
    case R::kMissing:
      absl::StrAppend(&out, "SIGNATURE MISSING: no valid manifest.sig beside manifest.json\n");
      return;
  }
}

}  // namespace

std::string RenderVerifyText(const VerifyReport& r) {
  std::string out;
  size_t bad = 0;
  for (const FileCheck& c : r.evidence) {
    AppendFile(out, c);
    if (c.result == FileCheck::Result::kChanged || c.result == FileCheck::Result::kMissing) ++bad;
  }
  size_t bad_outputs = 0;
  for (const FileCheck& c : r.files) {
    AppendFile(out, c);
    if (c.result != FileCheck::Result::kOk) ++bad_outputs;
  }
  if (!r.store.ok()) {
    absl::StrAppend(&out, "STORE     case store checksum verification failed: ",
                    TerminalSafe(ToStd(r.store.message())), "\n");
  }
  if (!r.manifest_problem.empty()) {
    absl::StrAppend(&out, "MANIFEST  ", TerminalSafe(r.manifest_problem), "\n");
  }
  AppendSignature(out, r.signature);
  if (bad > 0) {
    absl::StrAppendFormat(&out, "%d of %d evidence files changed or missing\n", bad,
                          r.evidence.size());
  }
  if (bad_outputs > 0) {
    absl::StrAppendFormat(&out, "%d of %d files in manifest.json changed or missing\n", bad_outputs,
                          r.files.size());
  }
  if (!r.ok()) return out;
  absl::StrAppendFormat(
      &out, "all %d files verified; case store checksums OK; %s\n", r.evidence.size(),
      r.has_manifest ? "outputs match manifest.json" : "no manifest.json (outputs not sealed)");
  return out;
}

std::string StoreCorruptText(const absl::Status& status) {
  return absl::StrCat(
      "STORE     case store is corrupt: ", TerminalSafe(ToStd(status.message())),
      "\nthe case store failed verification; it can be rebuilt from the evidence\n");
}

}  // namespace tern
