#include "core/evidence/byte_stream.h"

#include <string>

#include "gtest/gtest.h"

namespace tern {
namespace {

TEST(MemoryStreamTest, ReadsInPiecesThenEnds) {
  MemoryStream in("hello");
  char buf[2];
  std::string out;
  while (true) {
    absl::StatusOr<size_t> got = in.Read(buf, sizeof(buf));
    ASSERT_TRUE(got.ok());
    if (*got == 0) break;
    EXPECT_LE(*got, sizeof(buf));
    out.append(buf, *got);
  }
  EXPECT_EQ(out, "hello");
  absl::StatusOr<size_t> again = in.Read(buf, sizeof(buf));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
}

TEST(ReplayStreamTest, ReplaysHeadThenContinues) {
  MemoryStream rest("world");
  ReplayStream in("hello ", &rest);
  std::string out;
  ASSERT_TRUE(ReadUpTo(in, 100, &out).ok());
  EXPECT_EQ(out, "hello world");
}

TEST(ReplayStreamTest, EmptyHeadGoesStraightToRest) {
  MemoryStream rest("abc");
  ReplayStream in("", &rest);
  char buf[8];
  absl::StatusOr<size_t> got = in.Read(buf, sizeof(buf));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(std::string(buf, *got), "abc");
}

TEST(ReadUpToTest, StopsAtMaxAndAppends) {
  MemoryStream in("0123456789");
  std::string out = "x";
  ASSERT_TRUE(ReadUpTo(in, 4, &out).ok());
  EXPECT_EQ(out, "x012");
  ASSERT_TRUE(ReadUpTo(in, 100, &out).ok());
  EXPECT_EQ(out, "x0123456789");
}

class BrokenStream : public ByteStream {
 public:
  absl::StatusOr<size_t> Read(char*, size_t) override { return absl::DataLossError("broken"); }
};

TEST(ReadUpToTest, PassesErrorsOnAndKeepsWhatItHad) {
  BrokenStream broken;
  std::string out = "kept";
  absl::Status s = ReadUpTo(broken, 100, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(out, "kept");
}

}  // namespace
}  // namespace tern
