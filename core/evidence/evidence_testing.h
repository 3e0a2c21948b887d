// Test helpers for core/evidence: archives built in memory with libarchive's
// writer (temporary folders are tests/testing/temp_dir.h), and a visitor that records what the
// walker did. Test-only; thread-compatible.
#ifndef TERN_CORE_EVIDENCE_EVIDENCE_TESTING_H_
#define TERN_CORE_EVIDENCE_EVIDENCE_TESTING_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "core/evidence/hasher.h"
#include "core/evidence/walker.h"
#include "core/model/warning.h"
#include "tests/testing/temp_dir.h"

namespace tern::testing {

struct ArchiveEntry {
  enum class Type { kFile, kDirectory, kSymlink, kHardlink };
  ArchiveEntry(std::string path, std::string data, Type type = Type::kFile, std::string target = "")
      : path(std::move(path)), data(std::move(data)), type(type), target(std::move(target)) {}

  std::string path;
  std::string data;
  Type type = Type::kFile;
  std::string target;  // for links
};

// Builds an archive in memory. `format`: "zip", "ustar", "gnutar", "7zip", or
// "raw" (a single entry's bytes, for a bare compressed stream). `filter`: "",
// "gzip", "bzip2", "xz" or "zstd". Fails the current test on a libarchive
// error and returns "".
std::string MakeArchive(std::string_view format, std::string_view filter,
                        const std::vector<ArchiveEntry>& entries);

// Lower-case hex SHA-256 of `data` (through MultiHasher, itself tested
// against published vectors).
std::string Sha256(std::string_view data);

// `n` deterministic bytes that do not compress.
std::string Incompressible(size_t n, uint32_t seed);

// What the walker told the visitor about one node.
struct VisitedNode {
  EvidenceNode node;
  bool leaf = false;         // OnLeaf was called
  std::string content;       // the bytes OnLeaf read
  absl::Status read_status;  // the error OnLeaf's reads ended with, if any
  bool ended = false;
  Digests digests;
  absl::Status status;
};

class RecordingVisitor : public EvidenceVisitor {
 public:
  void OnNodeBegin(const EvidenceNode& node) override;
  absl::Status OnLeaf(const EvidenceNode& node, ByteStream& content) override;
  void OnNodeEnd(const EvidenceNode& node, const Digests& digests,
                 const absl::Status& status) override;

  // Returns the node with that display name, or nullptr.
  const VisitedNode* Find(std::string_view display) const;
  std::vector<std::string> LeafDisplays() const;

  // How many bytes OnLeaf reads before returning. Default: everything.
  size_t read_limit = SIZE_MAX;
  // What OnLeaf returns when its reads succeeded.
  absl::Status leaf_result;

  std::vector<std::string> events;  // "begin X", "leaf X", "end X"
  std::vector<VisitedNode> nodes;   // indexed by node id
};

class CollectingSink : public WarningSink {
 public:
  void Report(Warning warning) override { warnings.push_back(std::move(warning)); }
  // Warnings of `kind` (all of them when `kind` is empty).
  std::vector<Warning> OfKind(std::string_view kind) const;

  std::vector<Warning> warnings;
};

}  // namespace tern::testing

#endif  // TERN_CORE_EVIDENCE_EVIDENCE_TESTING_H_
