#include "core/custody/manifest.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/base/files.h"
#include "core/base/json_writer.h"
#include "core/base/status_macros.h"
#include "core/evidence/hasher.h"
#include "core/ingest/custody.h"

namespace tern {
namespace fs = std::filesystem;
namespace {

absl::StatusOr<ManifestFile> HashListed(std::string role, const std::string& path,
                                        std::string listed_path) {
  absl::StatusOr<Digests> digests = HashFile(path);
  if (!digests.ok()) {
    return absl::Status(digests.status().code(), absl::StrCat("manifest: cannot hash ", path, ": ",
                                                              digests.status().message()));
  }
  return ManifestFile{std::move(role), std::move(listed_path), digests->sha256, digests->size};
}

bool FileLess(const ManifestFile& a, const ManifestFile& b) {
  return std::tie(a.role, a.path, a.sha256) < std::tie(b.role, b.path, b.sha256);
}

}  // namespace

absl::StatusOr<Manifest> BuildManifest(const std::string& dir,
                                       const std::vector<EvidenceRecord>& evidence,
                                       const ManifestOptions& options) {
  Manifest m;
  m.tool_version = options.tool_version;
  m.store_schema = options.store_schema;
  m.case_id = options.case_id;
  m.examiner = options.examiner;
  if (options.signing_key != nullptr) m.signer_public_key = options.signing_key->public_key_hex();
  for (const std::string& name :
       std::set<std::string>(options.outputs.begin(), options.outputs.end())) {
    const std::string path = CaseDir(dir).File(name);
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) continue;
    TERN_ASSIGN_OR_RETURN(ManifestFile f, HashListed(kRoleOutput, path, name));
    m.files.push_back(std::move(f));
  }
  // Custody already holds the evidence digests; the evidence may be large
  // or gone by now, and `tern verify` re-hashes it anyway.
  std::set<std::tuple<std::string, std::string, uint64_t>> seen;
  for (const EvidenceRecord& r : evidence) {
    if (r.parent != 0 || r.sha256.empty() || r.status == "interrupted") continue;
    if (!seen.emplace(r.absolute_path, r.sha256, r.size).second) continue;
    m.files.push_back(ManifestFile{kRoleEvidence, r.absolute_path, r.sha256, r.size});
  }
  for (const ManifestInput& input : options.inputs) {
    if (!input.sha256.empty()) {
      m.files.push_back(ManifestFile{input.role, input.path, input.sha256, input.size});
      continue;
    }
    TERN_ASSIGN_OR_RETURN(ManifestFile f, HashListed(input.role, input.path, input.path));
    m.files.push_back(std::move(f));
  }
  std::sort(m.files.begin(), m.files.end(), FileLess);
  return m;
}

std::string RenderManifest(const Manifest& m) {
  JsonWriter json(2);
  json.BeginObject();
  json.Key("schema").String(kManifestSchema);
  json.Key("tool").BeginObject();
  json.Key("name").String("tern");
  json.Key("version").String(m.tool_version);
  json.EndObject();
  json.Key("store_schema").Int(m.store_schema);
  json.Key("case").BeginObject();
  json.Key("id").String(m.case_id);
  json.Key("examiner").String(m.examiner);
  json.EndObject();
  json.Key("files").BeginArray();
  for (const ManifestFile& f : m.files) {
    json.BeginObject();
    json.Key("role").String(f.role);
    json.Key("path").String(f.path);
    json.Key("sha256").String(f.sha256);
    json.Key("size").Uint(f.size);
    json.EndObject();
  }
  json.EndArray();
  json.Key("signature").BeginObject();
  json.Key("algorithm").String(m.signer_public_key.empty() ? "none" : "Ed25519");
  json.Key("public_key").String(m.signer_public_key);
  json.Key("file").String(m.signer_public_key.empty() ? "" : kManifestSignatureFile);
  json.EndObject();
  json.EndObject();
  std::string text = json.Take();
  text.push_back('\n');
  return text;
}

absl::StatusOr<Manifest> WriteManifest(const std::string& dir,
                                       const std::vector<EvidenceRecord>& evidence,
                                       const ManifestOptions& options) {
  TERN_ASSIGN_OR_RETURN(Manifest m, BuildManifest(dir, evidence, options));
  const std::string text = RenderManifest(m);
  const std::string sig_path = CaseDir(dir).manifest_signature();
  // The old signature goes first: a crash in between leaves an unsigned
  // manifest, never a signature over other bytes.
  std::error_code ec;
  fs::remove(sig_path, ec);
  if (ec)
    return absl::UnavailableError(absl::StrCat("cannot remove ", sig_path, ": ", ec.message()));
  TERN_RETURN_IF_ERROR(WriteFileAtomically(CaseDir(dir).manifest(), text));
  if (options.signing_key != nullptr) {
    TERN_ASSIGN_OR_RETURN(std::string signature, options.signing_key->Sign(text));
    TERN_RETURN_IF_ERROR(WriteFileAtomically(sig_path, signature + "\n"));
  }
  return m;
}

}  // namespace tern
