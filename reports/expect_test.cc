#include "reports/expect.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern {
namespace {

using ::testing::HasSubstr;

FindingsDocument WithFinding(const std::string& rule) {
  FindingsDocument doc;
  doc.schema = "tern.findings/1";
  DocumentFinding f;
  f.rule = rule;
  f.severity = "high";
  doc.findings.push_back(f);
  return doc;
}

TEST(CheckExpectationTest, BaselineEqualOrDiffering) {
  Expectation e;
  e.path = "baseline.json";
  e.baseline = WithFinding("mass-download");
  ExpectOutcome same = CheckExpectation(e, WithFinding("mass-download"));
  EXPECT_TRUE(same.met);
  EXPECT_EQ(same.text, "expect    findings equal baseline.json\n");
  ExpectOutcome other = CheckExpectation(e, WithFinding("inbox-rule-forward-external"));
  EXPECT_FALSE(other.met);
  EXPECT_THAT(other.text, HasSubstr("expect    findings differ from baseline.json:\n"));
  EXPECT_THAT(other.text, HasSubstr("inbox-rule-forward-external"));
}

TEST(CheckExpectationTest, CountsTheExpectationsMet) {
  Expectation e;
  e.path = "ci.yml";
  FindingExpectation present;
  present.rule = "mass-download";
  FindingExpectation absent;
  absent.rule = "inbox-rule-forward-external";
  e.expectations = {present, absent};
  ExpectOutcome outcome = CheckExpectation(e, WithFinding("mass-download"));
  EXPECT_FALSE(outcome.met);
  EXPECT_THAT(outcome.text, HasSubstr("expect    FAILED "));
  EXPECT_THAT(outcome.text, HasSubstr("expect    1 of 2 expectations met (ci.yml)\n"));
}

}  // namespace
}  // namespace tern
