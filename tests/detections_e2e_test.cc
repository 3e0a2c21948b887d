// End-to-end tests of the detection catalog through the built `tern` binary:
// the planted BEC tenant must be found completely (every rule of
// fixtures/scenarios/bec_attack.expected.json at its minimum severity), and
// the benign tenant must raise no high or critical finding.
#include <map>
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "simdjson.h"
#include "tests/testing/tern_runner.h"

namespace tern::testing {
namespace {

using ::testing::HasSubstr;

int SeverityRank(std::string_view s) {
  static const std::map<std::string_view, int> kRank = {
      {"info", 0}, {"low", 1}, {"medium", 2}, {"high", 3}, {"critical", 4}};
  auto it = kRank.find(s);
  return it == kRank.end() ? -1 : it->second;
}

struct FoundFinding {
  std::string rule;
  std::string severity;
  std::string mailbox_upn;
  size_t anchors = 0;
};

std::vector<FoundFinding> LoadFindings(const std::string& path) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  EXPECT_EQ(parser.load(path).get(doc), simdjson::SUCCESS) << path;
  std::vector<FoundFinding> out;
  simdjson::dom::array findings;
  if (doc["findings"].get_array().get(findings) != simdjson::SUCCESS) return out;
  for (simdjson::dom::element f : findings) {
    FoundFinding found;
    found.rule = std::string(f["rule"].get_string().value());
    found.severity = std::string(f["severity"].get_string().value());
    found.mailbox_upn = std::string(f["mailbox"]["upn"].get_string().value());
    found.anchors = f["evidence"].get_array().value().size();
    out.push_back(found);
  }
  return out;
}

struct Expectation {
  std::string rule;
  std::string min_severity;
  std::string mailbox;  // "" = any
};

std::vector<Expectation> LoadExpectations(std::string_view key) {
  std::vector<Expectation> out;
  const std::string path = Fixture("scenarios/bec_attack.expected.json");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array list;
  if (parser.load(path).get(doc) != simdjson::SUCCESS ||
      doc[key].get_array().get(list) != simdjson::SUCCESS) {
    ADD_FAILURE() << "cannot read '" << key << "' from " << path;
    return out;
  }
  for (simdjson::dom::element e : list) {
    Expectation x;
    x.rule = std::string(e["rule"].get_string().value());
    x.min_severity = std::string(e["min_severity"].get_string().value());
    std::string_view mailbox;
    if (e["mailbox"].get_string().get(mailbox) == simdjson::SUCCESS) x.mailbox = mailbox;
    out.push_back(x);
  }
  return out;
}

std::vector<std::string> GeoArgs() {
  return {"--geoip-city", Fixture("geoip/GeoLite2-City-Test.mmdb"), "--geoip-asn",
          Fixture("geoip/GeoLite2-ASN-Test.mmdb")};
}

void ExpectAllFound(const std::vector<FoundFinding>& found,
                    const std::vector<Expectation>& expected) {
  for (const Expectation& x : expected) {
    bool hit = false;
    for (const FoundFinding& f : found) {
      if (f.rule != x.rule) continue;
      if (!x.mailbox.empty() && f.mailbox_upn != x.mailbox) continue;
      if (SeverityRank(f.severity) < SeverityRank(x.min_severity)) continue;
      EXPECT_GE(f.anchors, 1u) << f.rule;
      hit = true;
    }
    EXPECT_TRUE(hit) << "not found: " << x.rule << " >= " << x.min_severity << " on '"
                     << x.mailbox << "'";
  }
}

TEST(DetectionsE2ETest, PlantedBecTenantIsFoundCompletely) {
  TempDir tmp;
  std::vector<std::string> args = {"run", "--case", tmp / "case", "--quiet"};
  for (const std::string& a : GeoArgs()) args.push_back(a);
  args.push_back(Fixture("scenarios/bec_attack.jsonl"));
  RunResult r = RunTern(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<FoundFinding> found = LoadFindings(tmp / "case/findings.json");
  ExpectAllFound(found, LoadExpectations("must_fire"));
  ExpectAllFound(found, LoadExpectations("must_fire_with_geoip"));
}

TEST(DetectionsE2ETest, WithoutGeoEverythingButTravelStillFires) {
  TempDir tmp;
  RunResult r = RunTern(
      {"run", "--case", tmp / "case", "--quiet", Fixture("scenarios/bec_attack.jsonl")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<FoundFinding> found = LoadFindings(tmp / "case/findings.json");
  ExpectAllFound(found, LoadExpectations("must_fire"));
  for (const FoundFinding& f : found) EXPECT_NE(f.rule, "impossible-travel");
}

TEST(DetectionsE2ETest, BenignTenantRaisesNoHighOrCriticalFinding) {
  TempDir tmp;
  std::vector<std::string> args = {"run", "--case", tmp / "case", "--quiet"};
  for (const std::string& a : GeoArgs()) args.push_back(a);
  args.push_back(Fixture("scenarios/benign_tenant.jsonl"));
  RunResult r = RunTern(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const FoundFinding& f : LoadFindings(tmp / "case/findings.json")) {
    EXPECT_LT(SeverityRank(f.severity), SeverityRank("high"))
        << f.rule << " " << f.severity << " on " << f.mailbox_upn;
  }
}

TEST(DetectionsE2ETest, DemoEvidenceRaisesTheStoryAndNothingHighOnBenignUsers) {
  TempDir tmp;
  std::vector<std::string> args = {"run", "--case", tmp / "case", "--quiet"};
  for (const std::string& a : GeoArgs()) args.push_back(a);
  args.push_back(Fixture("demo"));
  RunResult r = RunTern(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> rules;
  for (const FoundFinding& f : LoadFindings(tmp / "case/findings.json")) {
    rules.insert(f.rule);
    if (SeverityRank(f.severity) >= SeverityRank("high")) {
      // Carol and Bob are benign users in the demo story.
      EXPECT_NE(f.mailbox_upn, "carol@contoso.com") << f.rule;
      EXPECT_NE(f.mailbox_upn, "bob@contoso.com") << f.rule;
    }
  }
  for (const char* rule : {"inbox-rule-forward-external", "mailbox-forwarding-external",
                           "mailbox-permission-grant", "audit-tampering", "send-as",
                           "mass-deletion", "sent-then-deleted", "impossible-travel"}) {
    EXPECT_TRUE(rules.count(rule)) << rule;
  }
}

TEST(DetectionsE2ETest, RulesListsTheWholeCatalog) {
  RunResult r = RunTern({"rules"});
  ASSERT_EQ(r.exit_code, 0);
  std::set<std::string> ids;
  for (const Expectation& x : LoadExpectations("must_fire")) ids.insert(x.rule);
  for (const Expectation& x : LoadExpectations("must_fire_with_geoip")) ids.insert(x.rule);
  EXPECT_EQ(ids.size(), 19u);
  for (const std::string& id : ids) EXPECT_THAT(r.out, HasSubstr(id));
}

}  // namespace
}  // namespace tern::testing
