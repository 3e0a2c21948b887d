// Walker tests: files, folders, each container format, real-tool fixtures.
// Nesting, limits and damaged archives are in walker_limits_test.cc.
#include "core/evidence/walker.h"

#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/evidence/evidence_testing.h"
#include "core/evidence/hasher.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern {
namespace {

using testing::ArchiveEntry;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::MakeArchive;
using testing::Sha256;

const std::string kFixtures = std::string(TERN_FIXTURES_DIR) + "/archives/";

class WalkerTest : public ::testing::Test {
 protected:
  absl::Status Walk(const std::string& input, const WalkLimits& limits = WalkLimits()) {
    return WalkEvidence(input, limits, visitor_, sink_);
  }
  // The node called `display`; fails the test if there is none.
  const testing::VisitedNode& Node(const std::string& display) {
    const testing::VisitedNode* v = visitor_.Find(display);
    if (v == nullptr) {
      ADD_FAILURE() << "no node " << display;
      static const testing::VisitedNode kNone;
      return kNone;
    }
    return *v;
  }
  // Asserts that `display` is a fully read leaf holding `content`.
  void ExpectLeaf(const std::string& display, const std::string& content) {
    const testing::VisitedNode& v = Node(display);
    EXPECT_TRUE(v.leaf) << display;
    EXPECT_TRUE(v.ended) << display;
    EXPECT_TRUE(v.status.ok()) << display << ": " << v.status;
    EXPECT_EQ(v.content, content) << display;
    EXPECT_EQ(v.digests.sha256, Sha256(content)) << display;
    EXPECT_EQ(v.digests.size, content.size()) << display;
    EXPECT_FALSE(v.node.is_container) << display;
  }
  // Asserts that `display` is a container whose digests are those of `path`.
  void ExpectContainerOfFile(const std::string& display, const std::string& path) {
    const testing::VisitedNode& v = Node(display);
    EXPECT_TRUE(v.node.is_container) << display;
    EXPECT_FALSE(v.leaf) << display;
    EXPECT_TRUE(v.status.ok()) << display << ": " << v.status;
    absl::StatusOr<Digests> want = HashFile(path);
    ASSERT_TRUE(want.ok()) << want.status();
    EXPECT_EQ(v.digests.sha256, want->sha256) << display;
    EXPECT_EQ(v.digests.sha1, want->sha1) << display;
    EXPECT_EQ(v.digests.md5, want->md5) << display;
    EXPECT_EQ(v.digests.size, want->size) << display;
  }

