#include "core/sigma/condition.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tern::sigma {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Op = Condition::Op;

const std::vector<std::string> kNames = {"selection", "sel_a", "sel_b", "filter_main", "_hidden"};

// Renders a condition tree compactly for assertions.
std::string Show(const Condition& c) {
  switch (c.op) {
    case Op::kRef:
      return kNames[c.selection];
    case Op::kNot:
      return "not(" + Show(c.children[0]) + ")";
    case Op::kAnd:
    case Op::kOr: {
      std::string s = c.op == Op::kAnd ? "and(" : "or(";
      for (size_t i = 0; i < c.children.size(); ++i) s += (i ? "," : "") + Show(c.children[i]);
      return s + ")";
    }
    case Op::kOneOf:
    case Op::kAllOf:
    case Op::kCountOf: {
      std::string s = c.op == Op::kOneOf   ? "1of["
                      : c.op == Op::kAllOf ? "allof["
                                           : "nof" + std::to_string(c.count) + "[";
      for (size_t i = 0; i < c.selections.size(); ++i)
        s += (i ? "," : "") + kNames[c.selections[i]];
      return s + "]";
    }
  }
  return "?";
}

std::string Parse(std::string_view text) {
  absl::StatusOr<Condition> c = ParseCondition(text, kNames);
  return c.ok() ? Show(*c) : "ERROR: " + std::string(c.status().message());
}

TEST(ConditionTest, SingleIdentifier) { EXPECT_EQ(Parse("selection"), "selection"); }

TEST(ConditionTest, AndBindsTighterThanOr) {
  EXPECT_EQ(Parse("sel_a or sel_b and selection"), "or(sel_a,and(sel_b,selection))");
  EXPECT_EQ(Parse("sel_a and sel_b or selection"), "or(and(sel_a,sel_b),selection)");
}

TEST(ConditionTest, NotBindsTightest) {
  EXPECT_EQ(Parse("selection and not filter_main"), "and(selection,not(filter_main))");
  EXPECT_EQ(Parse("not not selection"), "not(not(selection))");
}

TEST(ConditionTest, Parentheses) {
  EXPECT_EQ(Parse("(sel_a or sel_b) and selection"), "and(or(sel_a,sel_b),selection)");
  EXPECT_EQ(Parse("not (sel_a or sel_b)"), "not(or(sel_a,sel_b))");
  EXPECT_EQ(Parse("((selection))"), "selection");
}

TEST(ConditionTest, KeywordsAreCaseInsensitive) {
  EXPECT_EQ(Parse("selection AND NOT filter_main"), "and(selection,not(filter_main))");
}

TEST(ConditionTest, Quantifiers) {
  EXPECT_EQ(Parse("1 of sel_*"), "1of[sel_a,sel_b]");
  EXPECT_EQ(Parse("any of sel_*"), "1of[sel_a,sel_b]");
  EXPECT_EQ(Parse("all of sel_*"), "allof[sel_a,sel_b]");
  EXPECT_EQ(Parse("2 of sel*"), "nof2[selection,sel_a,sel_b]");
  EXPECT_EQ(Parse("selection and not 1 of filter_*"), "and(selection,not(1of[filter_main]))");
}

TEST(ConditionTest, ThemLeavesOutUnderscoreIdentifiers) {
  EXPECT_EQ(Parse("all of them"), "allof[selection,sel_a,sel_b,filter_main]");
  EXPECT_EQ(Parse("1 of them"), "1of[selection,sel_a,sel_b,filter_main]");
  EXPECT_EQ(Parse("1 of _hid*"), "1of[_hidden]");
}

TEST(ConditionTest, Errors) {
  EXPECT_THAT(Parse(""), HasSubstr("empty condition"));
  EXPECT_THAT(Parse("selection and"), HasSubstr("ends too early"));
  EXPECT_THAT(Parse("(selection"), HasSubstr("missing ')'"));
  EXPECT_THAT(Parse("selection)"), HasSubstr("unexpected ')'"));
  EXPECT_THAT(Parse("selection sel_a"), HasSubstr("unexpected 'sel_a'"));
  EXPECT_THAT(Parse("nosuch"), HasSubstr("unknown search identifier 'nosuch'"));
  EXPECT_THAT(Parse("1 of x*"), HasSubstr("matches no search identifier"));
  EXPECT_THAT(Parse("0 of sel*"), HasSubstr("bad quantifier"));
  EXPECT_THAT(Parse("selection | count() > 5"), HasSubstr("correlation rule"));
  EXPECT_THAT(Parse("and selection"), HasSubstr("unexpected 'and'"));
  EXPECT_THAT(Parse("1 of"), HasSubstr("names nothing"));
  std::string deep(200, '(');
  EXPECT_THAT(Parse(deep + "selection" + std::string(200, ')')), HasSubstr("too deep"));
}

}  // namespace
}  // namespace tern::sigma
