// report.html in a real browser: Debian's chromium, headless, loads the report
// from a file URL (under the report's own Content-Security-Policy, which
// allows only its hashed script and style). The page's script marks
// <body data-ready="1"> when it has initialized and data-jserror="..." on any
// script error; --dump-dom gives the DOM after the scripts ran. A screenshot
// of each report is kept in the build tree as a test artifact.
//
// Without chromium the test fails when CI=true (tools/test.sh installs it)
// and is skipped otherwise.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <regex>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/reports_e2e_util.h"
#include "tests/testing/tern_runner.h"

extern char** environ;

namespace tern::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

std::string FindChromium() {
  const char* path = std::getenv("PATH");
  std::string dirs = path == nullptr ? "/usr/bin:/bin" : path;
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    for (const char* name : {"chromium", "chromium-browser"}) {
      const fs::path candidate = fs::path(dirs.substr(start, end - start)) / name;
      if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
    start = end + 1;
  }
  return "";
}

// The opening <body> tag of a dumped DOM: the page's script adds
// data-ready="1" when it finished and data-jserror="..." on any error.
std::string BodyTag(const std::string& dom) {
  std::smatch m;
  return std::regex_search(dom, m, std::regex("<body[^>]*>")) ? m.str() : "";
}

// Runs `argv` (no shell) with a time limit; returns exit code and stdout.
RunResult RunProgram(std::vector<std::string> argv) {
  argv.insert(argv.begin(), {"/usr/bin/timeout", "--kill-after=10", "120"});
  std::vector<char*> raw;
  for (std::string& a : argv) raw.push_back(a.data());
  raw.push_back(nullptr);
  char out_name[] = "/tmp/tern-browser-out-XXXXXX";
  char err_name[] = "/tmp/tern-browser-err-XXXXXX";
  const int out_fd = mkstemp(out_name);
  const int err_fd = mkstemp(err_name);
  unlink(out_name);
  unlink(err_name);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  RunResult result;
  pid_t pid = 0;
  if (posix_spawn(&pid, raw[0], &actions, nullptr, raw.data(), environ) == 0) {
    int status = 0;
    waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  posix_spawn_file_actions_destroy(&actions);
  for (auto [fd, text] : {std::pair{out_fd, &result.out}, {err_fd, &result.err}}) {
    lseek(fd, 0, SEEK_SET);
    char buf[65536];
    for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;) text->append(buf, n);
    close(fd);
  }
  return result;
}

class ReportBrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = FindChromium();
    if (chromium_.empty()) {
      const char* ci = std::getenv("CI");
      if (ci != nullptr && std::string(ci) == "true") {
        FAIL() << "chromium is not installed; tools/test.sh installs Debian's chromium package";
      }
      GTEST_SKIP() << "chromium is not installed (apt-get install chromium); skipped outside CI";
    }
  }

  // Headless chromium with everything that could reach the network off.
  std::vector<std::string> Browser(const std::string& profile) const {
    return {chromium_,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            "--user-data-dir=" + profile};
  }

  // Loads `report` and returns the DOM after its scripts ran; saves a
  // screenshot to the artifacts dir as `shot_name`.
  std::string LoadAndCapture(const std::string& report, const std::string& shot_name) {
    const std::string url = "file://" + fs::absolute(report).string();
    std::vector<std::string> dump = Browser(tmp_ / "profile-dom");
    dump.insert(dump.end(), {"--virtual-time-budget=5000", "--dump-dom", url});
    RunResult dom = RunProgram(dump);
    EXPECT_EQ(dom.exit_code, 0) << dom.err;

    fs::create_directories(TERN_TEST_ARTIFACTS_DIR);
    const std::string shot = std::string(TERN_TEST_ARTIFACTS_DIR) + "/" + shot_name;
    fs::remove(shot);
    std::vector<std::string> screenshot = Browser(tmp_ / "profile-shot");
    screenshot.insert(screenshot.end(), {"--window-size=1400,3000", "--screenshot=" + shot, url});
    RunResult shot_run = RunProgram(screenshot);
    EXPECT_EQ(shot_run.exit_code, 0) << shot_run.err;
    EXPECT_TRUE(fs::exists(shot)) << shot_run.err;
    if (fs::exists(shot)) {
      // A blank page compresses to a few kB; a rendered report is far larger.
      EXPECT_GT(fs::file_size(shot), 50000u) << shot;
      std::cout << "screenshot: " << shot << "\n";
      RecordProperty("screenshot", shot);
    }
    return dom.out;
  }

  std::string chromium_;
  TempDir tmp_;
};

