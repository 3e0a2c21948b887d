// Helpers for end-to-end tests: run the built `tern` binary, make temporary
// case directories, read outputs. Test-only; thread-compatible.
#ifndef TERN_TESTS_TESTING_TERN_RUNNER_H_
#define TERN_TESTS_TESTING_TERN_RUNNER_H_

#include <filesystem>
#include <string>
#include <vector>

#include "tests/testing/temp_dir.h"

namespace tern::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs TERN_BINARY with `args` (no shell interpretation of the arguments).
RunResult RunTern(const std::vector<std::string>& args);

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& contents);
std::string Fixture(const std::string& relative);  // TERN_FIXTURES_DIR + "/" + relative
// Number of non-overlapping occurrences of `needle` in `haystack`.
size_t CountOccurrences(const std::string& haystack, const std::string& needle);

}  // namespace tern::testing

#endif  // TERN_TESTS_TESTING_TERN_RUNNER_H_
