// End-to-end tests of Sigma rules through the built `tern` binary: user
// rules given with --rules become findings like the built-in ones (rule id,
// level, ATT&CK, evidence anchors), correlations fire on the spray and not
// on one user's typos, `tern rules` lists loaded rules, and `tern rules
// lint` names file, line and problem.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "simdjson.h"
#include "tests/testing/tern_runner.h"

namespace tern::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

struct FoundFinding {
  std::string severity;
  std::string actor;
  std::vector<std::string> attack;
  std::vector<std::string> ips;
  size_t anchors = 0;
  std::string details;
};

std::multimap<std::string, FoundFinding> LoadFindings(const std::string& path) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  EXPECT_EQ(parser.load(path).get(doc), simdjson::SUCCESS) << path;
  std::multimap<std::string, FoundFinding> out;
  simdjson::dom::array findings;
  if (doc["findings"].get_array().get(findings) != simdjson::SUCCESS) return out;
  for (simdjson::dom::element f : findings) {
    FoundFinding found;
    std::string_view text;
    if (f["severity"].get_string().get(text) == simdjson::SUCCESS) found.severity = text;
    if (f["actor"].get_string().get(text) == simdjson::SUCCESS) found.actor = text;
    simdjson::dom::array list;
    if (f["attack"].get_array().get(list) == simdjson::SUCCESS) {
      for (simdjson::dom::element a : list) {
        if (a.get_string().get(text) == simdjson::SUCCESS) found.attack.emplace_back(text);
      }
    }
    if (f["client_ips"].get_array().get(list) == simdjson::SUCCESS) {
      for (simdjson::dom::element a : list) {
        if (a.get_string().get(text) == simdjson::SUCCESS) found.ips.emplace_back(text);
      }
    }
    if (f["evidence"].get_array().get(list) == simdjson::SUCCESS) found.anchors = list.size();
    simdjson::dom::element details;
    if (f["details"].get(details) == simdjson::SUCCESS) found.details = simdjson::minify(details);
    std::string rule;
    if (f["rule"].get_string().get(text) == simdjson::SUCCESS) rule = text;
    out.emplace(rule, found);
  }
  return out;
}

class SigmaE2eTest : public ::testing::Test {
 protected:
  RunResult RunWithRules(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"run", "--case", tmp_ / "case", "--case-id", "SIGMA"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(Fixture("sigma_e2e/m365_attacks.jsonl"));
    return RunTern(args);
  }
  TempDir tmp_;
};

TEST_F(SigmaE2eTest, UserRulesBecomeFindings) {
  RunResult run = RunWithRules({"--rules", Fixture("sigma_e2e/rules/casmailbox_legacy_enabled.yml"),
                                "--rules", Fixture("sigma_e2e/rules/password_spray.yml")});
  ASSERT_LE(run.exit_code, 1) << run.err;
  auto findings = LoadFindings(tmp_ / "case/findings.json");

  ASSERT_EQ(findings.count("e2e-casmailbox-legacy-enabled"), 1u);
  const FoundFinding& cas = findings.find("e2e-casmailbox-legacy-enabled")->second;
  EXPECT_EQ(cas.severity, "high");
  EXPECT_EQ(cas.actor, "admin@contoso.example");
  EXPECT_THAT(cas.attack, ::testing::ElementsAre("T1114.002"));
  EXPECT_EQ(cas.anchors, 1u);  // bob's, not carol's (IMAP disabled)
  EXPECT_THAT(cas.details, HasSubstr("\"sigma_author\":\"tern tests\""));

  ASSERT_EQ(findings.count("e2e-password-spray"), 1u);
  const FoundFinding& spray = findings.find("e2e-password-spray")->second;
  EXPECT_EQ(spray.severity, "high");
  EXPECT_THAT(spray.ips, ::testing::ElementsAre("203.0.113.66"));
  EXPECT_EQ(spray.anchors, 12u);
  EXPECT_THAT(spray.details,
              AllOf(HasSubstr("\"count\":12"), HasSubstr("\"group\":\"203.0.113.66\"")));
  // The base rule is referenced by the correlation: it does not report alone.
  EXPECT_EQ(findings.count("e2e-failed-signin"), 0u);
}

TEST_F(SigmaE2eTest, WithoutRulesNoSigmaFindings) {
  RunResult run = RunWithRules({});
  ASSERT_LE(run.exit_code, 1) << run.err;
  const std::string json = ReadFile(tmp_ / "case/findings.json");
  EXPECT_THAT(json, Not(HasSubstr("e2e-")));
}

