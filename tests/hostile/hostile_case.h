// The harness every hostile-evidence case shares: write the hostile input
// into a fresh temp folder beside a good export, run the real `tern run` on
// both under a time and memory limit, and check what must hold whatever the
// input: no crash or hang, bounded memory, the evidence untouched, nothing
// written outside the case directory, and every record of the good file in
// the case. Each case then checks its own message (file / member / line).
//
// Test-only; thread-compatible.
#ifndef TERN_TESTS_HOSTILE_HOSTILE_CASE_H_
#define TERN_TESTS_HOSTILE_HOSTILE_CASE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/evidence/evidence_testing.h"
#include "gtest/gtest.h"
#include "tests/hostile/hostile_util.h"

namespace tern::hostile {

// One file or archive member as custody.json lists it (members flattened).
struct CustodyItem {
  std::string display;
  std::string status;
  std::string format;  // "" for containers
  uint64_t parsed = 0;
  uint64_t stored = 0;
  uint64_t rejected = 0;
  std::string warnings;  // "kind line N: detail" lines
};

struct Outcome {
  ProcessResult run;
  std::string messages;  // stderr and tern.log: every warning is in one of them
  std::vector<CustodyItem> custody;
  std::string events;  // `tern search --format jsonl` over the case

  // The custody item whose display name ends with `suffix`, or nullptr.
  const CustodyItem* Item(std::string_view suffix) const;
};

// Peak resident memory allowed for one `tern run` over a hostile input.
uint64_t MaxRssBytes();

class HostileTest : public ::testing::Test {
 protected:
  HostileTest();

  // Writes `data` to in/`rel` (creating folders) and returns its path.
  std::string Input(std::string_view rel, std::string_view data);
  // A folder in the evidence area, created if missing.
  std::string InputFolder(std::string_view rel);
  std::string CaseDir() const { return dir_.path() + "/case"; }
  const std::string& good() const { return good_; }

  // Runs `tern run --case CASE [extra...] INPUTS... GOOD` and checks the
  // invariants above. The good file goes last, after whatever the hostile
  // inputs did to the process.
  Outcome Run(const std::vector<std::string>& inputs, const std::vector<std::string>& extra = {},
              const RunLimits& limits = {});

  tern::testing::TempDir dir_;

 private:
  std::string good_;
};

// Loads custody.json (members flattened, depth first).
std::vector<CustodyItem> ReadCustody(const std::string& path);
// The outcome of each run custody.json lists, in run order.
std::vector<std::string> ReadRunOutcomes(const std::string& path);

}  // namespace tern::hostile

#endif  // TERN_TESTS_HOSTILE_HOSTILE_CASE_H_
