#include "core/evidence/archive_reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/base/strings.h"

namespace tern::evidence_internal {
namespace {

// How much libarchive gets per read callback.
constexpr size_t kCallbackBytes = 64 * 1024;

// A damaged archive can make libarchive skip header after header; give up
// after this many in a row rather than spin.
constexpr int kMaxSkippedHeaders = 1000;

// True if `head` starts with the string literal `magic` (which may contain NULs).
template <size_t N>
bool HasMagic(std::string_view head, const char (&magic)[N]) {
  const std::string_view m(magic, N - 1);
  return head.size() >= m.size() && head.compare(0, m.size(), m) == 0;
}

// A POSIX/GNU tar header: "ustar" at offset 257 and a valid checksum (the
// byte sum of the 512-byte header with the checksum field read as spaces), so
// a text file that happens to contain "ustar" there is not taken for a tar.
bool IsTarHeader(std::string_view head) {
  if (head.size() < 512 || head.compare(257, 5, "ustar") != 0) return false;
  uint32_t sum = 0;
  for (size_t i = 0; i < 512; ++i) {
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(head[i]);
  }
  // The field: octal digits, optionally space-padded, ended by NUL or space.
  uint32_t stored = 0;
  bool digits = false;
  for (size_t i = 148; i < 156; ++i) {
    const char c = head[i];
    if (c >= '0' && c <= '7') {
      stored = stored * 8 + static_cast<uint32_t>(c - '0');
      digits = true;
    } else if (c == ' ' && !digits) {
      continue;
    } else {
      break;
    }
  }
  return digits && stored == sum;
}

}  // namespace

ContainerKind SniffContainer(std::string_view head) {
  // Four-byte-or-longer signatures first; then tar (which has no leading
  // magic) so a tar whose first file name happens to start "BZh9" is still a
  // tar; then the shorter compressor signatures.
  if (HasMagic(head, "PK\x03\x04") || HasMagic(head, "PK\x05\x06")) {
    return ContainerKind::kZip;
  }
  if (HasMagic(head, "7z\xBC\xAF\x27\x1C")) return ContainerKind::kSevenZip;
  if (HasMagic(head, "\xFD\x37\x7A\x58\x5A\x00")) return ContainerKind::kXz;
  if (HasMagic(head, "\x28\xB5\x2F\xFD")) return ContainerKind::kZstd;
  if (IsTarHeader(head)) return ContainerKind::kTar;
  // gzip: magic plus method 8 (deflate), the only one ever defined.
  if (HasMagic(head, "\x1F\x8B\x08")) return ContainerKind::kGzip;
  // bzip2: "BZh", the block-size digit, then the magic of the first block
  // (digits of pi) or of the end of an empty stream (digits of sqrt(pi)).
  // "BZh9" alone could start a line of text.
  if (head.size() >= 10 && HasMagic(head, "BZh") && head[3] >= '1' && head[3] <= '9') {
    const std::string_view block = head.substr(4, 6);
    if (block == std::string_view("\x31\x41\x59\x26\x53\x59", 6) ||
        block == std::string_view("\x17\x72\x45\x38\x50\x90", 6)) {
      return ContainerKind::kBzip2;
    }
  }
  return ContainerKind::kNone;
}

const char* ContainerKindName(ContainerKind kind) {
  switch (kind) {
    case ContainerKind::kNone:
      return "";
    case ContainerKind::kZip:
      return "zip";
    case ContainerKind::kSevenZip:
      return "7zip";
    case ContainerKind::kTar:
      return "tar";
    case ContainerKind::kGzip:
      return "gzip";
    case ContainerKind::kBzip2:
      return "bzip2";
    case ContainerKind::kXz:
      return "xz";
    case ContainerKind::kZstd:
      return "zstd";
  }
  return "";
}

bool IsCompressedStream(ContainerKind kind) {
  return kind == ContainerKind::kGzip || kind == ContainerKind::kBzip2 ||
         kind == ContainerKind::kXz || kind == ContainerKind::kZstd;
}

absl::StatusOr<int64_t> ArchiveSource::Seek(int64_t, int) {
  return absl::UnimplementedError("source is not seekable");
}

absl::StatusOr<size_t> StreamSource::Read(char* buf, size_t n) {
  if (!error_.ok()) return error_;
  absl::StatusOr<size_t> got = in_->Read(buf, n);
  if (!got.ok()) error_ = got.status();
  return got;
}

absl::StatusOr<size_t> SeekableSource::Read(char* buf, size_t n) {
  if (!error_.ok()) return error_;
  absl::StatusOr<size_t> got = ReadImpl(buf, n);
  if (!got.ok()) error_ = got.status();
  return got;
}

absl::StatusOr<size_t> SeekableSource::ReadImpl(char* buf, size_t n) {
  if (n == 0) return size_t{0};
  if (pos_ < head_.size()) {
    const size_t count = std::min<uint64_t>(n, head_.size() - pos_);
    std::memcpy(buf, head_.data() + pos_, count);
    pos_ += count;
    return count;
  }
  if (pos_ < taken_) {
    // Already hashed on the way past; read again without hashing.
    own_error_ = true;  // until the read succeeds
    if (fd_ < 0) return absl::InternalError("cannot seek back in a stream without a file");
    const size_t want = std::min<uint64_t>(n, taken_ - pos_);
    while (true) {
      const ssize_t got = pread(fd_, buf, want, static_cast<off_t>(pos_));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return absl::ErrnoToStatus(errno, "re-reading archive bytes");
      if (got == 0) return absl::DataLossError("file shrank while it was being read");
      own_error_ = false;
      pos_ += static_cast<uint64_t>(got);
      return static_cast<size_t>(got);
    }
  }
  if (rest_ == nullptr) return size_t{0};
  // A seek forward: take the gap through `rest` so it is hashed in order.
  char scratch[16 * 1024];
  while (taken_ < pos_) {
    const size_t want = std::min<uint64_t>(sizeof(scratch), pos_ - taken_);
    absl::StatusOr<size_t> got = rest_->Read(scratch, want);
    if (!got.ok()) return got.status();
    if (*got == 0) return size_t{0};  // the position is past the end
    taken_ += *got;
  }
  absl::StatusOr<size_t> got = rest_->Read(buf, n);
  if (!got.ok()) return got.status();
  taken_ += *got;
  pos_ += *got;
  return got;
}

absl::StatusOr<int64_t> SeekableSource::Seek(int64_t offset, int whence) {
  int64_t base = 0;
  switch (whence) {
    case SEEK_SET:
      base = 0;
      break;
    case SEEK_CUR:
      base = static_cast<int64_t>(pos_);
      break;
    case SEEK_END:
      base = static_cast<int64_t>(size_);
      break;
    default:
      return absl::InvalidArgumentError("bad seek origin");
  }
  const int64_t target = base + offset;
  if (target < 0) return absl::InvalidArgumentError("seek before the start of the archive");
  pos_ = static_cast<uint64_t>(target);
  return target;
}

// libarchive's C callbacks; a friend of ArchiveReader.
struct ArchiveCallbacks {
  static la_ssize_t Read(struct archive* a, void* client, const void** out) {
    auto* self = static_cast<ArchiveReader*>(client);
    if (self->buf_.size() != kCallbackBytes) self->buf_.resize(kCallbackBytes);
    absl::StatusOr<size_t> got = self->source_->Read(self->buf_.data(), self->buf_.size());
    if (!got.ok()) {
      archive_set_error(a, EIO, "%s", std::string(got.status().message()).c_str());
      return ARCHIVE_FATAL;
    }
    *out = self->buf_.data();
    self->consumed_ += *got;
    return static_cast<la_ssize_t>(*got);
  }

