// ParserRegistry: detection by confidence, ties by name whatever the
// registration order, and unique names.
#include "core/ingest/parser.h"

#include <memory>
#include <string>
#include <utility>

#include "gtest/gtest.h"

namespace tern {
namespace {

// Claims heads that start with its marker, with a fixed confidence.
class FakeParser : public Parser {
 public:
  FakeParser(std::string name, std::string marker, int confidence)
      : name_(std::move(name)), marker_(std::move(marker)), confidence_(confidence) {}
  std::string_view name() const override { return name_; }
  std::string_view description() const override { return "fake"; }
  int Sniff(std::string_view head) const override {
    return head.substr(0, marker_.size()) == marker_ ? confidence_ : 0;
  }
  absl::Status Parse(ByteStream&, ParseContext&) const override { return absl::OkStatus(); }

 private:
  std::string name_, marker_;
  int confidence_;
};

std::string Detected(const ParserRegistry& registry, std::string_view head) {
  const Parser* p = registry.Detect(head);
  return p == nullptr ? "<none>" : std::string(p->name());
}

TEST(ParserRegistryTest, MostConfidentWins) {
  ParserRegistry registry;
  ASSERT_TRUE(registry.Register(std::make_unique<FakeParser>("generic", "a", 40)).ok());
  ASSERT_TRUE(registry.Register(std::make_unique<FakeParser>("specific", "ab", 90)).ok());
  EXPECT_EQ(Detected(registry, "abc"), "specific");
  EXPECT_EQ(Detected(registry, "ax"), "generic");
  EXPECT_EQ(Detected(registry, "x"), "<none>");
  EXPECT_EQ(Detected(registry, ""), "<none>");
}

TEST(ParserRegistryTest, TiesGoToTheFirstNameInAnyRegistrationOrder) {
  for (bool reversed : {false, true}) {
    ParserRegistry registry;
    auto first = std::make_unique<FakeParser>("alpha-csv", "x", 80);
    auto second = std::make_unique<FakeParser>("beta-csv", "x", 80);
    if (reversed) std::swap(first, second);
    ASSERT_TRUE(registry.Register(std::move(first)).ok());
    ASSERT_TRUE(registry.Register(std::move(second)).ok());
    EXPECT_EQ(Detected(registry, "x"), "alpha-csv") << reversed;
  }
}

TEST(ParserRegistryTest, NamesAreUniqueIgnoringCase) {
  ParserRegistry registry;
  ASSERT_TRUE(registry.Register(std::make_unique<FakeParser>("ual-json", "{", 90)).ok());
  EXPECT_EQ(registry.Register(std::make_unique<FakeParser>("UAL-JSON", "{", 90)).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(registry.Register(nullptr).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_NE(registry.Find("Ual-Json"), nullptr);
  EXPECT_EQ(registry.Find("nope"), nullptr);
}

}  // namespace
}  // namespace tern
