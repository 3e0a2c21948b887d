#include "core/evidence/tree_walker.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/base/strings.h"
#include "core/evidence/byte_stream.h"

namespace tern::evidence_internal {
namespace {

// A member is never cut below this size whatever the ratio says: a tiny
// archive holding a modest, very repetitive CSV is not a bomb.
constexpr uint64_t kBombFloorBytes = uint64_t{1} << 20;

// libarchive must seek to a 7-Zip archive's index at its end. A 7-Zip archive
// inside another archive is therefore read into memory first; larger ones are
// recorded and hashed but not opened.
constexpr uint64_t kMaxBufferedArchiveBytes = uint64_t{256} << 20;

uint64_t SaturatingMul(uint64_t a, uint64_t b) {
  if (a != 0 && b > UINT64_MAX / a) return UINT64_MAX;
  return a * b;
}

// The name of the single member of a compressed stream ("ual.csv.gz" holds
// "ual.csv"): gzip headers rarely carry a trustworthy name, so derive it from
// the container's own name. Names without a known suffix are kept as they are.
std::string RawMemberName(const EvidenceNode& container) {
  std::string_view name = container.depth == 0 ? container.display : container.member_path;
  const size_t slash = name.find_last_of('/');
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  static constexpr std::pair<std::string_view, std::string_view> kSuffixes[] = {
      {".tgz", ".tar"},  {".tbz2", ".tar"}, {".tbz", ".tar"}, {".txz", ".tar"},
      {".tzst", ".tar"}, {".gzip", ""},     {".gz", ""},      {".bzip2", ""},
      {".bz2", ""},      {".xz", ""},       {".zstd", ""},    {".zst", ""}};
  for (const auto& [suffix, replacement] : kSuffixes) {
    if (name.size() > suffix.size() && absl::EndsWithIgnoreCase(ToAbsl(name), ToAbsl(suffix))) {
      return absl::StrCat(ToAbsl(name.substr(0, name.size() - suffix.size())), ToAbsl(replacement));
    }
  }
  return std::string(name);
}

// Hands the visitor a leaf's bytes and remembers whether reading them failed,
// so a visitor that only passes the read error back is not reported twice.
class LeafStream : public ByteStream {
 public:
  explicit LeafStream(ByteStream* in) : in_(in) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    absl::StatusOr<size_t> got = in_->Read(buf, n);
    if (!got.ok()) failed_ = true;
    return got;
  }
  bool failed() const { return failed_; }

 private:
  ByteStream* in_;
  bool failed_ = false;
};

// One archive member's bytes as libarchive expands them, with the bomb
// limits applied. Errors are sticky. Reports what it causes itself: a cut
// ("decompression-limit") or damage in its archive ("corrupt-archive").
class MemberStream : public ByteStream {
 public:
  MemberStream(ArchiveReader* reader, const ArchiveSource* source, uint64_t container_size,
               std::string display, const WalkLimits& limits, InputBudget* budget,
               TreeWalker* walker)
      : reader_(reader),
        source_(source),
        container_size_(container_size),
        display_(std::move(display)),
        limits_(limits),
        budget_(budget),
        walker_(walker) {}

  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    if (!status_.ok()) return status_;
    if (budget_->exhausted) {
      status_ = absl::ResourceExhaustedError(
          absl::StrCat(display_, ": not read further: the input reached its decompression limit"));
      return status_;
    }
    absl::StatusOr<size_t> got = reader_->ReadData(buf, n);
    if (!got.ok()) {
      status_ = got.status();
      if (source_->error().ok()) {
        // The archive itself is damaged here (not the bytes under it).
        damaged_ = true;
        status_ = absl::DataLossError(absl::StrCat(display_, ": ", got.status().message()));
        walker_->Warn("corrupt-archive", display_, ToStd(got.status().message()));
      }
      return status_;
    }
    size_t keep = *got;
    if (keep == 0) return keep;

