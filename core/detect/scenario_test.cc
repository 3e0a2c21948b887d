// The scenario fixtures (fixtures/scenarios) through the parsers' AuditData
// normalizer and Analyze(): the benign tenant raises no high or critical
// finding; the BEC tenant raises every rule listed in its expectation file,
// with evidence anchors that lead back to the fixture lines.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/detect/detect_test_util.h"
#include "parsers/audit_data.h"

namespace tern::detect::testing {
namespace {

const std::string kScenarios = std::string(TERN_FIXTURES_DIR) + "/scenarios/";

struct Expectation {
  std::string rule;
  Severity min_severity = Severity::kInfo;
  std::string mailbox;  // "" = any
  bool needs_geo = false;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The value of the next "key": "value" pair after `pos` in flat JSON text.
std::string StringAfter(const std::string& text, size_t pos, std::string_view key, size_t limit) {
  const std::string needle = "\"" + std::string(key) + "\": \"";
  const size_t p = text.find(needle, pos);
  if (p == std::string::npos || p >= limit) return "";
  const size_t start = p + needle.size();
  return text.substr(start, text.find('"', start) - start);
}

Severity ParseSeverity(std::string_view s) {
  for (Severity v :
       {Severity::kInfo, Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
    if (SeverityName(v) == s) return v;
  }
  ADD_FAILURE() << "unknown severity " << s;
  return Severity::kInfo;
}

// The expectation file is written by hand in a fixed flat layout: one
// {"rule": ..., "min_severity": ..., "mailbox": ...} object per line.
std::vector<Expectation> LoadExpectations(const std::string& path) {
  const std::string text = ReadFile(path);
  const size_t geo_list = text.find("\"must_fire_with_geoip\"");
  std::vector<Expectation> out;
  for (size_t p = text.find("{\"rule\": "); p != std::string::npos;
       p = text.find("{\"rule\": ", p + 1)) {
    const size_t end = text.find('}', p);
    Expectation e;
    e.rule = StringAfter(text, p, "rule", end);
    e.min_severity = ParseSeverity(StringAfter(text, p, "min_severity", end));
    e.mailbox = StringAfter(text, p, "mailbox", end);
    e.needs_geo = geo_list != std::string::npos && p > geo_list;
    out.push_back(e);
  }
  return out;
}

class ScenarioTest : public AnalyzerTest {
 protected:
  // Parses a JSON Lines fixture the way the ingester would: one AuditData
  // object per line, provenance = (evidence 1, line number).
  void Load(const std::string& name) {
    std::ifstream in(kScenarios + name);
    ASSERT_TRUE(in.good()) << name;
    std::string line;
    uint64_t n = 0;
    while (std::getline(in, line)) {
      ++n;
      lines_.push_back(line);
      if (line.empty()) continue;
      Event e;
      absl::Status s = NormalizeAuditData(line, &e);
      ASSERT_TRUE(s.ok()) << name << ":" << n << ": " << s;
      e.provenance = {1, n, n};
      Push(std::move(e));
    }
    ASSERT_GT(n, 100u);
  }

  AnalyzeOptions Geo() {
    AnalyzeOptions o;
    o.geoip_city_path = GeoCity();
    o.geoip_asn_path = GeoAsn();
    return o;
  }

  // Every anchor names a line of the fixture that holds its record id.
  void ExpectAnchorsResolve(const std::vector<Finding>& findings) {
    for (const Finding& f : findings) {
      ASSERT_FALSE(f.evidence.empty()) << f.id << " " << f.rule;
      for (const EvidenceAnchor& a : f.evidence) {
        ASSERT_GE(a.line, 1u);
        ASSERT_LE(a.line, lines_.size());
        EXPECT_NE(lines_[a.line - 1].find("\"Id\":\"" + a.record_id + "\""), std::string::npos)
            << f.id << " " << f.rule << " anchor " << a.record_id << " line " << a.line;
      }
    }
  }

  std::vector<std::string> lines_;
};

std::string Describe(const Finding& f) {
  return f.id + " " + f.rule + " " + std::string(SeverityName(f.severity)) + " " + f.mailbox_upn +
         " " + f.title + " " + f.details_json;
}

TEST_F(ScenarioTest, BenignTenantRaisesNoHighOrCriticalFinding) {
  Load("benign_tenant.jsonl");
  for (const AnalyzeOptions& options : {AnalyzeOptions{}, Geo()}) {
    std::vector<Finding> findings = Run(options);
    for (const Finding& f : findings) {
      EXPECT_LT(f.severity, Severity::kHigh) << Describe(f);
    }
    ExpectAnchorsResolve(findings);
    EXPECT_EQ(summary_.mailboxes, 5u);
    EXPECT_GT(summary_.sessions, 100u);
    // Ordinary life is still visible: the assistant as a long-standing
    // delegate, and Lena's hotel IP as a new (low) IP.
    bool assistant = false;
    bool hotel = false;
    for (const Finding& f : findings) {
      assistant |= f.rule == "delegate-access" && f.actor == "priya.shah@contoso.com" &&
                   f.mailbox_upn == "grace.hopper@contoso.com" && f.severity == Severity::kInfo;
      hotel |= f.rule == "first-seen-ip" && f.mailbox_upn == "lena.fischer@contoso.com" &&
               f.severity == Severity::kLow;
    }
    EXPECT_TRUE(assistant);
    EXPECT_TRUE(hotel);
  }
}

TEST_F(ScenarioTest, BecAttackIsFoundCompletely) {
  Load("bec_attack.jsonl");
  const std::vector<Expectation> expected =
      LoadExpectations(kScenarios + "bec_attack.expected.json");
  ASSERT_EQ(expected.size(), 19u);
  for (bool with_geo : {false, true}) {
    std::vector<Finding> findings = Run(with_geo ? Geo() : AnalyzeOptions{});
    ExpectAnchorsResolve(findings);
    for (const Expectation& e : expected) {
      if (e.needs_geo && !with_geo) continue;
      bool found = false;
      for (const Finding& f : findings) {
        found |= f.rule == e.rule && f.severity >= e.min_severity &&
                 (e.mailbox.empty() || f.mailbox_upn == e.mailbox);
      }
      EXPECT_TRUE(found) << e.rule << " >= " << SeverityName(e.min_severity) << " on '" << e.mailbox
                         << "' (geo " << with_geo << ")";
    }
    if (::testing::Test::HasFailure()) {
      for (const Finding& f : findings) ADD_FAILURE() << Describe(f);
      return;
    }
  }
}

TEST_F(ScenarioTest, BecAttackNeverTriggersImpossibleTravelWithoutGeo) {
  Load("bec_attack.jsonl");
  EXPECT_THAT(OfRule(Run(), "impossible-travel"), ::testing::IsEmpty());
}

}  // namespace
}  // namespace tern::detect::testing
