// Evidence walker: expands the user's inputs (files, folders, archives, archives
// inside archives) into a tree of evidence nodes, streams each leaf to a
// visitor, and hashes every node (files and archive members) in the same read.
// Nothing is ever extracted to disk; evidence is opened read-only. The only
// libarchive user.
//
// Thread-compatible: one walk at a time per visitor.
#ifndef TERN_CORE_EVIDENCE_WALKER_H_
#define TERN_CORE_EVIDENCE_WALKER_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "core/base/time.h"
#include "core/evidence/byte_stream.h"
#include "core/evidence/hasher.h"
#include "core/model/warning.h"

namespace tern {

struct WalkLimits {
  // Archives nested deeper than this are recorded but not opened. Default: 4.
  int max_archive_depth = 4;
  // A member whose expanded size exceeds ratio × the compressed size of its
  // container (and is above 1 MiB) is cut off as a decompression bomb. Default: 200.
  uint64_t max_expansion_ratio = 200;
  // Absolute cap on the bytes expanded from one top-level input. Default: 64 GiB.
  uint64_t max_expanded_bytes = 64ull << 30;
};

// One node of the evidence tree.
struct EvidenceNode {
  int id = 0;       // walker-local, in visit order (parents before children)
  int parent = -1;  // id of the containing archive; -1 for a top-level file
  int depth = 0;    // 0 for a top-level file
  std::string given_path;     // the command-line input this node came from
  std::string absolute_path;  // absolute path of the top-level file on disk
  std::string member_path;    // path inside the parent archive ("" at top level)
  std::string display;        // "dir/a.zip!inner.tar.gz!x.csv"
  bool is_container = false;
  std::string container_format;  // libarchive's name, e.g. "ZIP 2.0 (deflation)"
  TimeMs mtime_ms = kNoTime;     // top-level files only
};

class EvidenceVisitor {
 public:
  virtual ~EvidenceVisitor() = default;
  // Called as each node is first opened (parents before their members).
  virtual void OnNodeBegin(const EvidenceNode& node) = 0;
  // Called for each leaf (a node that is not an archive). `content` yields its
  // raw bytes; the visitor may stop early — the walker reads the rest so the
  // hash is always over the whole item. A non-OK return is recorded as a
  // warning for the node; the walk continues.
  virtual absl::Status OnLeaf(const EvidenceNode& node, ByteStream& content) = 0;
  // Called once per node when it has been read to the end (containers after
  // their members). `status` is not OK if the node could not be read fully
  // (truncated archive, I/O error); `digests` cover what was read.
  virtual void OnNodeEnd(const EvidenceNode& node, const Digests& digests,
                         const absl::Status& status) = 0;
};

// Walks `input` (a file or a folder, walked recursively in sorted order;
// non-regular files are skipped with a warning). Archives are detected from
// their content, not their names. Problems with single nodes go to `warnings`
// and the walk continues; returns NotFound only if `input` does not exist.
absl::Status WalkEvidence(const std::string& input, const WalkLimits& limits,
                          EvidenceVisitor& visitor, WarningSink& warnings);

}  // namespace tern

#endif  // TERN_CORE_EVIDENCE_WALKER_H_
