// The archive layer: WalkEvidence over the fuzz input as a file (an
// anonymous in-memory file, so nothing touches the disk), with the walker's
// bomb limits lowered to keep each run fast. Checks the walk's contract:
// every node begins once and ends once, members between their container's
// begin and end, and leaves are read to the end without error from a
// well-behaved file.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/evidence/walker.h"
#include "fuzz/fuzz_util.h"

namespace {

class CheckingVisitor : public tern::EvidenceVisitor {
 public:
  void OnNodeBegin(const tern::EvidenceNode& node) override {
    TERN_FUZZ_CHECK(node.id == static_cast<int>(state_.size()));
    if (node.parent >= 0) {
      TERN_FUZZ_CHECK(node.parent < node.id);
      TERN_FUZZ_CHECK(state_[node.parent] == kOpen);
      TERN_FUZZ_CHECK(node.depth >= 1);
    }
    state_.push_back(kOpen);
  }
  absl::Status OnLeaf(const tern::EvidenceNode& node, tern::ByteStream& content) override {
    TERN_FUZZ_CHECK(node.id >= 0 && node.id < static_cast<int>(state_.size()));
    char buf[4096];
    while (true) {
      absl::StatusOr<size_t> got = content.Read(buf, sizeof(buf));
      if (!got.ok()) return got.status();
      if (*got == 0) return absl::OkStatus();
      TERN_FUZZ_CHECK(*got <= sizeof(buf));
    }
  }
  void OnNodeEnd(const tern::EvidenceNode& node, const tern::Digests& digests,
                 const absl::Status& status) override {
    TERN_FUZZ_CHECK(node.id >= 0 && node.id < static_cast<int>(state_.size()));
    TERN_FUZZ_CHECK(state_[node.id] == kOpen);
    state_[node.id] = kEnded;
    // Digests cover what was read: all of them or none.
    TERN_FUZZ_CHECK(digests.sha256.empty() || digests.sha256.size() == 64);
    if (node.parent < 0) {
      // The top-level file is a healthy memfd: it is always hashed whole.
      TERN_FUZZ_CHECK(digests.size == file_size);
    }
    (void)status;
  }
  bool AllEnded() const {
    for (State s : state_) {
      if (s != kEnded) return false;
    }
    return true;
  }
  uint64_t file_size = 0;

 private:
  enum State { kOpen, kEnded };
  std::vector<State> state_;
};

class Sink : public tern::WarningSink {
 public:
  void Report(tern::Warning warning) override { TERN_FUZZ_CHECK(!warning.kind.empty()); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const int fd = memfd_create("fuzz-evidence", MFD_CLOEXEC);
  TERN_FUZZ_CHECK(fd >= 0);
  size_t done = 0;
  while (done < size) {
    const ssize_t n = write(fd, data + done, size - done);
    TERN_FUZZ_CHECK(n > 0);
    done += static_cast<size_t>(n);
  }
  tern::WalkLimits limits;
  limits.max_archive_depth = 3;
  limits.max_expansion_ratio = 50;
  limits.max_expanded_bytes = uint64_t{8} << 20;
  CheckingVisitor visitor;
  visitor.file_size = size;
  Sink warnings;
  const absl::Status status =
      tern::WalkEvidence(absl::StrCat("/proc/self/fd/", fd), limits, visitor, warnings);
  TERN_FUZZ_CHECK(status.ok());
  TERN_FUZZ_CHECK(visitor.AllEnded());
  close(fd);
  return 0;
}