  static la_int64_t Seek(struct archive* a, void* client, la_int64_t offset, int whence) {
    auto* self = static_cast<ArchiveReader*>(client);
    absl::StatusOr<int64_t> pos = self->source_->Seek(offset, whence);
    if (!pos.ok()) {
      archive_set_error(a, EIO, "%s", std::string(pos.status().message()).c_str());
      return ARCHIVE_FATAL;
    }
    return *pos;
  }
};

ArchiveReader::ArchiveReader(ArchiveSource* source) : source_(source) {}

ArchiveReader::~ArchiveReader() {
  if (archive_ != nullptr) archive_read_free(archive_);
}

absl::StatusOr<std::unique_ptr<ArchiveReader>> ArchiveReader::Open(ArchiveSource* source,
                                                                   ContainerKind kind) {
  std::unique_ptr<ArchiveReader> reader(new ArchiveReader(source));
  struct archive* a = archive_read_new();
  if (a == nullptr) return absl::ResourceExhaustedError("libarchive: out of memory");
  reader->archive_ = a;
  // Only the formats the magic bytes promised: libarchive's other bidders
  // (mtree, raw, ...) would happily claim a CSV. "raw" is allowed only under a
  // compressor, where the one member is the decompressed stream itself.
  switch (kind) {
    case ContainerKind::kZip:
      // The streaming reader, not the seeking one: it works the same for a
      // file on disk and for a zip nested in another archive.
      archive_read_support_format_zip_streamable(a);
      break;
    case ContainerKind::kSevenZip:
      archive_read_support_format_7zip(a);
      break;
    case ContainerKind::kTar:
      archive_read_support_format_tar(a);
      break;
    case ContainerKind::kGzip:
    case ContainerKind::kBzip2:
    case ContainerKind::kXz:
    case ContainerKind::kZstd:
      archive_read_support_filter_gzip(a);
      archive_read_support_filter_bzip2(a);
      archive_read_support_filter_xz(a);
      archive_read_support_filter_zstd(a);
      archive_read_support_format_tar(a);
      archive_read_support_format_raw(a);
      break;
    case ContainerKind::kNone:
      return absl::InvalidArgumentError("not an archive");
  }
  archive_read_set_callback_data(a, reader.get());
  archive_read_set_read_callback(a, &ArchiveCallbacks::Read);
  if (source->seekable()) archive_read_set_seek_callback(a, &ArchiveCallbacks::Seek);
  if (archive_read_open1(a) != ARCHIVE_OK) {
    reader->fatal_ = true;
    return reader->ErrorStatus(
        absl::StrCat("not a readable ", ContainerKindName(kind), " archive"));
  }
  return reader;
}

absl::Status ArchiveReader::ErrorStatus(std::string_view what) {
  // Bytes that failed below us were reported by their producer; pass that
  // error up unchanged so it is not mistaken for damage in this archive.
  if (!source_->error().ok()) return source_->error();
  const char* msg = archive_error_string(archive_);
  return absl::DataLossError(
      absl::StrCat(ToAbsl(what), ": ", msg != nullptr ? msg : "unknown error"));
}

absl::StatusOr<bool> ArchiveReader::Next(MemberInfo* info, std::string* warning) {
  warning->clear();
  if (fatal_) return absl::FailedPreconditionError("archive reader already failed");
  struct archive_entry* entry = nullptr;
  int r = ARCHIVE_RETRY;
  for (int attempt = 0; attempt < kMaxSkippedHeaders; ++attempt) {
    r = archive_read_next_header(archive_, &entry);
    if (r == ARCHIVE_OK || r == ARCHIVE_WARN || r == ARCHIVE_EOF || r == ARCHIVE_FATAL) break;
    // ARCHIVE_RETRY / ARCHIVE_FAILED: this header is unusable, the archive is
    // not; note it and move on.
    const char* msg = archive_error_string(archive_);
    absl::StrAppend(warning, warning->empty() ? "" : "; ",
                    "unusable member header skipped: ", msg != nullptr ? msg : "unknown error");
  }
  if (r == ARCHIVE_EOF) return false;
  if (r == ARCHIVE_FATAL || (r != ARCHIVE_OK && r != ARCHIVE_WARN)) {
    fatal_ = true;
    return ErrorStatus("damaged member header");
  }
  if (r == ARCHIVE_WARN) {
    const char* msg = archive_error_string(archive_);
    absl::StrAppend(warning, warning->empty() ? "" : "; ", msg != nullptr ? msg : "warning");
  }

  *info = MemberInfo();
  const char* path = archive_entry_pathname_utf8(entry);
  if (path == nullptr) path = archive_entry_pathname(entry);
  info->path = path != nullptr ? path : "";
  info->encrypted = archive_entry_is_encrypted(entry) != 0;
  info->size_known = archive_entry_size_is_set(entry) != 0;
  info->size = info->size_known ? static_cast<uint64_t>(archive_entry_size(entry)) : 0;
  if (archive_entry_hardlink(entry) != nullptr) {
    info->kind = "hard link";
    return true;
  }
  switch (archive_entry_filetype(entry)) {
    case 0:  // no type recorded (some zip writers): treat as a file
    case AE_IFREG:
      info->regular = true;
      break;
    case AE_IFDIR:
      info->directory = true;
      info->kind = "directory";
      break;
    case AE_IFLNK:
      info->kind = "symbolic link";
      break;
    case AE_IFCHR:
      info->kind = "character device";
      break;
    case AE_IFBLK:
      info->kind = "block device";
      break;
    case AE_IFIFO:
      info->kind = "FIFO";
      break;
    case AE_IFSOCK:
      info->kind = "socket";
      break;
    default:
      info->kind = "unknown file type";
      break;
  }
  return true;
}

absl::StatusOr<size_t> ArchiveReader::ReadData(char* buf, size_t n) {
  if (fatal_) return absl::FailedPreconditionError("archive reader already failed");
  const la_ssize_t got = archive_read_data(archive_, buf, n);
  if (got >= 0) return static_cast<size_t>(got);
  if (got == ARCHIVE_FATAL) fatal_ = true;
  return ErrorStatus("damaged member data");
}

bool ArchiveReader::raw() const { return archive_format(archive_) == ARCHIVE_FORMAT_RAW; }

std::string ArchiveReader::FormatName() const {
  std::string name;
  // Filter count-1 is the client pseudo-filter, 0 the one next to the format.
  for (int i = archive_filter_count(archive_) - 1; i >= 0; --i) {
    const char* filter = archive_filter_name(archive_, i);
    if (filter == nullptr || std::strcmp(filter, "none") == 0) continue;
    absl::StrAppend(&name, name.empty() ? "" : " + ", filter);
  }
  if (raw() && !name.empty()) return name;
  const char* format = archive_format_name(archive_);
  if (format == nullptr) return name;
  absl::StrAppend(&name, name.empty() ? "" : " + ", format);
  return name;
}

}  // namespace tern::evidence_internal
