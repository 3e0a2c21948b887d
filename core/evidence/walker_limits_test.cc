// Walker tests: nested archives, the depth and decompression limits, damaged
// archives, and visitors that stop early or fail.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/evidence/evidence_testing.h"
#include "core/evidence/hasher.h"
#include "core/evidence/walker.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::MakeArchive;
using testing::Sha256;

class WalkerLimitsTest : public ::testing::Test {
 protected:
  absl::Status Walk(const std::string& input, const WalkLimits& limits = WalkLimits()) {
    return WalkEvidence(input, limits, visitor_, sink_);
  }
  const testing::VisitedNode& Node(const std::string& display) {
    const testing::VisitedNode* v = visitor_.Find(display);
    if (v == nullptr) {
      ADD_FAILURE() << "no node " << display;
      static const testing::VisitedNode kNone;
      return kNone;
    }
    return *v;
  }

  // outer.zip { readme.txt, inner.tar.gz { deep.zip { x.csv } } }
  std::string WriteNested() {
    deep_zip_ = MakeArchive("zip", "", {{"x.csv", kX}});
    inner_tgz_ = MakeArchive("gnutar", "gzip", {{"sub/deep.zip", deep_zip_}});
    return dir_.Write(
        "outer.zip",
        MakeArchive("zip", "", {{"readme.txt", "hi\n"}, {"inner.tar.gz", inner_tgz_}}));
  }

  static constexpr char kX[] = "CreationDate,Operations\r\n2023-09-26T01:56:15,Send\r\n";
  std::string deep_zip_;
  std::string inner_tgz_;
  testing::TempDir dir_;
  testing::RecordingVisitor visitor_;
  testing::CollectingSink sink_;
};

TEST_F(WalkerLimitsTest, NestedZipInTarGzInZip) {
  const std::string outer = WriteNested();
  ASSERT_TRUE(Walk(outer).ok());
  const std::string inner = outer + "!inner.tar.gz";
  const std::string deep = inner + "!sub/deep.zip";
  const std::string x = deep + "!x.csv";
  EXPECT_THAT(visitor_.LeafDisplays(), ElementsAre(outer + "!readme.txt", x));

  EXPECT_EQ(Node(outer).node.depth, 0);
  EXPECT_EQ(Node(inner).node.depth, 1);
  EXPECT_EQ(Node(deep).node.depth, 2);
  EXPECT_EQ(Node(x).node.depth, 3);
  EXPECT_EQ(Node(inner).node.parent, Node(outer).node.id);
  EXPECT_EQ(Node(deep).node.parent, Node(inner).node.id);
  EXPECT_EQ(Node(x).node.parent, Node(deep).node.id);
  EXPECT_EQ(Node(deep).node.member_path, "sub/deep.zip");
  EXPECT_EQ(Node(x).node.absolute_path, outer);
  EXPECT_EQ(Node(inner).node.container_format, "gzip + GNU tar format");
  EXPECT_TRUE(Node(deep).node.is_container);

  // Each container's digests cover its own bytes, each leaf its content.
  EXPECT_EQ(Node(outer).digests.sha256, HashFile(outer)->sha256);
  EXPECT_EQ(Node(inner).digests.sha256, Sha256(inner_tgz_));
  EXPECT_EQ(Node(deep).digests.sha256, Sha256(deep_zip_));
  EXPECT_EQ(Node(deep).digests.size, deep_zip_.size());
  EXPECT_EQ(Node(x).digests.sha256, Sha256(kX));
  EXPECT_EQ(Node(x).content, kX);
  for (const testing::VisitedNode& v : visitor_.nodes) {
    EXPECT_TRUE(v.ended) << v.node.display;
    EXPECT_TRUE(v.status.ok()) << v.node.display << ": " << v.status;
  }
  // Containers end after their members.
  EXPECT_EQ(visitor_.events.back(), "end " + outer);
  EXPECT_THAT(sink_.warnings, IsEmpty());
}

