// The one temporary-directory helper of the tests (unit and end-to-end): a
// fresh directory under the system temp dir ($TMPDIR, else /tmp), removed
// with its contents on destruction, even files a test made read-only.
// Test-only; thread-compatible.
#ifndef TERN_TESTS_TESTING_TEMP_DIR_H_
#define TERN_TESTS_TESTING_TEMP_DIR_H_

#include <string>
#include <string_view>

namespace tern::testing {

class TempDir {
 public:
  // Fails the current test (ADD_FAILURE) if the directory cannot be made.
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + `relative` (nothing is created).
  std::string operator/(std::string_view relative) const;
  // Writes `data` to path()/`relative`, creating folders, and returns that
  // path. Fails the current test if the write fails.
  std::string Write(std::string_view relative, std::string_view data) const;

 private:
  std::string path_;
};

}  // namespace tern::testing

#endif  // TERN_TESTS_TESTING_TEMP_DIR_H_