  testing::TempDir dir_;
  testing::RecordingVisitor visitor_;
  testing::CollectingSink sink_;
};

TEST_F(WalkerTest, MissingInputIsNotFound) {
  EXPECT_EQ(Walk(dir_.path() + "/absent.csv").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Walk("").code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(visitor_.nodes, IsEmpty());
}

TEST_F(WalkerTest, SingleFileIsALeaf) {
  const std::string content = "CreationDate,UserIds\r\n2023-09-26T01:56:15,alice\r\n";
  const std::string path = dir_.Write("ual.csv", content);
  ASSERT_TRUE(Walk(path).ok());
  ASSERT_EQ(visitor_.nodes.size(), 1u);
  ExpectLeaf(path, content);
  const EvidenceNode& node = visitor_.nodes[0].node;
  EXPECT_EQ(node.id, 0);
  EXPECT_EQ(node.parent, -1);
  EXPECT_EQ(node.depth, 0);
  EXPECT_EQ(node.given_path, path);
  EXPECT_EQ(node.absolute_path, path);  // already absolute
  EXPECT_EQ(node.member_path, "");
  EXPECT_NE(node.mtime_ms, kNoTime);
  MultiHasher reference;
  reference.Update(content);
  const Digests want = reference.Finish();
  EXPECT_EQ(visitor_.nodes[0].digests.sha1, want.sha1);
  EXPECT_EQ(visitor_.nodes[0].digests.md5, want.md5);
  EXPECT_THAT(visitor_.events, ElementsAre("begin " + path, "leaf " + path, "end " + path));
  EXPECT_THAT(sink_.warnings, IsEmpty());
}

TEST_F(WalkerTest, EmptyFileIsALeaf) {
  const std::string path = dir_.Write("empty.csv", "");
  ASSERT_TRUE(Walk(path).ok());
  ExpectLeaf(path, "");
  EXPECT_EQ(Node(path).digests.sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_F(WalkerTest, FolderIsWalkedInByteOrderAndNonRegularFilesAreSkipped) {
  const std::string root = dir_.path() + "/in";
  dir_.Write("in/b.csv", "b");
  dir_.Write("in/A.csv", "A");
  dir_.Write("in/a/x.csv", "x");
  dir_.Write("in/a/Z.csv", "Z");
  dir_.Write("in/c.csv", "c");
  ASSERT_EQ(mkfifo((root + "/f.pipe").c_str(), 0600), 0);
  ASSERT_EQ(symlink((root + "/c.csv").c_str(), (root + "/link.csv").c_str()), 0);
  ASSERT_EQ(symlink("/", (root + "/outside").c_str()), 0);

  // A walk that opened the FIFO would block here forever.
  ASSERT_TRUE(Walk(root).ok());
  EXPECT_THAT(visitor_.LeafDisplays(),
              ElementsAre(root + "/A.csv", root + "/a/Z.csv", root + "/a/x.csv", root + "/b.csv",
                          root + "/c.csv"));
  for (const testing::VisitedNode& v : visitor_.nodes) {
    EXPECT_EQ(v.node.given_path, root);
    EXPECT_EQ(v.node.absolute_path, v.node.display);
    EXPECT_EQ(v.node.depth, 0);
    EXPECT_EQ(v.node.parent, -1);
  }
  ExpectLeaf(root + "/a/x.csv", "x");
  const std::vector<Warning> skipped = sink_.OfKind("skipped-non-regular");
  ASSERT_EQ(skipped.size(), 3u);
  EXPECT_EQ(skipped[0].source, root + "/f.pipe");
  EXPECT_THAT(skipped[0].detail, HasSubstr("FIFO"));
  EXPECT_EQ(skipped[1].source, root + "/link.csv");
  EXPECT_THAT(skipped[1].detail, HasSubstr("symbolic link"));
  EXPECT_EQ(skipped[2].source, root + "/outside");
  EXPECT_EQ(sink_.warnings.size(), 3u);
}

TEST_F(WalkerTest, TopLevelFifoIsSkippedWithoutOpening) {
  const std::string fifo = dir_.path() + "/p";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  ASSERT_TRUE(Walk(fifo).ok());
  EXPECT_THAT(visitor_.nodes, IsEmpty());
  ASSERT_EQ(sink_.OfKind("skipped-non-regular").size(), 1u);
}

TEST_F(WalkerTest, SymlinkNamedOnTheCommandLineIsFollowed) {
  const std::string target = dir_.Write("real.csv", "data");
  const std::string link = dir_.path() + "/named.csv";
  ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
  ASSERT_TRUE(Walk(link).ok());
  ExpectLeaf(link, "data");
}

TEST_F(WalkerTest, UnreadableFileIsWarnedAndEndsWithItsError) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
  const std::string path = dir_.Write("in/secret.csv", "x");
  dir_.Write("in/z.csv", "z");
  ASSERT_EQ(chmod(path.c_str(), 0), 0);
  ASSERT_TRUE(Walk(dir_.path() + "/in").ok());
  const testing::VisitedNode& v = Node(path);
  EXPECT_TRUE(v.ended);
  EXPECT_FALSE(v.leaf);
  EXPECT_EQ(v.status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(v.digests.sha256, "");
  ASSERT_EQ(sink_.OfKind("unreadable-file").size(), 1u);
  ExpectLeaf(dir_.path() + "/in/z.csv", "z");
}

TEST_F(WalkerTest, PlainTextThatLooksAlmostLikeAnArchiveIsALeaf) {
  // Text starting like signatures, and "ustar" at offset 257 without a valid
  // tar checksum: all leaves, never handed to libarchive.
  std::string fake_tar(600, 'a');
  fake_tar.replace(257, 5, "ustar");
  const std::vector<std::pair<std::string, std::string>> files = {
      {"pk.csv", "PK,Name\r\n1,2\r\n"},         {"bz.txt", "BZh9 is how bzip2 starts\n"},
      {"seven.txt", "7z archives\n"},           {"fake.tar", fake_tar},
      {"j.json", "{\"Operation\":\"Send\"}\n"},
  };
  for (const auto& [name, content] : files) dir_.Write("in/" + name, content);
  ASSERT_TRUE(Walk(dir_.path() + "/in").ok());
  for (const auto& [name, content] : files) ExpectLeaf(dir_.path() + "/in/" + name, content);
  EXPECT_THAT(sink_.warnings, IsEmpty());
}

TEST_F(WalkerTest, ZipMembersAreStreamedAndHashed) {
  const std::string csv = "CreationDate,Operations\r\n2023-09-26T01:56:15,Send\r\n";
  const std::string big = testing::Incompressible(300 * 1024, 1);
  const std::string zip = MakeArchive("zip", "",
                                      {{"2023/", "", ArchiveEntry::Type::kDirectory},
                                       {"2023/ual.csv", csv},
                                       {"big.bin", big},
                                       {"empty.csv", ""}});
  const std::string path = dir_.Write("export.zip", zip);
  ASSERT_TRUE(Walk(path).ok());

  ExpectContainerOfFile(path, path);
  EXPECT_THAT(Node(path).node.container_format, HasSubstr("ZIP"));
  ExpectLeaf(path + "!2023/ual.csv", csv);
  ExpectLeaf(path + "!big.bin", big);
  ExpectLeaf(path + "!empty.csv", "");
  const EvidenceNode& member = Node(path + "!2023/ual.csv").node;
  EXPECT_EQ(member.parent, Node(path).node.id);
  EXPECT_EQ(member.depth, 1);
  EXPECT_EQ(member.member_path, "2023/ual.csv");
  EXPECT_EQ(member.given_path, path);
  EXPECT_EQ(member.absolute_path, path);
  EXPECT_EQ(member.mtime_ms, kNoTime);
  // Members are opened and finished inside their container.
  EXPECT_THAT(
      visitor_.events,
      ElementsAre("begin " + path, "begin " + path + "!2023/ual.csv",
                  "leaf " + path + "!2023/ual.csv", "end " + path + "!2023/ual.csv",
                  "begin " + path + "!big.bin", "leaf " + path + "!big.bin",
                  "end " + path + "!big.bin", "begin " + path + "!empty.csv",
                  "leaf " + path + "!empty.csv", "end " + path + "!empty.csv", "end " + path));
  EXPECT_THAT(sink_.warnings, IsEmpty());  // directories are not worth a warning
}

TEST_F(WalkerTest, TarLinksAndDevicesAreSkippedWithWarnings) {
  const std::string tar =
      MakeArchive("ustar", "",
                  {{"logs/a.csv", "a,b\r\n"},
                   {"logs/hard.csv", "", ArchiveEntry::Type::kHardlink, "logs/a.csv"},
                   {"logs/soft.csv", "", ArchiveEntry::Type::kSymlink, "a.csv"},
                   {"../outside/b.csv", "b\r\n"}});
  const std::string path = dir_.Write("logs.tar", tar);
  ASSERT_TRUE(Walk(path).ok());
  ExpectContainerOfFile(path, path);
  EXPECT_THAT(Node(path).node.container_format, HasSubstr("tar"));
  ExpectLeaf(path + "!logs/a.csv", "a,b\r\n");
  // Never extracted, so "../" is only a name, kept verbatim.
  ExpectLeaf(path + "!../outside/b.csv", "b\r\n");
  EXPECT_EQ(Node(path + "!../outside/b.csv").node.member_path, "../outside/b.csv");
  const std::vector<Warning> skipped = sink_.OfKind("skipped-non-regular");
  ASSERT_EQ(skipped.size(), 2u);
  EXPECT_EQ(skipped[0].source, path + "!logs/hard.csv");
  EXPECT_THAT(skipped[0].detail, HasSubstr("hard link"));
  EXPECT_EQ(skipped[1].source, path + "!logs/soft.csv");
  EXPECT_THAT(skipped[1].detail, HasSubstr("symbolic link"));
}

TEST_F(WalkerTest, TarGz) {
  const std::string big = testing::Incompressible(100 * 1024, 2);
  const std::string tgz =
      MakeArchive("gnutar", "gzip", {{"a/ual.csv", "x,y\r\n"}, {"a/big.bin", big}});
  const std::string path = dir_.Write("logs.tgz", tgz);
  ASSERT_TRUE(Walk(path).ok());
  ExpectContainerOfFile(path, path);
  EXPECT_EQ(Node(path).node.container_format, "gzip + GNU tar format");
  ExpectLeaf(path + "!a/ual.csv", "x,y\r\n");
  ExpectLeaf(path + "!a/big.bin", big);
  EXPECT_EQ(visitor_.nodes.size(), 3u);
}

TEST_F(WalkerTest, SingleCompressedFilesHoldOneMemberNamedAfterThem) {
  const std::string csv = "CreationDate,Operations\r\n2023-09-26T01:56:15,Send\r\n";
  const std::vector<std::pair<std::string, std::string>> kinds = {
      {"gzip", ".gz"}, {"bzip2", ".bz2"}, {"xz", ".xz"}, {"zstd", ".zst"}};
  for (const auto& [filter, suffix] : kinds) {
    const std::string path =
        dir_.Write("ual.csv" + suffix, MakeArchive("raw", filter, {{"ual.csv", csv}}));
    testing::RecordingVisitor visitor;
    testing::CollectingSink sink;
    ASSERT_TRUE(WalkEvidence(path, WalkLimits(), visitor, sink).ok());
    ASSERT_EQ(visitor.nodes.size(), 2u) << filter;
    EXPECT_TRUE(visitor.nodes[0].node.is_container);
    EXPECT_EQ(visitor.nodes[0].node.container_format, filter);
    EXPECT_EQ(visitor.nodes[1].node.member_path, "ual.csv");
    EXPECT_EQ(visitor.nodes[1].node.display, path + "!ual.csv");
    EXPECT_EQ(visitor.nodes[1].content, csv) << filter;
    EXPECT_EQ(visitor.nodes[1].digests.sha256, Sha256(csv)) << filter;
    EXPECT_EQ(visitor.nodes[0].digests.sha256, HashFile(path)->sha256) << filter;
    EXPECT_THAT(sink.warnings, IsEmpty());
  }
}

TEST_F(WalkerTest, SevenZip) {
  const std::string csv = "a,b\r\n1,2\r\n";
  const std::string big = testing::Incompressible(200 * 1024, 3);
  const std::string seven = MakeArchive("7zip", "", {{"dir/ual.csv", csv}, {"big.bin", big}});
  ASSERT_FALSE(seven.empty());
  const std::string path = dir_.Write("export.7z", seven);
  ASSERT_TRUE(Walk(path).ok());
  ExpectContainerOfFile(path, path);
  EXPECT_EQ(Node(path).node.container_format, "7-Zip");
  ExpectLeaf(path + "!dir/ual.csv", csv);
  ExpectLeaf(path + "!big.bin", big);
  EXPECT_THAT(sink_.warnings, IsEmpty());
}

// Archives written by the usual tools (see fixtures/archives/README.md).
TEST_F(WalkerTest, FixtureInfoZipWithDirectories) {
  const std::string path = kFixtures + "mixed.zip";
  ASSERT_TRUE(Walk(path).ok());
  ExpectContainerOfFile(path, path);
  EXPECT_THAT(visitor_.LeafDisplays(),
              ElementsAre(path + "!exports/2023/ual.csv", path + "!exports/ual.jsonl"));
  ExpectLeaf(path + "!exports/2023/ual.csv",
             "CreationDate,UserIds,Operations\r\n"
             "2023-09-26T01:56:15,alice@contoso.com,MailItemsAccessed\r\n");
  ExpectLeaf(path + "!exports/ual.jsonl",
             "{\"Operation\":\"Send\",\"UserId\":\"bob@contoso.com\"}\n");
  EXPECT_THAT(sink_.warnings, IsEmpty());
}

TEST_F(WalkerTest, FixtureStreamedZipWithDataDescriptors) {
  const std::string path = kFixtures + "streamed.zip";
  ASSERT_TRUE(Walk(path).ok());
  ExpectContainerOfFile(path, path);
  std::string numbers = "n\r\n";
  for (int i = 0; i < 1000; ++i) numbers += std::to_string(i) + "\r\n";
  ExpectLeaf(path + "!stored.csv", "a,b\r\n1,2\r\n");
  ExpectLeaf(path + "!deflated.csv", numbers);
  EXPECT_THAT(sink_.warnings, IsEmpty());
}

TEST_F(WalkerTest, FixtureEncryptedMemberIsSkipped) {
  const std::string path = kFixtures + "encrypted.zip";
  ASSERT_TRUE(Walk(path).ok());
  ExpectContainerOfFile(path, path);
  EXPECT_THAT(visitor_.LeafDisplays(), ElementsAre(path + "!plain.csv"));
  ExpectLeaf(path + "!plain.csv", "plain,row\n");
  const std::vector<Warning> encrypted = sink_.OfKind("encrypted-member");
  ASSERT_EQ(encrypted.size(), 1u);
  EXPECT_EQ(encrypted[0].source, path + "!secret.csv");
  EXPECT_EQ(sink_.warnings.size(), 1u);
}

TEST_F(WalkerTest, FixtureGnuTarLinks) {
  const std::string path = kFixtures + "links.tar.gz";
  ASSERT_TRUE(Walk(path).ok());
  ExpectContainerOfFile(path, path);
  EXPECT_THAT(visitor_.LeafDisplays(), ElementsAre(path + "!logs/a.csv"));
  ExpectLeaf(path + "!logs/a.csv", "a,b\r\n1,2\r\n");
  const std::vector<Warning> skipped = sink_.OfKind("skipped-non-regular");
  ASSERT_EQ(skipped.size(), 2u);
  EXPECT_EQ(skipped[0].source, path + "!logs/hard.csv");
  EXPECT_EQ(skipped[1].source, path + "!logs/soft.csv");
}

TEST_F(WalkerTest, FixtureGzipSingleFile) {
  const std::string path = kFixtures + "ual.csv.gz";
  ASSERT_TRUE(Walk(path).ok());
  ExpectContainerOfFile(path, path);
  EXPECT_EQ(Node(path).node.container_format, "gzip");
  ExpectLeaf(path + "!ual.csv",
             "CreationDate,UserIds,Operations\r\n"
             "2023-09-26T01:56:15,alice@contoso.com,MailItemsAccessed\r\n");
}

}  // namespace
}  // namespace tern
