// The Sigma prefilter (core/sigma/prefilter.h) on real rules and records:
// tern's pack, the SigmaHQ and Suzaku samples and the e2e user rules, over
// the scenario and e2e fixture records with their Operation swapped for
// every operation any of them names. A rule that matches a record is always
// among the prefilter's candidates for it.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "core/detect/builtin_rules.h"
#include "core/sigma/loader.h"
#include "core/sigma/prefilter.h"
#include "parsers/audit_data.h"

namespace tern::detect {
namespace {

const std::string kFixtures = TERN_FIXTURES_DIR;

std::vector<Event> FixtureRecords() {
  std::vector<Event> out;
  for (const char* file : {"/scenarios/bec_attack.jsonl", "/scenarios/benign_tenant.jsonl",
                           "/sigma_e2e/m365_attacks.jsonl"}) {
    std::ifstream in(kFixtures + file);
    EXPECT_TRUE(in.good()) << file;
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      Event e;
      EXPECT_TRUE(NormalizeAuditData(line, &e).ok()) << line;
      out.push_back(std::move(e));
    }
  }
  return out;
}

TEST(SigmaPrefilterTest, EveryRuleThatMatchesARealRecordIsACandidate) {
  sigma::RuleLoad load;
  LoadBuiltinRules(load);
  sigma::LoadPath(kFixtures + "/sigma", load);
  sigma::LoadPath(kFixtures + "/sigma_e2e/rules", load);
  const std::vector<sigma::Rule>& rules = load.rules;
  ASSERT_GT(rules.size(), 50u);
  sigma::OperationPrefilter prefilter(rules);

  const std::vector<Event> records = FixtureRecords();
  ASSERT_GT(records.size(), 600u);
  std::set<std::string> operations = {""};
  for (const Event& e : records) operations.insert(e.operation);
  size_t pinned = 0;
  for (const sigma::Rule& r : rules) {
    std::optional<std::set<std::string>> required = sigma::RequiredOperations(r);
    if (!required || r.correlation) continue;
    ++pinned;
    operations.insert(required->begin(), required->end());
  }
  // Most real rules name their operations: the prefilter has work to do.
  EXPECT_GT(pinned * 2, rules.size());

  sigma::FieldValues scratch;
  size_t matches = 0;
  size_t left_out = 0;
  for (Event e : records) {
    for (const std::string& op : operations) {
      for (const std::string& spelling : {op, absl::AsciiStrToUpper(op)}) {
        e.operation = spelling;
        const std::vector<int> candidates = prefilter.Candidates(spelling);
        const std::set<int> kept(candidates.begin(), candidates.end());
        left_out += rules.size() - kept.size();
        for (size_t i = 0; i < rules.size(); ++i) {
          if (!rules[i].Matches(e, scratch)) continue;
          ++matches;
          EXPECT_TRUE(kept.contains(static_cast<int>(i)))
              << rules[i].source << " (" << rules[i].id << ") matches " << e.record_id
              << " with Operation '" << spelling << "' but is not a candidate";
        }
      }
    }
  }
  // Enough matches for the check to mean something.
  EXPECT_GT(matches, 1000u);
  EXPECT_GT(left_out, matches);
}

}  // namespace
}  // namespace tern::detect
