// Private to core/evidence: walks one evidence node and, when it is an
// archive, everything inside it. walker.cc feeds it the files it finds on
// disk; this part never sees a path, only streams.
//
// Thread-compatible: one TreeWalker per walk.
#ifndef TERN_CORE_EVIDENCE_TREE_WALKER_H_
#define TERN_CORE_EVIDENCE_TREE_WALKER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "core/evidence/archive_reader.h"
#include "core/evidence/hasher.h"
#include "core/evidence/walker.h"
#include "core/model/warning.h"

namespace tern::evidence_internal {

// Expansion so far within one top-level input (a bomb budget).
struct InputBudget {
  uint64_t expanded = 0;   // bytes produced by decompression, at every depth
  bool exhausted = false;  // max_expanded_bytes was hit: read nothing more
};

// The bytes of one node.
struct NodeInput {
  HashingStream* stream = nullptr;  // read through it so every byte is hashed
  int fd = -1;                      // the open file, for top-level nodes (lets 7-Zip seek)
  uint64_t size = 0;                // the node's stored (compressed) size if known, else 0
};

class TreeWalker {
 public:
  // All references must outlive the walker.
  TreeWalker(const WalkLimits& limits, EvidenceVisitor& visitor, WarningSink& warnings)
      : limits_(limits), visitor_(visitor), warnings_(warnings) {}
  TreeWalker(const TreeWalker&) = delete;
  TreeWalker& operator=(const TreeWalker&) = delete;

  // Starts the budget of a new top-level input.
  void BeginInput() { budget_ = InputBudget(); }

  // Visits `node` (every field but `id` filled in), reading it from `in`:
  // OnNodeBegin, then OnLeaf or the members, then OnNodeEnd with the digests
  // of everything read through in.stream. Returns the status given to
  // OnNodeEnd.
  absl::Status Walk(EvidenceNode node, const NodeInput& in);

  // Records a node that could not be opened at all: OnNodeBegin, a warning of
  // `kind`, and OnNodeEnd with empty digests and `status`.
  void Unopenable(EvidenceNode node, std::string_view kind, const absl::Status& status);

  void Warn(std::string_view kind, std::string_view source, std::string_view detail);

 private:
  absl::Status WalkLeaf(EvidenceNode node, std::string head, const NodeInput& in);
  absl::Status WalkUnopened(EvidenceNode node, std::string_view kind, std::string_view detail,
                            const NodeInput& in);
  absl::Status WalkArchive(EvidenceNode node, ContainerKind kind, std::string head,
                           const NodeInput& in);
  // Drains and finishes `stream`, then calls OnNodeEnd. A drain error
  // replaces an OK `status`.
  absl::Status End(const EvidenceNode& node, HashingStream* stream, absl::Status status);

  const WalkLimits& limits_;
  EvidenceVisitor& visitor_;
  WarningSink& warnings_;
  InputBudget budget_;
  int next_id_ = 0;
};

}  // namespace tern::evidence_internal

#endif  // TERN_CORE_EVIDENCE_TREE_WALKER_H_
