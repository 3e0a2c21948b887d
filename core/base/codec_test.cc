#include "core/base/codec.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace tern {
namespace {

TEST(CodecTest, VarintRoundTripsBoundaries) {
  const std::vector<uint64_t> values = {0,          1,
                                        127,        128,
                                        300,        16383,
                                        16384,      (1ULL << 32) - 1,
                                        1ULL << 32, (1ULL << 63) - 1,
                                        1ULL << 63, std::numeric_limits<uint64_t>::max()};
  std::string buf;
  for (uint64_t v : values) PutVarint64(v, &buf);
  Decoder d(buf);
  for (uint64_t want : values) {
    uint64_t got = 0;
    ASSERT_TRUE(d.GetVarint64(&got));
    EXPECT_EQ(got, want);
  }
  EXPECT_TRUE(d.done());
  EXPECT_TRUE(d.ok());
}

TEST(CodecTest, VarintByteLengths) {
  std::string buf;
  PutVarint64(127, &buf);
  EXPECT_EQ(buf, std::string("\x7f", 1));
  buf.clear();
  PutVarint64(300, &buf);
  EXPECT_EQ(buf, std::string("\xac\x02", 2));
  buf.clear();
  PutVarint64(std::numeric_limits<uint64_t>::max(), &buf);
  EXPECT_EQ(buf.size(), 10u);
}

TEST(CodecTest, ZigZagRoundTripsAndKeepsSmallValuesShort) {
  const std::vector<int64_t> values = {0,
                                       -1,
                                       1,
                                       -64,
                                       63,
                                       -65,
                                       64,
                                       std::numeric_limits<int64_t>::min(),
                                       std::numeric_limits<int64_t>::max(),
                                       -1700000000000,
                                       1700000000000};
  for (int64_t v : values) {
    std::string buf;
    PutVarsint64(v, &buf);
    Decoder d(buf);
    int64_t got = 0;
    ASSERT_TRUE(d.GetVarsint64(&got)) << v;
    EXPECT_EQ(got, v);
    EXPECT_TRUE(d.done());
  }
  std::string buf;
  PutVarsint64(-1, &buf);
  EXPECT_EQ(buf, std::string("\x01", 1));
  buf.clear();
  PutVarsint64(-64, &buf);
  EXPECT_EQ(buf.size(), 1u);
}

TEST(CodecTest, TruncatedVarintFailsAndStaysFailed) {
  std::string buf;
  PutVarint64(1ULL << 40, &buf);
  buf.pop_back();
  Decoder d(buf);
  uint64_t v = 0;
  EXPECT_FALSE(d.GetVarint64(&v));
  EXPECT_FALSE(d.ok());
  // Once failed, later reads fail too, even of otherwise valid input.
  EXPECT_FALSE(d.GetVarint64(&v));
}

TEST(CodecTest, OverlongVarintFails) {
  // Eleven continuation bytes: longer than any uint64 encoding.
  // The decoder keeps a view, so the inputs must outlive it.
  const std::string eleven = std::string(11, '\x80') + "\x01";
  Decoder d1(eleven);
  uint64_t v = 0;
  EXPECT_FALSE(d1.GetVarint64(&v));
  // Ten bytes whose last carries more than the top bit: overflows 64 bits.
  const std::string overflow = std::string(9, '\xff') + "\x02";
  Decoder d2(overflow);
  EXPECT_FALSE(d2.GetVarint64(&v));
  // Ten bytes with only the top bit in the last one: the maximum value.
  const std::string max = std::string(9, '\xff') + "\x01";
  Decoder d3(max);
  ASSERT_TRUE(d3.GetVarint64(&v));
  EXPECT_EQ(v, std::numeric_limits<uint64_t>::max());
}

TEST(CodecTest, EmptyInputFails) {
  Decoder d("");
  EXPECT_TRUE(d.done());
  uint64_t v;
  EXPECT_FALSE(d.GetVarint64(&v));
  EXPECT_FALSE(d.ok());
}

TEST(CodecTest, LengthPrefixedRoundTripsIncludingNulAndEmpty) {
  std::string buf;
  const std::string with_nul("a\0b", 3);
  PutLengthPrefixed("", &buf);
  PutLengthPrefixed(with_nul, &buf);
  PutLengthPrefixed(std::string(1000, 'x'), &buf);
  Decoder d(buf);
  std::string_view a;
  std::string b, c;
  ASSERT_TRUE(d.GetLengthPrefixed(&a));
  EXPECT_EQ(a, "");
  ASSERT_TRUE(d.GetString(&b));
  EXPECT_EQ(b, with_nul);
  ASSERT_TRUE(d.GetString(&c));
  EXPECT_EQ(c, std::string(1000, 'x'));
  EXPECT_TRUE(d.done());
}

TEST(CodecTest, LengthBeyondInputFails) {
  std::string buf;
  PutLengthPrefixed("hello", &buf);
  buf.pop_back();
  Decoder d(buf);
  std::string_view s;
  EXPECT_FALSE(d.GetLengthPrefixed(&s));
  EXPECT_FALSE(d.ok());

  // A huge declared length must not be trusted.
  std::string huge;
  PutVarint64(std::numeric_limits<uint64_t>::max(), &huge);
  huge += "abc";
  Decoder d2(huge);
  std::string out;
  EXPECT_FALSE(d2.GetString(&out));
}

TEST(CodecTest, EveryPrefixOfAValidStreamFailsSomewhere) {
  std::string buf;
  PutVarint64(1ULL << 50, &buf);
  PutVarsint64(-123456789, &buf);
  PutLengthPrefixed("payload", &buf);
  for (size_t n = 0; n < buf.size(); ++n) {
    Decoder d(std::string_view(buf).substr(0, n));
    uint64_t u;
    int64_t s;
    std::string_view p;
    const bool all = d.GetVarint64(&u) && d.GetVarsint64(&s) && d.GetLengthPrefixed(&p);
    EXPECT_FALSE(all) << "prefix " << n;
  }
}

TEST(CodecTest, BigEndianRoundTripsAndSortsNumerically) {
  std::string a, b;
  PutBigEndian64(0x0102030405060708ULL, &a);
  EXPECT_EQ(a, std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  EXPECT_EQ(DecodeBigEndian64(a.data()), 0x0102030405060708ULL);
  PutBigEndian32(0xdeadbeef, &b);
  EXPECT_EQ(b, std::string("\xde\xad\xbe\xef", 4));
  EXPECT_EQ(DecodeBigEndian32(b.data()), 0xdeadbeefu);

  std::string x, y;
  PutBigEndian64(255, &x);
  PutBigEndian64(256, &y);
  EXPECT_LT(x, y);
}

TEST(CodecTest, OrderPreservingTimeSortsNegativeBeforePositive) {
  const std::vector<int64_t> times = {
      std::numeric_limits<int64_t>::min(), -86400000, -1, 0, 1, 1700000000000,
      std::numeric_limits<int64_t>::max()};
  std::string prev;
  for (int64_t t : times) {
    std::string key;
    PutBigEndian64(OrderPreservingTime(t), &key);
    EXPECT_EQ(TimeFromOrderPreserving(DecodeBigEndian64(key.data())), t);
    if (!prev.empty()) {
      EXPECT_LT(prev, key) << t;
    }
    prev = key;
  }
}

}  // namespace
}  // namespace tern
