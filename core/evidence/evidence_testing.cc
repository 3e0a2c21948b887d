#include "core/evidence/evidence_testing.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace tern::testing {
namespace {

la_ssize_t AppendToString(struct archive*, void* client, const void* buf, size_t n) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

int AddFilter(struct archive* a, std::string_view filter) {
  if (filter.empty()) return ARCHIVE_OK;
  if (filter == "gzip") return archive_write_add_filter_gzip(a);
  if (filter == "bzip2") return archive_write_add_filter_bzip2(a);
  if (filter == "xz") return archive_write_add_filter_xz(a);
  if (filter == "zstd") return archive_write_add_filter_zstd(a);
  return ARCHIVE_FATAL;
}

}  // namespace

std::string MakeArchive(std::string_view format, std::string_view filter,
                        const std::vector<ArchiveEntry>& entries) {
  std::string out;
  struct archive* a = archive_write_new();
  int r = archive_write_set_format_by_name(a, std::string(format).c_str());
  if (r == ARCHIVE_OK) r = AddFilter(a, filter);
  // No padding after the last block: a bare compressed stream must end where
  // the compressor ends.
  if (r == ARCHIVE_OK) r = archive_write_set_bytes_in_last_block(a, 1);
  if (r == ARCHIVE_OK) r = archive_write_open(a, &out, nullptr, &AppendToString, nullptr);
  for (const ArchiveEntry& e : entries) {
    if (r != ARCHIVE_OK) break;
    struct archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.path.c_str());
    archive_entry_set_mtime(entry, 1695693375, 0);  // 2023-09-26T01:56:15Z
    switch (e.type) {
      case ArchiveEntry::Type::kFile:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_perm(entry, 0644);
        archive_entry_set_size(entry, static_cast<la_int64_t>(e.data.size()));
        break;
      case ArchiveEntry::Type::kDirectory:
        archive_entry_set_filetype(entry, AE_IFDIR);
        archive_entry_set_perm(entry, 0755);
        break;
      case ArchiveEntry::Type::kSymlink:
        archive_entry_set_filetype(entry, AE_IFLNK);
        archive_entry_set_perm(entry, 0777);
        archive_entry_set_symlink(entry, e.target.c_str());
        break;
      case ArchiveEntry::Type::kHardlink:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_perm(entry, 0644);
        archive_entry_set_hardlink(entry, e.target.c_str());
        break;
    }
    r = archive_write_header(a, entry);
    if (r == ARCHIVE_OK && e.type == ArchiveEntry::Type::kFile && !e.data.empty()) {
      // Large members are written in pieces, as a real writer would.
      for (size_t pos = 0; pos < e.data.size() && r == ARCHIVE_OK;) {
        const size_t n = std::min<size_t>(1 << 20, e.data.size() - pos);
        const la_ssize_t wrote = archive_write_data(a, e.data.data() + pos, n);
        if (wrote <= 0) r = ARCHIVE_FATAL;
        pos += n;
      }
    }
    archive_entry_free(entry);
  }
  if (r == ARCHIVE_OK) r = archive_write_close(a);
  if (r != ARCHIVE_OK) {
    ADD_FAILURE() << "libarchive writer (" << format << ", " << filter
                  << "): " << (archive_error_string(a) ? archive_error_string(a) : "?");
    out.clear();
  }
  archive_write_free(a);
  return out;
}

std::string Sha256(std::string_view data) {
  MultiHasher hasher;
  hasher.Update(data);
  return hasher.Finish().sha256;
}

std::string Incompressible(size_t n, uint32_t seed) {
  std::string out(n, '\0');
  uint64_t x = 0x9E3779B97F4A7C15ull ^ seed;
  for (size_t i = 0; i < n; ++i) {
    // xorshift64*: plenty for "does not compress".
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    out[i] = static_cast<char>((x * 0x2545F4914F6CDD1Dull) >> 56);
  }
  return out;
}

void RecordingVisitor::OnNodeBegin(const EvidenceNode& node) {
  events.push_back("begin " + node.display);
  // Ids are handed out in visit order, parents before children.
  EXPECT_EQ(node.id, static_cast<int>(nodes.size())) << node.display;
  if (node.parent >= 0) {
    EXPECT_LT(node.parent, node.id);
    if (node.parent < static_cast<int>(nodes.size())) {
      EXPECT_FALSE(nodes[node.parent].ended) << "member after its container ended";
    }
  }
  VisitedNode v;
  v.node = node;
  nodes.push_back(std::move(v));
}

absl::Status RecordingVisitor::OnLeaf(const EvidenceNode& node, ByteStream& content) {
  events.push_back("leaf " + node.display);
  if (node.id < 0 || node.id >= static_cast<int>(nodes.size())) {
    ADD_FAILURE() << "OnLeaf for an unknown node " << node.display;
    return absl::OkStatus();
  }
  VisitedNode& v = nodes[node.id];
  v.leaf = true;
  char buf[4096];
  while (v.content.size() < read_limit) {
    const size_t want = std::min(sizeof(buf), read_limit - v.content.size());
    absl::StatusOr<size_t> got = content.Read(buf, want);
    if (!got.ok()) {
      v.read_status = got.status();
      return got.status();
    }
    if (*got == 0) break;
    v.content.append(buf, *got);
  }
  return leaf_result;
}

void RecordingVisitor::OnNodeEnd(const EvidenceNode& node, const Digests& digests,
                                 const absl::Status& status) {
  events.push_back("end " + node.display);
  if (node.id < 0 || node.id >= static_cast<int>(nodes.size())) {
    ADD_FAILURE() << "OnNodeEnd for an unknown node " << node.display;
    return;
  }
  VisitedNode& v = nodes[node.id];
  EXPECT_FALSE(v.ended) << "OnNodeEnd twice for " << node.display;
  v.ended = true;
  v.digests = digests;
  v.status = status;
}

const VisitedNode* RecordingVisitor::Find(std::string_view display) const {
  for (const VisitedNode& v : nodes) {
    if (v.node.display == display) return &v;
  }
  return nullptr;
}

std::vector<std::string> RecordingVisitor::LeafDisplays() const {
  std::vector<std::string> out;
  for (const VisitedNode& v : nodes) {
    if (v.leaf) out.push_back(v.node.display);
  }
  return out;
}

std::vector<Warning> CollectingSink::OfKind(std::string_view kind) const {
  std::vector<Warning> out;
  for (const Warning& w : warnings) {
    if (kind.empty() || w.kind == kind) out.push_back(w);
  }
  return out;
}

}  // namespace tern::testing
