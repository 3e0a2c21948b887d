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
  int id = 0;                 // walker-local, in visit order (parents before children)
  int parent = -1;            // id of the containing archive; -1 for a top-level file
  int depth = 0;              // 0 for a top-level file
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
//
// Details:
//  - Folders are walked in byte-wise order of names. Inside a folder, symbolic
//    links are not followed (they could lead out of the evidence or loop);
//    FIFOs, sockets and devices are never opened. A symlink named as `input`
//    itself is followed.
//  - Containers are recognized by magic bytes only (zip, 7-Zip, tar with a
//    valid header checksum, gzip, bzip2, xz, zstd). A lone compressed file
//    ("ual.csv.gz") is a container with one member named after it minus the
//    suffix ("ual.csv"); a compressed tar lists the tar's members directly.
//    container_format is libarchive's name ("ZIP 2.0 (deflation)", "7-Zip",
//    "gzip + GNU tar format", "gzip"), or the short kind ("zip") for an
//    archive that was not opened. Member paths are kept verbatim ("../x" is
//    only a name: nothing is ever extracted).
//  - Directory members are skipped silently; links, devices and FIFOs inside
//    archives and encrypted members are skipped with a warning.
//  - A 7-Zip archive nested in another archive is read from memory (libarchive
//    must seek in it); above 256 MiB it is hashed but not opened.
//  - Limits: an archive deeper than max_archive_depth is hashed, not opened.
//    A member is cut off (its OnNodeEnd gets ResourceExhausted, digests cover
//    the bytes before the cut) once it expands beyond max(1 MiB,
//    max_expansion_ratio x its container's compressed size); later members
//    are still read. max_expanded_bytes is a budget per top-level file,
//    counting decompressed bytes at every depth; when it runs out nothing more
//    of that file is expanded and its containers end with ResourceExhausted.
//  - A damaged archive ends with DataLoss naming the container and member;
//    members read before the damage keep their results (libarchive's gzip
//    reader loses up to the last 64 KiB of output before a truncation).
//  - A node that could not be opened at all ends with empty digests.
//
// Warning kinds (Warning::source is the node's display name):
//   unreadable-file      a file or folder could not be opened, listed or read
//   skipped-non-regular  symlink / FIFO / device / socket, on disk or in an archive
//   encrypted-member     an encrypted archive member (no passphrase is tried)
//   corrupt-archive      libarchive found the archive damaged
//   archive-warning      a non-fatal complaint from libarchive
//   archive-depth-limit  nested deeper than max_archive_depth; hashed only
//   archive-not-opened   nested 7-Zip archive too large to read from memory
//   decompression-limit  a member or the input hit an expansion limit
//   empty-archive        an archive that lists no members at all
//   leaf-error           EvidenceVisitor::OnLeaf returned an error
absl::Status WalkEvidence(const std::string& input, const WalkLimits& limits,
                          EvidenceVisitor& visitor, WarningSink& warnings);

}  // namespace tern

#endif  // TERN_CORE_EVIDENCE_WALKER_H_
