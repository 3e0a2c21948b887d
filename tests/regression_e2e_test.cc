// End-to-end: `tern diff` and `--expect` as a CI job uses them (issue 15).
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/tern_runner.h"

namespace tern::testing {
namespace {

using ::testing::HasSubstr;

class RegressionTest : public ::testing::Test {
 protected:
  // A case over the planted BEC tenant, and one over only its first half.
  static void SetUpTestSuite() {
    tmp_ = new TempDir();
    const std::string full = Fixture("scenarios/bec_attack.jsonl");
    ASSERT_LE(
        RunTern({"run", "--case", *tmp_ / "a", "--quiet", "--org-domain", "contoso.com", full})
            .exit_code,
        1);
    ASSERT_LE(RunTern({"run", "--case", *tmp_ / "b", "--quiet", "--org-domain", "contoso.com",
                       "--threads", "1", full})
                  .exit_code,
              1);
    const std::string text = ReadFile(full);
    size_t cut = 0;
    for (int i = 0; i < 200; ++i) cut = text.find('\n', cut) + 1;
    WriteFile(*tmp_ / "half.jsonl", text.substr(0, cut));
    ASSERT_LE(RunTern({"run", "--case", *tmp_ / "half", "--quiet", "--org-domain", "contoso.com",
                       *tmp_ / "half.jsonl"})
                  .exit_code,
              1);
  }
  static void TearDownTestSuite() { delete tmp_; }
  static std::string Dir(const std::string& name) { return *tmp_ / name; }
  static TempDir* tmp_;
};
TempDir* RegressionTest::tmp_ = nullptr;

TEST_F(RegressionTest, EqualCasesDiffEqual) {
  const RunResult r = RunTern({"diff", Dir("a"), Dir("b")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "no differences\n");
  // findings.json files work as well as case directories.
  const RunResult files =
      RunTern({"diff", "--format", "json", Dir("a") + "/findings.json", Dir("b")});
  EXPECT_EQ(files.exit_code, 0);
  EXPECT_THAT(files.out, HasSubstr("\"equal\": true"));
}

TEST_F(RegressionTest, DifferentCasesListTheirDifferencesStably) {
  const RunResult r = RunTern({"diff", Dir("half"), Dir("a")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out,
              HasSubstr("+ finding mailbox-forwarding-external mailbox=omar.haddad@contoso.com"));
  EXPECT_THAT(r.out, HasSubstr("~ summary events  "));
  EXPECT_THAT(r.out, HasSubstr(" differences\n"));
  EXPECT_EQ(RunTern({"diff", Dir("half"), Dir("a")}).out, r.out);
  const RunResult json = RunTern({"diff", "--format", "json", Dir("half"), Dir("a")});
  EXPECT_EQ(json.exit_code, 1);
  EXPECT_THAT(json.out, HasSubstr("\"equal\": false"));
  EXPECT_THAT(json.out, HasSubstr("\"change\": \"added\""));
}

TEST_F(RegressionTest, DiffErrorsAreUsageOrFatal) {
  EXPECT_EQ(RunTern({"diff", Dir("a")}).exit_code, 2);
  EXPECT_EQ(RunTern({"diff", "--format", "xml", Dir("a"), Dir("b")}).exit_code, 2);
  const RunResult missing = RunTern({"diff", Dir("a"), Dir("nowhere")});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_THAT(missing.err, HasSubstr("nowhere"));
}

TEST_F(RegressionTest, ExpectAStoredFindingsJson) {
  WriteFile(Dir("baseline.json"), ReadFile(Dir("a") + "/findings.json"));
  const RunResult pass = RunTern({"report", "--case", Dir("b"), "--expect", Dir("baseline.json")});
  EXPECT_EQ(pass.exit_code, 0) << pass.out << pass.err;
  EXPECT_THAT(pass.out, HasSubstr("expect    findings equal"));
  const RunResult fail =
      RunTern({"report", "--case", Dir("half"), "--expect", Dir("baseline.json")});
  EXPECT_EQ(fail.exit_code, 1);
  EXPECT_THAT(fail.out, HasSubstr("expect    findings differ from"));
  EXPECT_THAT(fail.out, HasSubstr("- finding mailbox-forwarding-external"));
}

TEST_F(RegressionTest, ExpectAnExpectationFile) {
  WriteFile(Dir("ok.yml"), R"(findings:
  - rule: mailbox-forwarding-external
    mailbox: omar.haddad@contoso.com
  - rule: inbox-rule-forward-external
    mailbox: OMAR.HADDAD@contoso.com
    min: 1
no_high:
  - nobody@contoso.com
)");
  const RunResult pass = RunTern({"report", "--case", Dir("a"), "--expect", Dir("ok.yml")});
  EXPECT_EQ(pass.exit_code, 0) << pass.out << pass.err;
  EXPECT_THAT(pass.out, HasSubstr("expect    3 of 3 expectations met"));

  WriteFile(Dir("fail.json"),
            R"({"findings": [{"rule": "mailbox-forwarding-external", "max": 0}],
                "no_high": ["omar.haddad@contoso.com"]})");
  const RunResult fail = RunTern({"run", "--case", Dir("rerun"), "--quiet", "--expect",
                                  Dir("fail.json"), Fixture("scenarios/bec_attack.jsonl")});
  EXPECT_EQ(fail.exit_code, 1) << fail.err;
  EXPECT_THAT(fail.out, HasSubstr("expect    FAILED expected rule mailbox-forwarding-external: 0 "
                                  "to 0 findings; found "));
  EXPECT_THAT(fail.out, HasSubstr("expect    FAILED expected no high or critical finding on "
                                  "omar.haddad@contoso.com; found "));
  EXPECT_THAT(fail.out, HasSubstr("expect    0 of 2 expectations met"));

  WriteFile(Dir("bad.yml"), "findings:\n  - rul: x\n");
  const RunResult bad = RunTern({"report", "--case", Dir("a"), "--expect", Dir("bad.yml")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("unknown key 'rul'"));
}

}  // namespace
}  // namespace tern::testing
