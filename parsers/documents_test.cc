// tern's own documents read back: manifest.json, findings.json, expectation files.
#include "parsers/documents.h"

#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parsers/expectation_file.h"

namespace tern {
namespace {

using ::testing::HasSubstr;

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(TERN_FIXTURES_DIR) + "/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(DocumentsTest, ManifestRoundTrips) {
  Manifest m;
  m.tool_version = "1.2.3";
  m.store_schema = 1;
  m.case_id = "C-\"7\"";
  m.files.push_back({kRoleEvidence, "/e/a.csv", "ab", 5});
  m.files.push_back({kRoleOutput, "findings.json", "cd", 6});
  m.signer_public_key = "00ff";
  absl::StatusOr<Manifest> back = ParseManifest(RenderManifest(m));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->tool_version, "1.2.3");
  EXPECT_EQ(back->store_schema, 1);
  EXPECT_EQ(back->case_id, "C-\"7\"");
  EXPECT_EQ(back->files, m.files);
  EXPECT_EQ(back->signer_public_key, "00ff");
  EXPECT_THAT(std::string(ParseManifest("{\"schema\": \"x\"}").status().message()),
              HasSubstr("schema"));
  EXPECT_FALSE(ParseManifest("not json").ok());
}

TEST(DocumentsTest, ReadsAGoldenFindingsDocument) {
  const std::string golden = ReadFixture("golden/e2e/findings.json");
  ASSERT_TRUE(IsFindingsDocument(golden));
  absl::StatusOr<FindingsDocument> doc = ParseFindingsDocument(golden);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->counts.at("events"), 9u);
  EXPECT_EQ(doc->counts.at("duplicates"), 3u);
  EXPECT_EQ(doc->findings_by_severity.count("high"), 1u);

  const std::string text = R"({"schema": "tern.findings/2",
    "summary": {"events": 4, "findings_by_severity": {"high": 1}},
    "findings": [{"id": "F-0001", "rule": "suspicious-client", "severity": "high",
      "mailbox": {"guid": "g", "upn": "erin@fabrikam.example"}, "actor": "erin",
      "client_ips": ["2001:db8::6", "81.2.69.142"], "first_seen": "T1", "last_seen": "T2",
      "evidence": [{"record_id": "r"}]}],
    "incidents": [{"id": "I-001", "severity": "high", "identities": ["erin"],
      "attacker_ips": ["81.2.69.142"], "findings": ["F-0001"]}]})";
  doc = ParseFindingsDocument(text);
  ASSERT_TRUE(doc.ok()) << doc.status();
  ASSERT_EQ(doc->findings.size(), 1u);
  EXPECT_EQ(doc->findings[0].rule, "suspicious-client");
  EXPECT_EQ(doc->findings[0].mailbox_upn, "erin@fabrikam.example");
  EXPECT_EQ(doc->findings[0].client_ips.size(), 2u);
  EXPECT_EQ(doc->findings[0].evidence, 1u);
  ASSERT_EQ(doc->incidents.size(), 1u);
  EXPECT_EQ(doc->incidents[0].rules, std::vector<std::string>{"suspicious-client"});
  EXPECT_FALSE(IsFindingsDocument("findings: []"));
  EXPECT_FALSE(ParseFindingsDocument("{\"schema\": \"tern.manifest/1\"}").ok());
}

TEST(ExpectationFileTest, ReadsYamlAndJson) {
  absl::StatusOr<std::vector<FindingExpectation>> yaml = ParseExpectationFile(R"(
findings:
  - rule: inbox-rule-forward-external
    mailbox: erin@fabrikam.example
    ip: 203.0.113.77
    min: 2
  - rule: mass-download
    max: 0
no_high:
  - ceo@fabrikam.example
)");
  ASSERT_TRUE(yaml.ok()) << yaml.status();
  ASSERT_EQ(yaml->size(), 3u);
  EXPECT_EQ((*yaml)[0].rule, "inbox-rule-forward-external");
  EXPECT_EQ((*yaml)[0].ip, "203.0.113.77");
  EXPECT_EQ((*yaml)[0].min_count, 2u);
  EXPECT_EQ((*yaml)[1].min_count, 0u);
  EXPECT_EQ((*yaml)[1].max_count, 0);
  EXPECT_TRUE((*yaml)[2].no_high);
  EXPECT_EQ((*yaml)[2].mailbox, "ceo@fabrikam.example");

  absl::StatusOr<std::vector<FindingExpectation>> json =
      ParseExpectationFile(R"({"findings": [{"rule": "x"}], "no_high": ["a@b"]})");
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(json->size(), 2u);
  EXPECT_EQ((*json)[0].min_count, 1u);
}

TEST(ExpectationFileTest, MistakesAreNamed) {
  EXPECT_THAT(std::string(ParseExpectationFile("findings:\n  - rul: x\n").status().message()),
              HasSubstr("findings entry 1: unknown key 'rul'"));
  EXPECT_THAT(
      std::string(
          ParseExpectationFile("findings:\n  - {rule: x, min: 3, max: 1}\n").status().message()),
      HasSubstr("min is above max"));
  EXPECT_FALSE(ParseExpectationFile("findings: [").ok());
  EXPECT_FALSE(ParseExpectationFile("").ok());
  EXPECT_FALSE(ParseExpectationFile("findings:\n  - {rule: x, min: many}\n").ok());
}

}  // namespace
}  // namespace tern
