// End-to-end tests of the synthetic evidence generator (tools/gen) with the
// built `tern`: what tern-gen says it wrote (truth.json) is what tern finds.
// Benchmarks rest on that agreement, so it is checked here on a small tenant
// in every build, loose and zipped, and the generator's output is checked to
// depend on the seed alone.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/formats_e2e_util.h"
#include "tests/testing/tern_runner.h"

namespace tern::testing {
namespace {

namespace fs = std::filesystem;

// Runs tern-gen into `out`; the arguments are test-controlled paths/words.
void Generate(const std::string& out, const std::string& args) {
  const std::string command =
      std::string(TERN_GEN_BINARY) + " --out '" + out + "' --quiet " + args + " >/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

std::vector<std::string> GeoArgs() {
  return {"--geoip-city", Fixture("geoip/GeoLite2-City-Test.mmdb"), "--geoip-asn",
          Fixture("geoip/GeoLite2-ASN-Test.mmdb")};
}

RunResult RunCase(const std::string& case_dir, const std::string& evidence) {
  std::vector<std::string> args = {"run", "--case", case_dir, "--quiet"};
  for (std::string& a : GeoArgs()) args.push_back(std::move(a));
  args.push_back(evidence);
  return RunTern(args);
}

// (rule, mailbox) of every finding, mailbox lower-cased ("" when none).
std::set<std::pair<std::string, std::string>> RuleMailboxes(const JsonDoc& findings) {
  std::set<std::pair<std::string, std::string>> out;
  simdjson::dom::array list;
  EXPECT_EQ(findings.root()["findings"].get_array().get(list), simdjson::SUCCESS);
  for (simdjson::dom::element f : list) {
    std::string upn;
    std::string_view v;
    if (f.at_pointer("/mailbox/upn").get_string().get(v) == simdjson::SUCCESS) upn = v;
    absl::AsciiStrToLower(&upn);
    out.emplace(JsonDoc::Str(f, "/rule"), upn);
  }
  return out;
}

// Every planted scenario of truth.json has a finding of its rule on its
// mailbox; returns how many were checked.
size_t ExpectPlantsFound(const JsonDoc& truth, const JsonDoc& findings) {
  const auto found = RuleMailboxes(findings);
  size_t checked = 0;
  simdjson::dom::array planted;
  EXPECT_EQ(truth.root()["planted"].get_array().get(planted), simdjson::SUCCESS);
  for (simdjson::dom::element p : planted) {
    const std::string rule = JsonDoc::Str(p, "/rule");
    std::string mailbox = JsonDoc::Str(p, "/mailbox");
    absl::AsciiStrToLower(&mailbox);
    bool hit = false;
    for (const auto& [r, m] : found) hit = hit || (r == rule && (mailbox.empty() || m == mailbox));
    EXPECT_TRUE(hit) << "planted " << rule << " on " << mailbox << " not found";
    ++checked;
  }
  return checked;
}

TEST(GeneratorE2eTest, TernFindsExactlyWhatTheGeneratorWrote) {
  TempDir tmp;
  ASSERT_NO_FATAL_FAILURE(Generate(tmp / "gen", "--users 40 --days 12 --seed 3 --plant all"));
  const JsonDoc truth = JsonDoc::File(tmp / "gen/truth.json");
  const uint64_t unique = truth.Uint("/unique_records");
  const uint64_t rows = truth.Uint("/rows_written");
  ASSERT_GT(unique, 1000u);
  ASSERT_GT(rows, unique) << "windows overlap, so some records are written twice";

  RunResult r = RunCase(tmp / "case", tmp / "gen/evidence");
  ASSERT_LE(r.exit_code, 1) << r.err;
  const JsonDoc findings = JsonDoc::File(tmp / "case/findings.json");
  EXPECT_EQ(findings.Uint("/summary/events"), unique);
  EXPECT_EQ(findings.Uint("/summary/duplicates"), rows - unique);
  EXPECT_EQ(findings.Uint("/summary/rejected"), 0u);
  EXPECT_GE(ExpectPlantsFound(truth, findings), 15u);

  // Thousands of sessions: more than report.html's session table holds. The
  // page counts the rest and points at sessions.jsonl, which has every one.
  const std::string sessions = ReadFile(tmp / "case/sessions.jsonl");
  const uint64_t lines = static_cast<uint64_t>(std::count(sessions.begin(), sessions.end(), '\n'));
  EXPECT_EQ(lines, findings.Uint("/summary/sessions"));
  const std::string report = ReadFile(tmp / "case/report.html");
  EXPECT_LE(report.size(), 10u << 20);
  EXPECT_NE(report.find(" sessions, those tied to findings first; "), std::string::npos);
  EXPECT_NE(report.find(" more in sessions.jsonl, one per line"), std::string::npos);
}

TEST(GeneratorE2eTest, ZippedEvidenceHoldsTheSameCase) {
  TempDir tmp;
  ASSERT_NO_FATAL_FAILURE(Generate(tmp / "loose", "--users 30 --days 10 --seed 5 --plant all"));
  ASSERT_NO_FATAL_FAILURE(
      Generate(tmp / "zipped", "--users 30 --days 10 --seed 5 --plant all --zip"));
  EXPECT_TRUE(fs::exists(tmp / "zipped/evidence/evidence.zip"));
  const JsonDoc truth = JsonDoc::File(tmp / "zipped/truth.json");
  EXPECT_EQ(truth.Str("/container"), "evidence.zip");

  ASSERT_LE(RunCase(tmp / "case-loose", tmp / "loose/evidence").exit_code, 1);
  RunResult zipped = RunCase(tmp / "case-zip", tmp / "zipped/evidence");
  ASSERT_LE(zipped.exit_code, 1) << zipped.err;
  const JsonDoc a = JsonDoc::File(tmp / "case-loose/findings.json");
  const JsonDoc b = JsonDoc::File(tmp / "case-zip/findings.json");
  EXPECT_EQ(b.Uint("/summary/events"), truth.Uint("/unique_records"));
  EXPECT_EQ(a.Uint("/summary/events"), b.Uint("/summary/events"));
  EXPECT_EQ(RuleMailboxes(a), RuleMailboxes(b));
  ExpectPlantsFound(truth, b);
  // Each member is hashed and named under its container.
  const std::string custody = ReadFile(tmp / "case-zip/custody.json");
  EXPECT_EQ(CountOccurrences(custody, "\"display\": \"" + (tmp / "zipped/evidence/evidence.zip!w")),
            truth.Size("/files"));
}

TEST(GeneratorE2eTest, OutputDependsOnTheSeedAlone) {
  TempDir tmp;
  ASSERT_NO_FATAL_FAILURE(Generate(
      tmp / "a", "--users 20 --days 9 --seed 11 --formats purview-csv,jsonl,mailbox-audit-csv"));
  ASSERT_NO_FATAL_FAILURE(Generate(
      tmp / "b", "--users 20 --days 9 --seed 11 --formats purview-csv,jsonl,mailbox-audit-csv"));
  ASSERT_NO_FATAL_FAILURE(Generate(
      tmp / "c", "--users 20 --days 9 --seed 12 --formats purview-csv,jsonl,mailbox-audit-csv"));
  size_t files = 0;
  bool any_differs = false;
  for (const fs::directory_entry& e : fs::directory_iterator(tmp / "a/evidence")) {
    const std::string name = e.path().filename().string();
    EXPECT_EQ(ReadFile(e.path().string()), ReadFile(tmp / ("b/evidence/" + name))) << name;
    const std::string other = tmp / ("c/evidence/" + name);
    any_differs = any_differs || !fs::exists(other) || ReadFile(other) != ReadFile(e.path());
    ++files;
  }
  EXPECT_EQ(files, 3u);
  EXPECT_EQ(ReadFile(tmp / "a/truth.json"), ReadFile(tmp / "b/truth.json"));
  EXPECT_TRUE(any_differs) << "another seed must give other evidence";
}

// A user's Entra ID object id (UserKey and Actor[Type 0] of a sign-in) is
// the same in all of that user's sign-ins, and no two users share one. A
// fresh id per sign-in was unlike any tenant and made tern's identity
// directory grow with the sign-ins (docs/BENCHMARKS.md "Change 16").
TEST(GeneratorE2eTest, EachUserSignsInUnderOneObjectId) {
  TempDir tmp;
  ASSERT_NO_FATAL_FAILURE(Generate(tmp / "g", "--users 25 --days 8 --seed 3 --formats jsonl"));
  std::map<std::string, std::set<std::string>> ids_by_user;
  size_t sign_ins = 0;
  for (const fs::directory_entry& file : fs::directory_iterator(tmp / "g/evidence")) {
    std::istringstream lines(ReadFile(file.path().string()));
    for (std::string line; std::getline(lines, line);) {
      if (line.find("\"UserLoggedIn\"") == std::string::npos) continue;
      const JsonDoc record = JsonDoc::Text(line);
      ASSERT_EQ(JsonDoc::Uint(record.root(), "/Actor/0/Type"), 0u) << line;
      const std::string object_id = record.Str("/Actor/0/ID");
      EXPECT_EQ(record.Str("/UserKey"), object_id) << line;
      ids_by_user[record.Str("/UserId")].insert(object_id);
      ++sign_ins;
    }
  }
  ASSERT_GT(ids_by_user.size(), 10u);
  EXPECT_GT(sign_ins, 2 * ids_by_user.size());
  std::set<std::string> all_ids;
  for (const auto& [user, ids] : ids_by_user) {
    EXPECT_EQ(ids.size(), 1u) << user;
    all_ids.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(all_ids.size(), ids_by_user.size());
}

}  // namespace
}  // namespace tern::testing
