// manifest.json: the legal-hold seal of a case. It lists the SHA-256 and size
// of every output in the case directory (custody.json, findings.json,
// report.html, exports), of every top-level evidence file, and of the rule
// pack and tuning file a run used, with the tool version and store schema.
// Signed with --sign-key, manifest.sig holds the Ed25519 signature of the
// exact bytes of manifest.json (docs/LEGAL_HOLD.md).
//
// Reading a manifest back is parsers/documents.h (JSON lives in parsers/);
// checking one is core/custody/case_verify.h. Plain data and pure functions
// apart from the file writes; thread-compatible.
#ifndef TERN_CORE_CUSTODY_MANIFEST_H_
#define TERN_CORE_CUSTODY_MANIFEST_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/case/case_dir.h"
#include "core/evidence/signature.h"
#include "core/model/evidence_record.h"

namespace tern {

// kManifestFile and kManifestSignatureFile are in core/case/case_dir.h.
inline constexpr char kManifestSchema[] = "tern.manifest/1";

// What a listed file is to the case.
inline constexpr char kRoleOutput[] = "output";      // path relative to the case directory
inline constexpr char kRoleEvidence[] = "evidence";  // absolute path as recorded in custody
inline constexpr char kRoleRules[] = "rules";        // a rule pack file (--rules)
inline constexpr char kRoleConfig[] = "config";      // the tuning file (--config)

struct ManifestFile {
  std::string role;  // kRole*
  std::string path;
  std::string sha256;  // lower-case hex
  uint64_t size = 0;

  bool operator==(const ManifestFile&) const = default;
};

struct Manifest {
  std::string tool_version;
  int store_schema = 0;
  std::string case_id;
  std::string examiner;
  std::vector<ManifestFile> files;  // sorted by (role, path, sha256)
  std::string signer_public_key;    // hex Ed25519 key that signs it; "" = unsigned
};

// A file a run read besides the evidence: the hook for --rules and --config
// (role kRoleRules or kRoleConfig, path as given). With `sha256` set it is
// listed as recorded (the digest and size of the bytes the analysis read,
// kept in the case) and not read again: `tern report` seals the inputs of
// the analysis it reports on.
struct ManifestInput {
  std::string role;
  std::string path;
  std::string sha256;  // lower-case hex; "" = hash the file at `path`
  uint64_t size = 0;
};

struct ManifestOptions {
  std::string tool_version;
  int store_schema = 0;
  std::string case_id;
  std::string examiner;
  // The file names in the directory to seal when present. Their owners name
  // them: CaseDir::SealedFiles() and the output registry
  // (OutputRegistry::FileNames(), reports/output.h); tools/cli/seal_step.cc
  // joins the two.
  std::vector<std::string> outputs;
  std::vector<ManifestInput> inputs;
  const SigningKey* signing_key = nullptr;  // not owned; null = unsigned
};

// Hashes the `options.outputs` present in `dir`, the top-level files of
// `evidence` (as custody recorded them: no re-hashing) and `options.inputs`.
// NotFound/Unavailable naming an input that cannot be read.
absl::StatusOr<Manifest> BuildManifest(const std::string& dir,
                                       const std::vector<EvidenceRecord>& evidence,
                                       const ManifestOptions& options);

// The JSON text of `manifest` (deterministic: same manifest, same bytes).
std::string RenderManifest(const Manifest& manifest);

// Builds the manifest of `dir` and writes dir/manifest.json; with a signing
// key also dir/manifest.sig ("<128 hex digits>\n"), else removes a
// manifest.sig left from an earlier signed run (it would not match).
absl::StatusOr<Manifest> WriteManifest(const std::string& dir,
                                       const std::vector<EvidenceRecord>& evidence,
                                       const ManifestOptions& options);

}  // namespace tern

#endif  // TERN_CORE_CUSTODY_MANIFEST_H_