TEST_F(WalkerLimitsTest, ArchivesDeeperThanTheLimitAreHashedButNotOpened) {
  const std::string outer = WriteNested();
  WalkLimits limits;
  limits.max_archive_depth = 1;
  ASSERT_TRUE(Walk(outer, limits).ok());
  const std::string deep = outer + "!inner.tar.gz!sub/deep.zip";
  EXPECT_THAT(visitor_.LeafDisplays(), ElementsAre(outer + "!readme.txt"));
  const testing::VisitedNode& v = Node(deep);
  EXPECT_TRUE(v.node.is_container);
  EXPECT_EQ(v.node.container_format, "zip");
  EXPECT_FALSE(v.leaf);
  EXPECT_TRUE(v.status.ok()) << v.status;
  EXPECT_EQ(v.digests.sha256, Sha256(deep_zip_));
  EXPECT_EQ(visitor_.Find(deep + "!x.csv"), nullptr);
  const std::vector<Warning> depth = sink_.OfKind("archive-depth-limit");
  ASSERT_EQ(depth.size(), 1u);
  EXPECT_EQ(depth[0].source, deep);
  EXPECT_EQ(sink_.warnings.size(), 1u);
}

TEST_F(WalkerLimitsTest, DepthZeroOpensOnlyTopLevelArchives) {
  const std::string outer = WriteNested();
  WalkLimits limits;
  limits.max_archive_depth = 0;
  ASSERT_TRUE(Walk(outer, limits).ok());
  EXPECT_THAT(visitor_.LeafDisplays(), ElementsAre(outer + "!readme.txt"));
  EXPECT_EQ(Node(outer + "!inner.tar.gz").digests.sha256, Sha256(inner_tgz_));
  ASSERT_EQ(sink_.OfKind("archive-depth-limit").size(), 1u);
}

TEST_F(WalkerLimitsTest, SevenZipInsideZipIsReadFromMemory) {
  const std::string seven = MakeArchive("7zip", "", {{"in7z.csv", "a\r\n"}});
  const std::string outer = dir_.Write("outer.zip", MakeArchive("zip", "", {{"inner.7z", seven}}));
  ASSERT_TRUE(Walk(outer).ok());
  const std::string inner = outer + "!inner.7z";
  EXPECT_EQ(Node(inner).node.container_format, "7-Zip");
  EXPECT_EQ(Node(inner).digests.sha256, Sha256(seven));
  EXPECT_EQ(Node(inner + "!in7z.csv").content, "a\r\n");
  EXPECT_EQ(Node(inner + "!in7z.csv").digests.sha256, Sha256("a\r\n"));
  EXPECT_THAT(sink_.warnings, IsEmpty());
}

TEST_F(WalkerLimitsTest, BombMemberIsCutOffAndOtherMembersAreStillRead) {
  const std::string zeros(50 << 20, '\0');
  const std::string zip =
      MakeArchive("zip", "", {{"a.csv", "first\r\n"}, {"bomb.bin", zeros}, {"z.csv", "last\r\n"}});
  ASSERT_LT(zip.size(), 1u << 20);  // highly compressible
  const std::string path = dir_.Write("bomb.zip", zip);
  visitor_.read_limit = 0;  // do not keep 50 MB in the visitor
  ASSERT_TRUE(Walk(path).ok());

  const testing::VisitedNode& bomb = Node(path + "!bomb.bin");
  EXPECT_EQ(bomb.status.code(), absl::StatusCode::kResourceExhausted) << bomb.status;
  EXPECT_THAT(std::string(bomb.status.message()), HasSubstr(path + "!bomb.bin"));
  // Cut at 200 x the container's compressed size, far below 50 MB.
  EXPECT_GT(bomb.digests.size, 1u << 20);
  EXPECT_LE(bomb.digests.size, 200 * zip.size());
  EXPECT_EQ(bomb.digests.sha256, Sha256(zeros.substr(0, bomb.digests.size)));
  const std::vector<Warning> cut = sink_.OfKind("decompression-limit");
  ASSERT_EQ(cut.size(), 1u);
  EXPECT_EQ(cut[0].source, path + "!bomb.bin");
  EXPECT_EQ(sink_.warnings.size(), 1u);

  EXPECT_TRUE(Node(path + "!a.csv").status.ok());
  EXPECT_EQ(Node(path + "!a.csv").digests.sha256, Sha256("first\r\n"));
  EXPECT_TRUE(Node(path + "!z.csv").status.ok());
  EXPECT_EQ(Node(path + "!z.csv").digests.sha256, Sha256("last\r\n"));
  EXPECT_TRUE(Node(path).status.ok()) << Node(path).status;
  EXPECT_EQ(Node(path).digests.sha256, HashFile(path)->sha256);
}

