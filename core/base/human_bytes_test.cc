#include "core/base/human_bytes.h"

#include "gtest/gtest.h"

namespace tern {
namespace {

TEST(HumanBytesTest, DecimalUnitsWithOneDecimal) {
  EXPECT_EQ(HumanBytes(0), "0 B");
  EXPECT_EQ(HumanBytes(999), "999 B");
  EXPECT_EQ(HumanBytes(1000), "1.0 kB");
  EXPECT_EQ(HumanBytes(1234567), "1.2 MB");
  EXPECT_EQ(HumanBytes(uint64_t{5} * 1000 * 1000 * 1000 * 1000 * 1000), "5000.0 TB");
}

}  // namespace
}  // namespace tern
