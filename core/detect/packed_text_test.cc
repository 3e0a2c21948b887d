#include "core/detect/packed_text.h"

#include <string>

#include "absl/hash/hash.h"
#include "gtest/gtest.h"

namespace tern::detect {
namespace {

TEST(PackedTextTest, GivesBackExactlyTheTextPacked) {
  for (const std::string text :
       {"038b5782-ebed-417c-85fc-8a3e848654d9", "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        // Not packed as GUIDs: upper case, braces, wrong dashes, other ids.
        "038B5782-EBED-417C-85FC-8A3E848654D9", "{038b5782-ebed-417c-85fc-8a3e848654d9}",
        "038b5782ebed-417c-85fc-8a3e848654d9-", "038b5782-ebed-417c-85fc-8a3e848654dg", "",
        "S-0123456789ab", "r1700000000000"}) {
    EXPECT_EQ(PackedText(text).str(), text);
  }
}

TEST(PackedTextTest, EqualAndHashedByText) {
  const PackedText a("038b5782-ebed-417c-85fc-8a3e848654d9");
  const PackedText b("038b5782-ebed-417c-85fc-8a3e848654d9");
  const PackedText c("038b5782-ebed-417c-85fc-8a3e848654d8");
  const PackedText upper("038B5782-EBED-417C-85FC-8A3E848654D9");
  EXPECT_EQ(a, b);
  EXPECT_EQ(absl::Hash<PackedText>()(a), absl::Hash<PackedText>()(b));
  EXPECT_FALSE(a == c);
  EXPECT_FALSE(a == upper);
  EXPECT_EQ(PackedText("x"), PackedText("x"));
  EXPECT_FALSE(PackedText("x") == PackedText("y"));
  EXPECT_FALSE(PackedText("") == PackedText("00000000-0000-0000-0000-000000000000"));
}

TEST(PackedTextTest, CopiesAreDeepAndEqual) {
  PackedText other("not-a-guid");
  const PackedText copy = other;
  other = PackedText("changed");
  EXPECT_EQ(copy.str(), "not-a-guid");
  EXPECT_EQ(other.str(), "changed");
  const PackedText guid("038b5782-ebed-417c-85fc-8a3e848654d9");
  PackedText assigned("x");
  assigned = guid;
  EXPECT_EQ(assigned, guid);
}

TEST(PackedAnchorTest, GivesBackTheAnchorPacked) {
  for (const EvidenceAnchor& anchor :
       {EvidenceAnchor{"038b5782-ebed-417c-85fc-8a3e848654d9", 7, 123456789012ULL, -5},
        EvidenceAnchor{"R-42", 0, 0, 1700000000000}, EvidenceAnchor{"", 4294967295u, 1, 0}}) {
    const PackedAnchor packed(anchor);
    EXPECT_EQ(packed.Unpack(), anchor);
    EXPECT_EQ(packed.time_ms(), anchor.time_ms);
    EXPECT_EQ(packed.record_id(), PackedText(anchor.record_id));
    const PackedAnchor copy = packed;
    EXPECT_EQ(copy.Unpack(), anchor);
  }
}

}  // namespace
}  // namespace tern::detect