TEST_F(WalkerLimitsTest, BombInASingleCompressedFileIsCutOff) {
  // Not NULs: libarchive reads a compressed stream that starts with a zero
  // block as an empty tar archive.
  const std::string text(20 << 20, 'A');
  const std::string gz = MakeArchive("raw", "gzip", {{"ual.csv", text}});
  const std::string path = dir_.Write("ual.csv.gz", gz);
  visitor_.read_limit = 0;
  ASSERT_TRUE(Walk(path).ok());
  const testing::VisitedNode& member = Node(path + "!ual.csv");
  EXPECT_EQ(member.status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_LT(member.digests.size, text.size());
  ASSERT_EQ(sink_.OfKind("decompression-limit").size(), 1u);
  EXPECT_EQ(sink_.OfKind("decompression-limit")[0].source, path + "!ual.csv");
  EXPECT_TRUE(Node(path).status.ok());
  EXPECT_EQ(Node(path).digests.sha256, HashFile(path)->sha256);
}

TEST_F(WalkerLimitsTest, InputCapStopsThatInputAndTheNextInputIsWalked) {
  const std::string big = testing::Incompressible(3 << 20, 9);
  dir_.Write("in/a.zip", MakeArchive("zip", "", {{"big.bin", big}, {"after.csv", "x"}}));
  dir_.Write("in/b.csv", "next input\r\n");
  WalkLimits limits;
  limits.max_expanded_bytes = 1 << 20;
  ASSERT_TRUE(Walk(dir_.path() + "/in", limits).ok());

  const std::string zip = dir_.path() + "/in/a.zip";
  const testing::VisitedNode& cut = Node(zip + "!big.bin");
  EXPECT_EQ(cut.status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(cut.digests.size, 1u << 20);
  EXPECT_EQ(cut.content, big.substr(0, 1 << 20));
  EXPECT_EQ(visitor_.Find(zip + "!after.csv"), nullptr);
  // The container was still hashed whole, but not all of it was visited.
  EXPECT_EQ(Node(zip).status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Node(zip).digests.sha256, HashFile(zip)->sha256);
  ASSERT_EQ(sink_.OfKind("decompression-limit").size(), 1u);
  EXPECT_EQ(sink_.OfKind("decompression-limit")[0].source, zip + "!big.bin");

  const testing::VisitedNode& next = Node(dir_.path() + "/in/b.csv");
  EXPECT_TRUE(next.status.ok());
  EXPECT_EQ(next.content, "next input\r\n");
}

// The offset of the `n`th (0-based) zip local file header in `zip`.
size_t LocalHeader(const std::string& zip, int n) {
  size_t pos = 0;
  for (int i = 0; i <= n; ++i) {
    pos = zip.find(std::string("PK\x03\x04", 4), i == 0 ? 0 : pos + 4);
    if (pos == std::string::npos) return pos;
  }
  return pos;
}

TEST_F(WalkerLimitsTest, TruncatedZipKeepsEarlierMembers) {
  const std::string second = testing::Incompressible(64 * 1024, 4);
  const std::string zip = MakeArchive(
      "zip", "", {{"first.csv", "first\r\n"}, {"second.bin", second}, {"third.csv", "3"}});
  const size_t header = LocalHeader(zip, 1);
  ASSERT_NE(header, std::string::npos);
  const std::string path = dir_.Write("cut.zip", zip.substr(0, header + 30 + 10 + 5000));
  ASSERT_TRUE(Walk(path).ok());

  EXPECT_TRUE(Node(path + "!first.csv").status.ok());
  EXPECT_EQ(Node(path + "!first.csv").content, "first\r\n");
  const testing::VisitedNode& damaged = Node(path + "!second.bin");
  EXPECT_EQ(damaged.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(damaged.status.message()), HasSubstr(path + "!second.bin"));
  EXPECT_LT(damaged.digests.size, second.size());
  EXPECT_EQ(damaged.digests.sha256, Sha256(second.substr(0, damaged.digests.size)));
  EXPECT_EQ(visitor_.Find(path + "!third.csv"), nullptr);

  const testing::VisitedNode& container = Node(path);
  EXPECT_EQ(container.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(container.status.message()), HasSubstr("cut.zip!second.bin"));
  EXPECT_EQ(container.digests.sha256, HashFile(path)->sha256);
  ASSERT_EQ(sink_.OfKind("corrupt-archive").size(), 1u);
  EXPECT_EQ(sink_.OfKind("corrupt-archive")[0].source, path + "!second.bin");
}

TEST_F(WalkerLimitsTest, TruncatedGzipIsDataLoss) {
  const std::string data = testing::Incompressible(200 * 1024, 5);
  const std::string gz = MakeArchive("raw", "gzip", {{"ual.csv", data}});
  const std::string path = dir_.Write("ual.csv.gz", gz.substr(0, gz.size() / 2));
  ASSERT_TRUE(Walk(path).ok());
  const testing::VisitedNode& member = Node(path + "!ual.csv");
  EXPECT_EQ(member.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(member.status.message()), HasSubstr("ual.csv.gz!ual.csv"));
  EXPECT_EQ(member.read_status.code(), absl::StatusCode::kDataLoss);  // the parser saw it too
  EXPECT_EQ(member.content, data.substr(0, member.content.size()));
  EXPECT_EQ(Node(path).status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(Node(path).digests.sha256, HashFile(path)->sha256);
  EXPECT_EQ(sink_.OfKind("corrupt-archive").size(), 1u);
  EXPECT_THAT(sink_.OfKind("leaf-error"), IsEmpty());  // not reported twice
}

TEST_F(WalkerLimitsTest, TruncatedTarGzKeepsEarlierMembers) {
  // libarchive's gzip reader drops the partly filled 64 KiB output block in
  // which the input ends, so "earlier" means: before that block. Hence a
  // member large enough to put the cut well past the first block.
  const std::string big = testing::Incompressible(400 * 1024, 6);
  const std::string tgz =
      MakeArchive("gnutar", "gzip", {{"a.csv", "a\r\n"}, {"b.bin", big}, {"c.csv", "c"}});
  const std::string path = dir_.Write("cut.tar.gz", tgz.substr(0, tgz.size() * 6 / 10));
  ASSERT_TRUE(Walk(path).ok());
  EXPECT_TRUE(Node(path + "!a.csv").status.ok());
  EXPECT_EQ(Node(path + "!a.csv").content, "a\r\n");
  EXPECT_EQ(Node(path + "!b.bin").status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(visitor_.Find(path + "!c.csv"), nullptr);
  EXPECT_EQ(Node(path).status.code(), absl::StatusCode::kDataLoss);
}

TEST_F(WalkerLimitsTest, BadCrcIsDataLossForThatMember) {
  std::string zip;
  {
    std::ifstream in(std::string(TERN_FIXTURES_DIR) + "/archives/mixed.zip", std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    zip = buf.str();
  }
  // Flip one byte of the stored (uncompressed) member ual.jsonl.
  const size_t data = zip.find("{\"Operation\"");
  ASSERT_NE(data, std::string::npos);
  zip[data + 5] ^= 0x20;
  const std::string path = dir_.Write("crc.zip", zip);
  ASSERT_TRUE(Walk(path).ok());
  EXPECT_TRUE(Node(path + "!exports/2023/ual.csv").status.ok());
  const testing::VisitedNode& bad = Node(path + "!exports/ual.jsonl");
  EXPECT_EQ(bad.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(bad.status.message()), HasSubstr("CRC"));
  EXPECT_EQ(Node(path).status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(Node(path).status.message()), HasSubstr("crc.zip!exports/ual.jsonl"));
  EXPECT_EQ(sink_.OfKind("corrupt-archive").size(), 1u);
}

TEST_F(WalkerLimitsTest, ZipSignatureWithoutAnArchiveIsDataLoss) {
  const std::string path = dir_.Write("bad.zip", std::string("PK\x03\x04\x14\x00\x00\x00", 8));
  dir_.Write("z.csv", "still walked");
  ASSERT_TRUE(Walk(dir_.path()).ok());
  const testing::VisitedNode& v = Node(path);
  EXPECT_TRUE(v.node.is_container);
  EXPECT_FALSE(v.leaf);
  EXPECT_EQ(v.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(v.status.message()), HasSubstr("bad.zip"));
  EXPECT_EQ(v.digests.size, 8u);
  ASSERT_EQ(sink_.OfKind("corrupt-archive").size(), 1u);
  EXPECT_EQ(Node(dir_.path() + "/z.csv").content, "still walked");
}

TEST_F(WalkerLimitsTest, VisitorThatStopsEarlyStillGetsDigestsOfEverything) {
  const std::string big = testing::Incompressible(500 * 1024, 8);
  const std::string path = dir_.Write("a.zip", MakeArchive("zip", "", {{"big.bin", big}}));
  const std::string plain = dir_.Write("plain.bin", big);
  visitor_.read_limit = 10;
  ASSERT_TRUE(Walk(dir_.path()).ok());
  EXPECT_EQ(Node(path + "!big.bin").content, big.substr(0, 10));
  EXPECT_EQ(Node(path + "!big.bin").digests.sha256, Sha256(big));
  EXPECT_EQ(Node(path + "!big.bin").digests.size, big.size());
  EXPECT_EQ(Node(plain).digests.sha256, Sha256(big));
  EXPECT_EQ(Node(path).digests.sha256, HashFile(path)->sha256);
}

TEST_F(WalkerLimitsTest, VisitorErrorIsAWarningAndTheWalkGoesOn) {
  dir_.Write("in/a.csv", "a");
  dir_.Write("in/b.csv", "b");
  visitor_.leaf_result = absl::InternalError("parser exploded");
  ASSERT_TRUE(Walk(dir_.path() + "/in").ok());
  EXPECT_THAT(visitor_.LeafDisplays(),
              ElementsAre(dir_.path() + "/in/a.csv", dir_.path() + "/in/b.csv"));
  EXPECT_TRUE(Node(dir_.path() + "/in/a.csv").status.ok());
  const std::vector<Warning> errors = sink_.OfKind("leaf-error");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].source, dir_.path() + "/in/a.csv");
  EXPECT_THAT(errors[0].detail, HasSubstr("parser exploded"));
}

TEST_F(WalkerLimitsTest, EmptyZipIsAContainerWithoutMembers) {
  const std::string path = dir_.Write("empty.zip", MakeArchive("zip", "", {}));
  ASSERT_TRUE(Walk(path).ok());
  ASSERT_EQ(visitor_.nodes.size(), 1u);
  EXPECT_TRUE(visitor_.nodes[0].node.is_container);
  EXPECT_TRUE(visitor_.nodes[0].status.ok()) << visitor_.nodes[0].status;
  EXPECT_EQ(visitor_.nodes[0].digests.sha256, HashFile(path)->sha256);
}

}  // namespace
}  // namespace tern
