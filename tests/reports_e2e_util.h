// Shared by the reports end-to-end tests: build a case from fixtures with
// relative input paths (so outputs do not depend on where the checkout
// lives), compare against golden files, list the fixture cases. Test-only;
// thread-compatible.
#ifndef TERN_TESTS_REPORTS_E2E_UTIL_H_
#define TERN_TESTS_REPORTS_E2E_UTIL_H_

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/tern_runner.h"

namespace tern::testing {

// Inputs are given relative to the fixtures directory, so the evidence paths
// recorded in findings.json are "e2e/export_a.csv", wherever the checkout is.
// Changes the working directory for the lifetime of the object.
class InFixturesDir {
 public:
  InFixturesDir() : previous_(std::filesystem::current_path()) {
    std::filesystem::current_path(TERN_FIXTURES_DIR);
  }
  ~InFixturesDir() {
    std::error_code ec;
    std::filesystem::current_path(previous_, ec);
  }
  InFixturesDir(const InFixturesDir&) = delete;
  InFixturesDir& operator=(const InFixturesDir&) = delete;

 private:
  std::filesystem::path previous_;
};

// One fixture case: a name and the arguments after `tern run --case DIR`.
struct FixtureCase {
  std::string name;
  std::vector<std::string> args;
};

// For readable test names in ctest and gtest output.
inline void PrintTo(const FixtureCase& c, std::ostream* os) { *os << c.name; }

inline std::vector<std::string> GeoArgs() {
  return {"--geoip-city", "geoip/GeoLite2-City-Test.mmdb", "--geoip-asn",
          "geoip/GeoLite2-ASN-Test.mmdb"};
}

// The cases with golden files under fixtures/golden/<name>/.
inline std::vector<FixtureCase> GoldenCases() {
  std::vector<std::string> demo = {"--case-id", "DEMO-001", "--examiner", "tern demo"};
  for (const std::string& a : GeoArgs()) demo.push_back(a);
  demo.push_back("demo");
  return {
      {"e2e", {"--case-id", "E2E", "e2e/export_a.csv", "e2e/export_b.jsonl"}},
      {"demo", demo},
      {"hostile", {"--case-id", "HOSTILE", "reports/hostile.jsonl"}},
  };
}

// Every fixture case: the golden ones plus each scenario file the detection
// tests use (fixtures/scenarios/*.jsonl, *.csv, *.json).
inline std::vector<FixtureCase> AllFixtureCases() {
  std::vector<FixtureCase> cases = GoldenCases();
  std::vector<std::string> scenarios;
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(TERN_FIXTURES_DIR) + "/scenarios", ec)) {
    const std::string ext = entry.path().extension().string();
    const std::string stem = entry.path().stem().string();
    if (ext != ".jsonl" && ext != ".csv" && ext != ".json") continue;
    if (stem.size() > 9 && stem.substr(stem.size() - 9) == ".expected") continue;
    scenarios.push_back(entry.path().filename().string());
  }
  std::sort(scenarios.begin(), scenarios.end());
  for (const std::string& s : scenarios) cases.push_back({"scenario " + s, {"scenarios/" + s}});
  return cases;
}

// Runs `tern run --case case_dir --quiet <args...>` from the fixtures dir.
inline RunResult RunCase(const std::string& case_dir, const std::vector<std::string>& args,
                         const std::vector<std::string>& extra = {}) {
  InFixturesDir cwd;
  std::vector<std::string> all = {"run", "--case", case_dir, "--quiet"};
  all.insert(all.end(), extra.begin(), extra.end());
  all.insert(all.end(), args.begin(), args.end());
  return RunTern(all);
}

// Compares `actual` with fixtures/golden/<relative> byte for byte. With
// TERN_UPDATE_GOLDEN=1 in the environment it (re)writes the golden file
// instead; review the diff and commit it.
inline void ExpectGolden(const std::string& relative, const std::string& actual) {
  const std::string path = std::string(TERN_FIXTURES_DIR) + "/golden/" + relative;
  const char* update = std::getenv("TERN_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    WriteFile(path, actual);
    std::cout << "updated golden file " << path << "\n";
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(path))
      << "missing golden file " << path << " (run the test with TERN_UPDATE_GOLDEN=1)";
  const std::string expected = ReadFile(path);
  if (expected == actual) return;
  // Point at the first differing line to make the failure readable.
  std::istringstream a(expected);
  std::istringstream b(actual);
  std::string la;
  std::string lb;
  int line = 1;
  while (std::getline(a, la) && std::getline(b, lb) && la == lb) ++line;
  ADD_FAILURE() << relative << " differs from the golden file at line " << line
                << "\n  golden: " << la << "\n  actual: " << lb
                << "\nIf the change is intended: TERN_UPDATE_GOLDEN=1 ctest -R reports_golden,"
                   " then review and commit fixtures/golden/.";
}

}  // namespace tern::testing

#endif  // TERN_TESTS_REPORTS_E2E_UTIL_H_
