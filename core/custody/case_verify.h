// `tern verify` as a library: re-hashes a case's evidence against custody
// (looking for moved files under --evidence folders, archive members
// included), checks the case store's checksums, the outputs against
// manifest.json and manifest.sig's Ed25519 signature. The command prints the
// result; nothing here writes to the case. Thread-compatible.
#ifndef TERN_CORE_CUSTODY_CASE_VERIFY_H_
#define TERN_CORE_CUSTODY_CASE_VERIFY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/custody/manifest.h"
#include "core/store/case_store.h"

namespace tern {

struct VerifyOptions {
  // Folders to search for evidence that is no longer at its recorded path.
  std::vector<std::string> evidence_dirs;
  // The trusted signer (hex raw Ed25519 key, LoadPublicKeyHex); "" = check
  // the signature against the key the manifest names, which proves the
  // files match the manifest but not who sealed it.
  std::string trusted_key_hex;
};

struct FileCheck {
  enum class Result {
    kOk,       // same SHA-256 and size at the recorded path
    kFound,    // not at its path, but found with the same SHA-256 and size at found_at
    kChanged,  // other bytes at the recorded path
    kMissing,  // not at its path and not found elsewhere
  };
  std::string role;  // kRoleEvidence, kRoleOutput, kRoleRules, kRoleConfig
  std::string path;  // as recorded
  Result result = Result::kOk;
  std::string detail;    // for kChanged / kMissing: what was found instead
  std::string found_at;  // kFound: "folder/file" or "folder/archive.zip!member"
};

struct SignatureCheck {
  enum class Result {
    kUnsigned,   // no signature and none asked for
    kValid,      // signed by the trusted key
    kUntrusted,  // valid for the key the manifest names; no trusted key given
    kInvalid,    // the signature does not match the manifest (either changed)
    kWrongKey,   // signed by another key than the trusted one
    kMissing,    // a signature is expected (trusted key, or the manifest names a signer) but absent
  };
  Result result = Result::kUnsigned;
  std::string signer;  // hex key the manifest names
};

struct VerifyReport {
  std::vector<FileCheck> evidence;  // top-level evidence files, by path
  std::vector<FileCheck> files;     // manifest outputs, rules and config, by (role, path)
  bool has_manifest = false;
  std::string manifest_problem;  // unreadable manifest: why (a failure)
  absl::Status store;            // RocksDB checksum verification
  SignatureCheck signature;

  // False when anything changed, is missing, or fails verification.
  bool ok() const;
};

// What verify needs of manifest.json and manifest.sig (read by the caller:
// parsing JSON is parsers/documents.h's job). Absent files are nullopt.
struct ManifestOnDisk {
  std::optional<std::string> text;       // manifest.json bytes
  std::optional<Manifest> manifest;      // parsed; nullopt if text is absent or malformed
  std::string parse_error;               // why it is malformed
  std::optional<std::string> signature;  // manifest.sig contents
};

// Verifies the case in `case_dir` whose store is open (read-only) as `store`.
// Returns an error only when the store cannot be read at all; every finding
// about the files is in the report.
absl::StatusOr<VerifyReport> VerifyCase(CaseStore& store, const std::string& case_dir,
                                        const ManifestOnDisk& manifest,
                                        const VerifyOptions& options);

}  // namespace tern

#endif  // TERN_CORE_CUSTODY_CASE_VERIFY_H_