    // The container's compressed size: as stored when known, and never less
    // than what libarchive has actually consumed of it.
    const uint64_t base = std::max(container_size_, reader_->consumed());
    const uint64_t member_limit =
        std::max(kBombFloorBytes, SaturatingMul(limits_.max_expansion_ratio, base));
    std::string why;
    if (expanded_ + keep > member_limit) {
      keep = static_cast<size_t>(member_limit - expanded_);
      why = absl::StrCat("member expanded beyond ", limits_.max_expansion_ratio,
                         " times the compressed size of its container (", base,
                         " bytes); cut off after ", member_limit,
                         " bytes, the other members are still read");
    }
    if (budget_->expanded + keep > limits_.max_expanded_bytes) {
      keep = static_cast<size_t>(limits_.max_expanded_bytes - budget_->expanded);
      budget_->exhausted = true;
      why = absl::StrCat("input expanded beyond the cap of ", limits_.max_expanded_bytes,
                         " bytes; cut off here, the rest of this input is not expanded");
    }
    expanded_ += keep;
    budget_->expanded += keep;
    if (!why.empty()) {
      status_ = absl::ResourceExhaustedError(
          absl::StrCat(display_, ": decompression limit reached after ", expanded_, " bytes"));
      walker_->Warn("decompression-limit", display_, why);
      if (keep == 0) return status_;
    }
    return keep;
  }

  // True if libarchive found this member's data damaged.
  bool damaged() const { return damaged_; }
  const absl::Status& status() const { return status_; }

 private:
  ArchiveReader* reader_;
  const ArchiveSource* source_;
  uint64_t container_size_;
  std::string display_;
  const WalkLimits& limits_;
  InputBudget* budget_;
  TreeWalker* walker_;
  uint64_t expanded_ = 0;
  absl::Status status_;
  bool damaged_ = false;
};

}  // namespace

void TreeWalker::Warn(std::string_view kind, std::string_view source, std::string_view detail) {
  warnings_.Report(Warning{std::string(kind), std::string(source), 0, std::string(detail)});
}

absl::Status TreeWalker::End(const EvidenceNode& node, HashingStream* stream, absl::Status status) {
  absl::StatusOr<Digests> drained = stream->DrainAndFinish();
  Digests digests = drained.ok() ? *std::move(drained) : stream->Finish();
  if (!drained.ok() && status.ok()) status = drained.status();
  visitor_.OnNodeEnd(node, digests, status);
  return status;
}

void TreeWalker::Unopenable(EvidenceNode node, std::string_view kind, const absl::Status& status) {
  node.id = next_id_++;
  visitor_.OnNodeBegin(node);
  Warn(kind, node.display, ToStd(status.message()));
  visitor_.OnNodeEnd(node, Digests(), status);
}

absl::Status TreeWalker::Walk(EvidenceNode node, const NodeInput& in) {
  node.id = next_id_++;
  std::string head;
  absl::Status read = ReadUpTo(*in.stream, kSniffBytes, &head);
  if (!read.ok()) {
    visitor_.OnNodeBegin(node);
    return End(node, in.stream, read);
  }
  const ContainerKind kind = SniffContainer(head);
  if (kind == ContainerKind::kNone) return WalkLeaf(std::move(node), std::move(head), in);

  node.is_container = true;
  node.container_format = ContainerKindName(kind);
  if (node.depth > limits_.max_archive_depth) {
    return WalkUnopened(
        std::move(node), "archive-depth-limit",
        absl::StrCat("archive nested ", node.depth, " deep, beyond the limit of ",
                     limits_.max_archive_depth, "; recorded and hashed but not opened"),
        in);
  }
  return WalkArchive(std::move(node), kind, std::move(head), in);
}

absl::Status TreeWalker::WalkLeaf(EvidenceNode node, std::string head, const NodeInput& in) {
  visitor_.OnNodeBegin(node);
  ReplayStream replay(std::move(head), in.stream);
  LeafStream content(&replay);
  const absl::Status visited = visitor_.OnLeaf(node, content);
  // A read failure is reported by the stream that failed; only the visitor's
  // own failures are news here.
  if (!visited.ok() && !content.failed()) Warn("leaf-error", node.display, visited.ToString());
  return End(node, in.stream, absl::OkStatus());
}

absl::Status TreeWalker::WalkUnopened(EvidenceNode node, std::string_view kind,
                                      std::string_view detail, const NodeInput& in) {
  visitor_.OnNodeBegin(node);
  Warn(kind, node.display, detail);
  return End(node, in.stream, absl::OkStatus());
}

