// Runs one fuzz target, without libFuzzer, over its committed inputs: the
// regression inputs of fixtures/fuzz/<target>/ (each once a crash or a
// failed invariant) and the seed corpus from fixtures/. Built into every
// test build, so a fixed fuzz finding stays fixed under plain `ctest`.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

// Inputs above this are only seeds of other targets (big CSV fixtures);
// fuzzing never feeds them whole either.
constexpr uintmax_t kMaxReplayBytes = uintmax_t{4} << 20;

std::vector<std::string> ReplayFiles() {
  std::vector<std::string> files;
  const std::string dirs = TERN_FUZZ_REPLAY_DIRS;
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t end = std::min(dirs.find('|', start), dirs.size());
    const fs::path dir = dirs.substr(start, end - start);
    start = end + 1;
    std::error_code ec;
    if (dir.empty() || !fs::is_directory(dir, ec)) continue;
    for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir, ec)) {
      if (e.is_regular_file(ec) && e.file_size(ec) <= kMaxReplayBytes &&
          e.path().filename() != "README.md") {
        files.push_back(e.path().string());
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(FuzzReplay, EveryCommittedInputRunsClean) {
  const std::vector<std::string> files = ReplayFiles();
  ASSERT_FALSE(files.empty()) << "no inputs under " << TERN_FUZZ_REPLAY_DIRS;
  for (const std::string& path : files) {
    SCOPED_TRACE(path);
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    const std::string data = bytes.str();
    // A failed invariant aborts the process, naming the input via the
    // trace below; a plain return is a pass.
    std::fprintf(stderr, "replaying %s\n", path.c_str());
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()), data.size()),
              0);
  }
}

}  // namespace