TEST_F(ReportBrowserTest, DemoReportRendersWithoutScriptErrors) {
  RunResult run = RunCase(tmp_ / "case", {"--case-id", "DEMO-001", "--examiner", "tern demo",
                                          "--geoip-city", "geoip/GeoLite2-City-Test.mmdb",
                                          "--geoip-asn", "geoip/GeoLite2-ASN-Test.mmdb", "demo"});
  ASSERT_LE(run.exit_code, 1) << run.err;
  const std::string dom = LoadAndCapture(tmp_ / "case/report.html", "demo-report.png");
  ASSERT_EQ(BodyTag(dom), "<body data-ready=\"1\">")
      << "the report script did not finish cleanly (blocked by the CSP hash, or an error)";
  for (const char* id : {"summary", "findings", "timeline", "mailboxes", "ips", "sessions",
                         "evidence", "warnings", "methodology"}) {
    EXPECT_THAT(dom, HasSubstr(std::string("id=\"") + id + "\"")) << id;
  }
  EXPECT_THAT(dom, HasSubstr("DEMO-001"));
  EXPECT_THAT(dom, HasSubstr("<svg class=\"chart\""));
  EXPECT_THAT(dom, HasSubstr("<article class=\"finding"));
  // The script initialized the tables: row counts, sort handles, finding filter.
  EXPECT_THAT(dom, HasSubstr("id=\"tbl-mailboxes-count\">4 rows</span>"));
  EXPECT_THAT(dom, HasSubstr("<th tabindex=\"0\""));
  EXPECT_THAT(dom, HasSubstr("data-i=\"0\""));
  EXPECT_THAT(dom, ::testing::ContainsRegex("id=\"finding-count\">[0-9]+ shown<"));
}

TEST_F(ReportBrowserTest, HostileReportRunsNoInjectedCode) {
  RunResult run = RunCase(tmp_ / "case", {"reports/hostile.jsonl"});
  ASSERT_LE(run.exit_code, 1) << run.err;
  const std::string dom = LoadAndCapture(tmp_ / "case/report.html", "hostile-report.png");
  ASSERT_EQ(BodyTag(dom), "<body data-ready=\"1\">");
  // The browser built no element and no handler from evidence.
  EXPECT_THAT(dom, Not(HasSubstr("<img")));
  EXPECT_THAT(dom, Not(HasSubstr("<svg onload")));
  // No tag carries an event handler attribute. Attribute values are quoted
  // and escaped, so they are dropped before looking at the attribute names.
  const std::regex tag(R"(<[A-Za-z][^>]*>)");
  const std::regex quoted(R"("[^"]*")");
  const std::regex handler(R"re(\son[a-z]+=)re");
  size_t tags = 0;
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), tag); it != std::sregex_iterator();
       ++it) {
    ++tags;
    const std::string names = std::regex_replace(it->str(), quoted, "\"\"");
    EXPECT_FALSE(std::regex_search(names, handler)) << it->str();
  }
  EXPECT_GT(tags, 100u);
  EXPECT_THAT(dom, HasSubstr("&lt;img src=x onerror=alert(1)&gt;"));
}

}  // namespace
}  // namespace tern::testing