// tern's own rule pack (rules/*.yml) runs without --rules, like the C++ rules.
TEST_F(SigmaE2eTest, ThePackRunsWithoutRules) {
  RunResult run = RunWithRules({});
  ASSERT_LE(run.exit_code, 1) << run.err;
  auto findings = LoadFindings(tmp_ / "case/findings.json");
  ASSERT_EQ(findings.count("casmailbox-protocol-enabled"), 1u);
  const FoundFinding& cas = findings.find("casmailbox-protocol-enabled")->second;
  EXPECT_EQ(cas.severity, "high");
  EXPECT_EQ(cas.anchors, 1u);  // bob's IMAP/POP on, not carol's IMAP off
  EXPECT_THAT(cas.attack, ::testing::Contains("T1114.002"));
  // tern's own rules carry no Sigma attribution.
  EXPECT_THAT(cas.details, Not(HasSubstr("sigma_author")));
  ASSERT_EQ(findings.count("mfa-disabled"), 1u);
  EXPECT_EQ(findings.find("mfa-disabled")->second.severity, "high");
  ASSERT_EQ(findings.count("password-spray"), 1u);
  EXPECT_THAT(findings.find("password-spray")->second.ips, ::testing::ElementsAre("203.0.113.66"));
  // Correlation inputs never report alone; one user's three typos are no burst.
  EXPECT_EQ(findings.count("sign-in-failed"), 0u);
  EXPECT_EQ(findings.count("failed-login-burst"), 0u);
  // The methodology names the pack file and its SHA-256.
  EXPECT_THAT(ReadFile(tmp_ / "case/report.html"),
              HasSubstr("(tern&#39;s rule pack, rules/failed-login-burst.yml, SHA-256 "));
}

TEST_F(SigmaE2eTest, TheTuningFileCanTurnOffAPackRule) {
  const std::string tuning = tmp_ / "tuning.yml";
  WriteFile(tuning,
            "rules_disabled: [password-spray]\nseverity_overrides: {mfa-disabled: critical}\n");
  RunResult run = RunWithRules({"--config", tuning});
  ASSERT_LE(run.exit_code, 1) << run.err;
  auto findings = LoadFindings(tmp_ / "case/findings.json");
  EXPECT_EQ(findings.count("password-spray"), 0u);
  ASSERT_EQ(findings.count("mfa-disabled"), 1u);
  EXPECT_EQ(findings.find("mfa-disabled")->second.severity, "critical");
}

TEST_F(SigmaE2eTest, AUserRuleMayNotTakeABuiltInId) {
  const std::string rule = tmp_ / "dup.yml";
  WriteFile(rule,
            "title: t\nid: send-as\nlogsource: {product: m365, service: exchange}\n"
            "detection:\n  s:\n    Operation: SendAs\n  condition: s\nlevel: low\n");
  RunResult run = RunWithRules({"--rules", rule});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("id is the id of a built-in rule"));
}

TEST_F(SigmaE2eTest, AFolderOfRulesLoadsEveryFile) {
  RunResult run = RunWithRules({"--rules", Fixture("sigma_e2e/rules")});
  ASSERT_LE(run.exit_code, 1) << run.err;
  auto findings = LoadFindings(tmp_ / "case/findings.json");
  EXPECT_EQ(findings.count("e2e-casmailbox-legacy-enabled"), 1u);
  EXPECT_EQ(findings.count("e2e-password-spray"), 1u);
}

TEST_F(SigmaE2eTest, ABrokenRuleFileIsAUsageError) {
  RunResult run = RunWithRules({"--rules", Fixture("sigma_e2e/bad")});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("broken.yml:8: error: unknown modifier 'contians'"));
}

TEST_F(SigmaE2eTest, TheReportListsLoadedRulesWithTheirFileHash) {
  RunResult run = RunWithRules({"--rules", Fixture("sigma_e2e/rules")});
  ASSERT_LE(run.exit_code, 1) << run.err;
  const std::string html = ReadFile(tmp_ / "case/report.html");
  EXPECT_THAT(html, HasSubstr("e2e-password-spray"));
  EXPECT_THAT(html, HasSubstr("Sigma rule, password_spray.yml, SHA-256 "));
  // A later analysis without --rules forgets them.
  RunResult again = RunTern({"analyze", "--case", tmp_ / "case"});
  ASSERT_LE(again.exit_code, 1) << again.err;
  ASSERT_EQ(RunTern({"report", "--case", tmp_ / "case"}).exit_code, 0);
  EXPECT_THAT(ReadFile(tmp_ / "case/report.html"), Not(HasSubstr("e2e-password-spray")));
}

