#include "core/custody/case_verify.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/base/status_macros.h"
#include "core/evidence/hasher.h"
#include "core/evidence/signature.h"
#include "core/evidence/walker.h"

namespace tern {
namespace {

using Result = FileCheck::Result;
using Key = std::pair<std::string, uint64_t>;  // (sha256, size)

// Every file and archive member under the --evidence folders by SHA-256 and
// size, the first place each was seen in walk order. Built on first need:
// it hashes everything there.
class EvidenceFinder : public EvidenceVisitor, public WarningSink {
 public:
  explicit EvidenceFinder(std::vector<std::string> dirs) : dirs_(std::move(dirs)) {}

  // Where `key` is, or "".
  std::string Find(const Key& key) {
    if (!walked_) {
      walked_ = true;
      for (const std::string& dir : dirs_) {
        // A folder that does not exist finds nothing; verify says MISSING.
        (void)WalkEvidence(dir, WalkLimits(), *this, *this);
      }
    }
    auto it = found_.find(key);
    return it == found_.end() ? "" : it->second;
  }

  void OnNodeBegin(const EvidenceNode&) override {}
  absl::Status OnLeaf(const EvidenceNode&, ByteStream&) override { return absl::OkStatus(); }
  void OnNodeEnd(const EvidenceNode& node, const Digests& digests,
                 const absl::Status& status) override {
    if (status.ok() && !digests.sha256.empty()) {
      found_.emplace(Key(digests.sha256, digests.size), node.display);
    }
  }
  void Report(Warning) override {}

 private:
  std::vector<std::string> dirs_;
  bool walked_ = false;
  std::map<Key, std::string> found_;
};

// Checks one file against its recorded digest at `path`.
FileCheck CheckAt(std::string role, std::string recorded_path, const std::string& path,
                  const std::string& sha256, uint64_t size) {
  FileCheck check{std::move(role), std::move(recorded_path)};
  absl::StatusOr<Digests> actual = HashFile(path);
  if (!actual.ok()) {
    check.result = Result::kMissing;
    check.detail = std::string(actual.status().message());
  } else if (actual->sha256 != sha256 || actual->size != size) {
    check.result = Result::kChanged;
    check.detail = absl::StrCat("recorded sha256 ", sha256, " (", size, " bytes), now ",
                                actual->sha256, " (", actual->size, " bytes)");
  }
  return check;
}

SignatureCheck CheckSignature(const ManifestOnDisk& on_disk, const std::string& trusted) {
  SignatureCheck check;
  const std::string signer =
      on_disk.manifest.has_value() ? on_disk.manifest->signer_public_key : "";
  check.signer = signer;
  if (!on_disk.signature.has_value()) {
    const bool expected = !trusted.empty() || !signer.empty();
    check.result = expected ? SignatureCheck::Result::kMissing : SignatureCheck::Result::kUnsigned;
    return check;
  }
  const std::string_view text =
      on_disk.text.has_value() ? std::string_view(*on_disk.text) : std::string_view();
  std::string_view sig = *on_disk.signature;
  while (!sig.empty() && (sig.back() == '\n' || sig.back() == '\r' || sig.back() == ' ')) {
    sig.remove_suffix(1);
  }
  auto valid = [&](const std::string& key) {
    absl::StatusOr<bool> ok = VerifySignature(key, text, sig);
    return ok.ok() && *ok;
  };
  if (!trusted.empty()) {
    if (valid(trusted)) {
      check.result = SignatureCheck::Result::kValid;
    } else if (!signer.empty() && signer != trusted && valid(signer)) {
      check.result = SignatureCheck::Result::kWrongKey;
    } else {
      check.result = SignatureCheck::Result::kInvalid;
    }
    return check;
  }
  check.result =
      valid(signer) ? SignatureCheck::Result::kUntrusted : SignatureCheck::Result::kInvalid;
  return check;
}

bool Good(const FileCheck& c) { return c.result == Result::kOk || c.result == Result::kFound; }

}  // namespace

bool VerifyReport::ok() const {
  if (!store.ok() || !manifest_problem.empty()) return false;
  if (!std::all_of(evidence.begin(), evidence.end(), Good)) return false;
  for (const FileCheck& f : files) {
    if (f.result != Result::kOk) return false;
  }
  using S = SignatureCheck::Result;
  return signature.result == S::kUnsigned || signature.result == S::kValid ||
         signature.result == S::kUntrusted;
}

absl::StatusOr<VerifyReport> VerifyCase(CaseStore& store, const std::string& case_dir,
                                        const ManifestOnDisk& on_disk,
                                        const VerifyOptions& options) {
  VerifyReport report;
  TERN_ASSIGN_OR_RETURN(std::vector<EvidenceRecord> records, store.ListEvidence());
  // Every top-level file the case recorded, once per (path, SHA-256, size).
  std::set<std::tuple<std::string, std::string, uint64_t>> files;
  for (const EvidenceRecord& r : records) {
    if (r.parent == 0 && !r.sha256.empty()) files.emplace(r.absolute_path, r.sha256, r.size);
  }
  EvidenceFinder finder(options.evidence_dirs);
  for (const auto& [path, sha256, size] : files) {
    FileCheck check = CheckAt(kRoleEvidence, path, path, sha256, size);
    if (check.result != Result::kOk && !options.evidence_dirs.empty()) {
      std::string where = finder.Find(Key(sha256, size));
      if (!where.empty()) {
        check.result = Result::kFound;
        check.found_at = std::move(where);
      }
    }
    report.evidence.push_back(std::move(check));
  }
  report.store = store.VerifyChecksums();

  report.has_manifest = on_disk.text.has_value();
  if (report.has_manifest && !on_disk.manifest.has_value()) {
    report.manifest_problem = on_disk.parse_error;
  }
  if (on_disk.manifest.has_value()) {
    for (const ManifestFile& f : on_disk.manifest->files) {
      if (f.role == kRoleEvidence) continue;  // re-hashed above, from custody
      const std::string path = f.role == kRoleOutput ? CaseDir(case_dir).File(f.path) : f.path;
      report.files.push_back(CheckAt(f.role, f.path, path, f.sha256, f.size));
    }
  }
  report.signature = CheckSignature(on_disk, options.trusted_key_hex);
  return report;
}

}  // namespace tern