absl::Status TreeWalker::WalkArchive(EvidenceNode node, ContainerKind kind, std::string head,
                                     const NodeInput& in) {
  std::unique_ptr<ReplayStream> replay;
  std::unique_ptr<ArchiveSource> source;
  if (kind != ContainerKind::kSevenZip) {
    replay = std::make_unique<ReplayStream>(std::move(head), in.stream);
    source = std::make_unique<StreamSource>(replay.get());
  } else if (in.fd >= 0) {
    source = std::make_unique<SeekableSource>(std::move(head), in.stream, in.fd, in.size);
  } else {
    absl::Status read = ReadUpTo(*in.stream, kMaxBufferedArchiveBytes + 1, &head);
    if (!read.ok()) {
      visitor_.OnNodeBegin(node);
      return End(node, in.stream, read);
    }
    if (head.size() > kMaxBufferedArchiveBytes) {
      return WalkUnopened(
          std::move(node), "archive-not-opened",
          absl::StrCat("7-Zip archive inside another archive is larger than ",
                       kMaxBufferedArchiveBytes,
                       " bytes and cannot be read without seeking; recorded and hashed but not "
                       "opened"),
          in);
    }
    const uint64_t size = head.size();
    source = std::make_unique<SeekableSource>(std::move(head), nullptr, -1, size);
  }

  // Read the first header before OnNodeBegin so the node carries libarchive's
  // own name for the format.
  std::unique_ptr<ArchiveReader> reader;
  MemberInfo info;
  std::string archive_warning;
  absl::StatusOr<bool> more = false;
  absl::StatusOr<std::unique_ptr<ArchiveReader>> opened = ArchiveReader::Open(source.get(), kind);
  if (opened.ok()) {
    reader = *std::move(opened);
    more = reader->Next(&info, &archive_warning);
    const std::string format = reader->FormatName();
    if (!format.empty()) node.container_format = format;
  } else {
    more = opened.status();
  }
  visitor_.OnNodeBegin(node);

  absl::Status status;
  std::string last_member;
  uint64_t entries = 0;
  while (true) {
    if (!archive_warning.empty()) Warn("archive-warning", node.display, archive_warning);
    if (!more.ok()) {
      status = more.status();
      if (source->error().ok()) {
        // Damage in this archive rather than in the bytes under it.
        status = absl::DataLossError(absl::StrCat(
            node.display, ": ", status.message(),
            last_member.empty() ? "" : absl::StrCat(" (after member ", last_member, ")")));
        Warn("corrupt-archive", node.display, ToStd(status.message()));
      }
      break;
    }
    if (!*more) break;
    ++entries;

    const std::string where = absl::StrCat(node.display, "!", info.path);
    if (info.directory) {
      // No bytes; the paths of the files inside already show the directory.
    } else if (!info.regular) {
      Warn("skipped-non-regular", where, absl::StrCat(info.kind, " member skipped"));
    } else if (info.encrypted) {
      Warn("encrypted-member", where, "encrypted member skipped (no passphrase)");
    } else {
      EvidenceNode member;
      member.parent = node.id;
      member.depth = node.depth + 1;
      member.given_path = node.given_path;
      member.absolute_path = node.absolute_path;
      member.member_path = reader->raw() ? RawMemberName(node) : info.path;
      member.display = absl::StrCat(node.display, "!", member.member_path);
      MemberStream content(reader.get(), source.get(), in.size, member.display, limits_, &budget_,
                           this);
      HashingStream hashed(&content);
      // The member's status went to its OnNodeEnd; what matters for the
      // container is read back from `content` and `source` below.
      Walk(member, NodeInput{&hashed, -1, info.size_known ? info.size : 0}).IgnoreError();
      last_member = member.member_path;
      if (content.damaged()) {
        if (status.ok()) status = content.status();
        if (reader->fatal()) break;
      } else if (!source->error().ok()) {
        // The bytes under this archive failed; whoever produced them said so.
        if (status.ok()) status = source->error();
        break;
      }
    }
    if (budget_.exhausted) {
      if (status.ok()) {
        status = absl::ResourceExhaustedError(absl::StrCat(
            node.display, ": not all members read: the input reached its decompression limit"));
      }
      break;
    }
    more = reader->Next(&info, &archive_warning);
  }
  if (status.ok() && entries == 0) {
    // Rarely a real empty archive. libarchive reads a compressed stream
    // whose data starts with 512 zero bytes as a tar that ends at once, so
    // the data behind them would go unexamined without a word.
    Warn("empty-archive", node.display,
         "the archive lists no members: nothing in it was read (a compressed stream whose data "
         "starts with zero bytes reads as an empty tar)");
  }
  if (source->own_error()) Warn("unreadable-file", node.display, ToStd(source->error().message()));
  reader.reset();
  return End(node, in.stream, status);
}

}  // namespace tern::evidence_internal