TEST_F(SigmaE2eTest, TuningFileChangesFindingsAndIsRecorded) {
  RunResult plain = RunWithRules({"--rules", Fixture("sigma_e2e/rules")});
  ASSERT_LE(plain.exit_code, 1) << plain.err;
  auto before = LoadFindings(tmp_ / "case/findings.json");
  ASSERT_EQ(before.count("e2e-password-spray"), 1u);
  EXPECT_EQ(before.find("e2e-password-spray")->second.severity, "high");
  EXPECT_GE(before.count("suspicious-client"), 1u);

  TempDir tuned_dir;
  RunResult tuned = RunTern(
      {"run", "--case", tuned_dir / "case", "--rules", Fixture("sigma_e2e/rules"), "--config",
       Fixture("sigma_e2e/tuning.yml"), Fixture("sigma_e2e/m365_attacks.jsonl")});
  ASSERT_LE(tuned.exit_code, 1) << tuned.err;
  auto after = LoadFindings(tuned_dir / "case/findings.json");
  // Trusted network: one level lower, and says why.
  ASSERT_EQ(after.count("e2e-password-spray"), 1u);
  EXPECT_EQ(after.find("e2e-password-spray")->second.severity, "medium");
  EXPECT_THAT(after.find("e2e-password-spray")->second.details,
              HasSubstr("all client IPs are trusted (tuning)"));
  // Override (applied after the VIP raise).
  EXPECT_EQ(after.find("e2e-casmailbox-legacy-enabled")->second.severity, "critical");
  // Disabled built-in rule.
  EXPECT_EQ(after.count("suspicious-client"), 0u);

  const std::string tuning = ReadFile(Fixture("sigma_e2e/tuning.yml"));
  const std::string custody = ReadFile(tuned_dir / "case/custody.json");
  EXPECT_THAT(custody, HasSubstr("\"analysis_inputs\": ["));
  EXPECT_THAT(custody, HasSubstr("\"role\": \"config\""));
  EXPECT_THAT(custody, HasSubstr("\"file\": \"tuning.yml\""));
  EXPECT_THAT(custody, HasSubstr("\"file\": \"password_spray.yml\""));
  EXPECT_THAT(custody, HasSubstr("severity_overrides"));
  const std::string html = ReadFile(tuned_dir / "case/report.html");
  EXPECT_THAT(html, HasSubstr("Tuning file <span class=\"mono\">tuning.yml</span>, SHA-256"));
  EXPECT_THAT(html, HasSubstr("rules_disabled: [suspicious-client]"));
  // The manifest hashes the rule and tuning files the run read.
  const std::string manifest = ReadFile(tuned_dir / "case/manifest.json");
  EXPECT_THAT(manifest, HasSubstr("\"role\": \"config\""));
  EXPECT_THAT(manifest, HasSubstr("\"role\": \"rules\""));
  EXPECT_THAT(manifest, HasSubstr("tuning.yml"));
}

