#include "core/evidence/hasher.h"

#include <string>

#include "absl/status/status.h"
#include "core/evidence/byte_stream.h"
#include "core/evidence/evidence_testing.h"
#include "gtest/gtest.h"

namespace tern {
namespace {

// Published test vectors (FIPS 180-2 / RFC 1321 / RFC 3174).
TEST(MultiHasherTest, EmptyInput) {
  MultiHasher hasher;
  const Digests d = hasher.Finish();
  EXPECT_EQ(d.sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(d.sha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(d.md5, "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(d.size, 0u);
}

TEST(MultiHasherTest, Abc) {
  MultiHasher hasher;
  hasher.Update("abc");
  const Digests d = hasher.Finish();
  EXPECT_EQ(d.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(d.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(d.md5, "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(d.size, 3u);
}

TEST(MultiHasherTest, SplitUpdatesEqualOneUpdate) {
  const std::string text = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  MultiHasher split;
  for (char c : text) split.Update(std::string_view(&c, 1));
  split.Update("");  // an empty update changes nothing
  const Digests d = split.Finish();
  EXPECT_EQ(d.sha256, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(d.sha1, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(d.size, text.size());
}

TEST(Sha256HexTest, KnownVectorsAndAgreementWithMultiHasher) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string text(100000, 'x');
  MultiHasher hasher;
  hasher.Update(text);
  EXPECT_EQ(Sha256Hex(text), hasher.Finish().sha256);
}

TEST(HashingStreamTest, HashesWhatIsReadAndDrainsTheRest) {
  const std::string data = "abcdef";
  MemoryStream mem(data);
  HashingStream hashing(&mem);
  char buf[3];
  absl::StatusOr<size_t> got = hashing.Read(buf, sizeof(buf));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(std::string(buf, *got), "abc");
  absl::StatusOr<Digests> d = hashing.DrainAndFinish();
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->sha256, testing::Sha256(data));
  EXPECT_EQ(d->size, 6u);
  // Finished: no more reads, and Finish() repeats the same digests.
  EXPECT_EQ(hashing.Read(buf, sizeof(buf)).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(hashing.Finish().sha256, d->sha256);
}

// Fails after handing out `good` bytes.
class FailingStream : public ByteStream {
 public:
  explicit FailingStream(std::string good) : good_(std::move(good)), mem_(good_) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    absl::StatusOr<size_t> got = mem_.Read(buf, n);
    if (got.ok() && *got == 0) return absl::DataLossError("boom");
    return got;
  }

 private:
  std::string good_;
  MemoryStream mem_;
};

TEST(HashingStreamTest, ErrorLeavesDigestsOfWhatWasRead) {
  FailingStream failing("abc");
  HashingStream hashing(&failing);
  absl::StatusOr<Digests> d = hashing.DrainAndFinish();
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), absl::StatusCode::kDataLoss);
  const Digests partial = hashing.Finish();
  EXPECT_EQ(partial.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(partial.size, 3u);
}

TEST(HashFileTest, MillionAsAcrossChunks) {
  // One million 'a' is a FIPS 180-2 vector but fits in one 1 MiB chunk; the
  // second file spans several chunks and a partial last one.
  testing::TempDir dir;
  const std::string million(1000000, 'a');
  const std::string path = dir.Write("a.bin", million);
  absl::StatusOr<Digests> d = HashFile(path);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->sha256, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_EQ(d->size, 1000000u);

  const std::string big = testing::Incompressible((3 << 20) + 17, 7);
  const std::string big_path = dir.Write("big.bin", big);
  absl::StatusOr<Digests> big_digests = HashFile(big_path);
  ASSERT_TRUE(big_digests.ok()) << big_digests.status();
  MultiHasher reference;
  reference.Update(big);
  const Digests want = reference.Finish();
  EXPECT_EQ(big_digests->sha256, want.sha256);
  EXPECT_EQ(big_digests->sha1, want.sha1);
  EXPECT_EQ(big_digests->md5, want.md5);
  EXPECT_EQ(big_digests->size, big.size());
}

TEST(HashFileTest, MissingFileIsNotFound) {
  testing::TempDir dir;
  absl::StatusOr<Digests> d = HashFile(dir.path() + "/nope.csv");
  EXPECT_EQ(d.status().code(), absl::StatusCode::kNotFound);
}

TEST(HashFileTest, FolderIsRejected) {
  testing::TempDir dir;
  absl::StatusOr<Digests> d = HashFile(dir.path());
  EXPECT_EQ(d.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace tern
