// Private to core/evidence: the one place that talks to libarchive.
//
// SniffContainer() decides from magic bytes whether a stream is an archive at
// all (so CSV/JSON never reach libarchive); ArchiveReader then lists members
// and streams their bytes from an ArchiveSource, never touching the disk.
// Thread-compatible: one reader per stream.
#ifndef TERN_CORE_EVIDENCE_ARCHIVE_READER_H_
#define TERN_CORE_EVIDENCE_ARCHIVE_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/evidence/byte_stream.h"

struct archive;

namespace tern::evidence_internal {

enum class ContainerKind { kNone, kZip, kSevenZip, kTar, kGzip, kBzip2, kXz, kZstd };

// Bytes SniffContainer() wants to see (tar's "ustar" sits at offset 257).
inline constexpr size_t kSniffBytes = 512;

// Classifies `head` (the first kSniffBytes of a stream, fewer if shorter) by
// magic bytes only; kNone for anything that is not a supported container.
ContainerKind SniffContainer(std::string_view head);

// Short name for custody and messages: "zip", "7zip", "tar", "gzip", ...
const char* ContainerKindName(ContainerKind kind);

// True for single-stream compressors (gzip, bzip2, xz, zstd).
bool IsCompressedStream(ContainerKind kind);

// The bytes libarchive reads. Remembers the first error it returned, so the
// caller can tell "the archive is damaged" from "the bytes under it failed"
// (already reported by whoever produced them).
class ArchiveSource {
 public:
  virtual ~ArchiveSource() = default;
  virtual absl::StatusOr<size_t> Read(char* buf, size_t n) = 0;
  virtual bool seekable() const { return false; }
  // REQUIRES: seekable(). Moves the read position; returns the new offset.
  virtual absl::StatusOr<int64_t> Seek(int64_t offset, int whence);
  const absl::Status& error() const { return error_; }
  // True if error() arose in this source itself (not in the stream under it),
  // so nobody has reported it yet.
  bool own_error() const { return own_error_; }

 protected:
  absl::Status error_;
  bool own_error_ = false;
};

// A forward-only source over `in` (not owned).
class StreamSource : public ArchiveSource {
 public:
  explicit StreamSource(ByteStream* in) : in_(in) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override;

 private:
  ByteStream* in_;
};

// A seekable source for formats whose index sits at the end (7-Zip).
// Offsets [0, head.size()) come from `head`; later bytes arrive in order from
// `rest` (not owned; may be null when `head` is everything), so whoever hashes
// `rest` still sees every byte exactly once and in order. When libarchive
// seeks back over bytes already taken from `rest`, they are re-read from `fd`
// with pread (fd < 0: not possible, reported as Internal). A seek forward past
// unread bytes reads and discards them through `rest`. `size` is the total
// length, used for SEEK_END. Does not own `fd`.
class SeekableSource : public ArchiveSource {
 public:
  SeekableSource(std::string head, ByteStream* rest, int fd, uint64_t size)
      : head_(std::move(head)), rest_(rest), fd_(fd), size_(size), taken_(head_.size()) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override;
  bool seekable() const override { return true; }
  absl::StatusOr<int64_t> Seek(int64_t offset, int whence) override;

 private:
  absl::StatusOr<size_t> ReadImpl(char* buf, size_t n);

  std::string head_;
  ByteStream* rest_;
  int fd_;
  uint64_t size_;
  uint64_t taken_;  // end of the bytes taken so far (head + rest)
  uint64_t pos_ = 0;
};

// What a member header says.
struct MemberInfo {
  std::string path;        // verbatim from the archive ("data" for raw streams)
  bool regular = false;    // a file with data we can read
  bool directory = false;  // carries no bytes
  std::string kind;        // for non-regular members: "symbolic link", ...
  bool encrypted = false;
  bool size_known = false;
  uint64_t size = 0;
};

class ArchiveReader {
 public:
  // Starts reading `source` (not owned; must outlive the reader) as `kind`.
  // Returns DataLoss if libarchive does not recognize the bytes as that kind,
  // or the source's own error if reading it failed.
  static absl::StatusOr<std::unique_ptr<ArchiveReader>> Open(ArchiveSource* source,
                                                             ContainerKind kind);
  ~ArchiveReader();
  ArchiveReader(const ArchiveReader&) = delete;
  ArchiveReader& operator=(const ArchiveReader&) = delete;

  // Advances to the next member. Returns false at the end of the archive.
  // Errors: DataLoss for a damaged archive, or the source's error.
  // `warning` receives libarchive's non-fatal complaint, if any.
  absl::StatusOr<bool> Next(MemberInfo* info, std::string* warning);

  // Reads the current member's bytes; 0 at its end. Errors as for Next().
  absl::StatusOr<size_t> ReadData(char* buf, size_t n);

  // True once libarchive is in its fatal state: no further call can succeed.
  bool fatal() const { return fatal_; }
  // True when the archive is one compressed stream (libarchive's "raw").
  bool raw() const;
  // libarchive's description, outermost filter first: "gzip + GNU tar format",
  // "ZIP 2.0 (deflation)", "7-Zip", or just "gzip" for a raw stream.
  std::string FormatName() const;
  // Bytes libarchive has pulled from the source (the compressed side).
  uint64_t consumed() const { return consumed_; }

 private:
  explicit ArchiveReader(ArchiveSource* source);
  absl::Status ErrorStatus(std::string_view what);

  friend struct ArchiveCallbacks;  // libarchive's C callbacks, in the .cc

  ArchiveSource* source_;
  struct archive* archive_ = nullptr;
  std::string buf_;
  uint64_t consumed_ = 0;
  bool fatal_ = false;
};

}  // namespace tern::evidence_internal

#endif  // TERN_CORE_EVIDENCE_ARCHIVE_READER_H_