// `tern report` alone seals the rule and tuning files of the analysis it
// reports on, as `run` did (from the case: the files may be gone by then).
TEST_F(SigmaE2eTest, ReportAloneSealsTheRuleAndTuningFilesLikeRun) {
  const std::string rules = tmp_ / "rules.yml";
  const std::string tuning = tmp_ / "tuning.yml";
  WriteFile(rules, ReadFile(Fixture("sigma_e2e/rules/casmailbox_legacy_enabled.yml")));
  WriteFile(tuning, ReadFile(Fixture("sigma_e2e/tuning.yml")));
  RunResult run = RunWithRules({"--rules", rules, "--config", tuning});
  ASSERT_LE(run.exit_code, 1) << run.err;
  auto sealed_inputs = [](const std::string& manifest) {
    std::vector<std::string> out;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    EXPECT_EQ(parser.parse(manifest).get(doc), simdjson::SUCCESS);
    simdjson::dom::array files;
    if (doc["files"].get_array().get(files) != simdjson::SUCCESS) return out;
    for (simdjson::dom::element f : files) {
      std::string_view role, path, sha;
      if (f["role"].get_string().get(role) != simdjson::SUCCESS || role == "output" ||
          role == "evidence") {
        continue;
      }
      (void)f["path"].get_string().get(path);
      (void)f["sha256"].get_string().get(sha);
      out.push_back(std::string(role) + " " + std::string(path) + " " + std::string(sha));
    }
    return out;
  };
  const std::vector<std::string> by_run = sealed_inputs(ReadFile(tmp_ / "case/manifest.json"));
  ASSERT_EQ(by_run.size(), 2u);
  EXPECT_THAT(by_run[0], ::testing::StartsWith("config " + tuning + " "));
  EXPECT_THAT(by_run[1], ::testing::StartsWith("rules " + rules + " "));
  // The files change after the analysis: the report seals what it read.
  WriteFile(rules, "# edited later\n");
  std::filesystem::remove(tuning);
  RunResult report = RunTern({"report", "--case", tmp_ / "case", "--out", tmp_ / "out"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_EQ(sealed_inputs(ReadFile(tmp_ / "out/manifest.json")), by_run);
  ASSERT_EQ(RunTern({"report", "--case", tmp_ / "case"}).exit_code, 0);
  EXPECT_EQ(sealed_inputs(ReadFile(tmp_ / "case/manifest.json")), by_run);
  // An analysis without rule or tuning files: the report seals none.
  ASSERT_LE(RunTern({"analyze", "--case", tmp_ / "case"}).exit_code, 1);
  ASSERT_EQ(RunTern({"report", "--case", tmp_ / "case"}).exit_code, 0);
  EXPECT_THAT(sealed_inputs(ReadFile(tmp_ / "case/manifest.json")), ::testing::IsEmpty());
}

TEST_F(SigmaE2eTest, ABadTuningFileIsAUsageError) {
  const std::string bad = tmp_ / "bad.yml";
  WriteFile(bad, "rules_disabled: [no-such-rule]\n");
  RunResult run = RunWithRules({"--config", bad});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("bad.yml:1: unknown rule id 'no-such-rule'"));
}

TEST(SigmaRulesCommandTest, ListsBuiltInAndLoadedRules) {
  RunResult run = RunTern({"rules", "--rules", Fixture("sigma_e2e/rules")});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("mailbox-forwarding-external"));
  EXPECT_THAT(run.out, HasSubstr("password-spray"));  // tern's pack
  EXPECT_THAT(run.out, HasSubstr("casmailbox-protocol-enabled"));
  EXPECT_THAT(run.out, HasSubstr("e2e-password-spray"));
  EXPECT_THAT(run.out, HasSubstr("password_spray.yml"));
  // Correlation inputs (tern's and the user's) are listed apart, after the
  // detections: they never report on their own.
  const size_t apart = run.out.find("\ncorrelation inputs (no findings of their own):\n");
  ASSERT_NE(apart, std::string::npos) << run.out;
  for (const char* input : {"sign-in-failed", "user-deleted", "e2e-failed-signin"}) {
    EXPECT_GT(run.out.find(input), apart) << input;
  }
  EXPECT_LT(run.out.find("failed-login-burst"), apart);
  EXPECT_LT(run.out.find("mass-user-deletion"), apart);
}

TEST(SigmaRulesCommandTest, LintNamesFileLineAndProblem) {
  RunResult bad = RunTern({"rules", "lint", Fixture("sigma_e2e/bad/broken.yml")});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.out, HasSubstr("broken.yml:8: error: unknown modifier 'contians' [e2e-broken]"));
  RunResult good = RunTern({"rules", "lint", Fixture("sigma_e2e/rules")});
  EXPECT_EQ(good.exit_code, 0) << good.out;
  EXPECT_THAT(good.out, HasSubstr("3 rules loaded from 2 files: 0 errors"));
}

TEST(SigmaRulesCommandTest, ThePackLintsClean) {
  RunResult run = RunTern({"rules", "lint", std::string(TERN_SOURCE_DIR) + "/rules"});
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_THAT(run.out, HasSubstr(" 0 errors, 0 warnings"));
}

TEST(SigmaRulesCommandTest, EverySharedSampleLints) {
  RunResult run = RunTern({"rules", "lint", Fixture("sigma")});
  EXPECT_EQ(run.exit_code, 0) << run.out;
  // Fields UAL never carries are warnings, other log sources notes.
  EXPECT_THAT(run.out, HasSubstr("warning: field 'eventSource'"));
  EXPECT_THAT(run.out, HasSubstr("note: skipped"));
  EXPECT_THAT(run.out, Not(HasSubstr(": error:")));
}

}  // namespace
}  // namespace tern::testing
