// Hostile evidence through every output channel: fixtures/reports/hostile.jsonl
// carries script tags, event-handler attributes, quote break-outs, spreadsheet
// formulas and terminal escape sequences in subjects, inbox rule names, folder
// names, user agents, UPNs, host names posing as client IPs and operations.
// They must come out inert: escaped in report.html (text, attributes, SVG),
// JSON-escaped in findings.json and JSONL, formula-neutralized in CSV, and
// stripped of control characters on the terminal.
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/testing/json_schema.h"
#include "tests/reports_e2e_util.h"
#include "tests/testing/tern_runner.h"

namespace tern::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// The raw strings planted by fixtures/reports/make_hostile.py.
const std::vector<std::string>& Planted() {
  static const std::vector<std::string>* const kPlanted = new std::vector<std::string>{
      "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\"><svg onload=alert(1)>",
      "' onmouseover='alert(1)' x='", "</title></style></script><b>x</b>"};
  return *kPlanted;
}

std::string HtmlEscaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

class HostileTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir();
    RunResult r = RunCase(*tmp_ / "case", {"reports/hostile.jsonl"}, {"--timeline", "csv"});
    ASSERT_LE(r.exit_code, 1) << r.err;
    RunResult j = RunTern({"report", "--case", *tmp_ / "case", "--timeline", "jsonl"});
    ASSERT_EQ(j.exit_code, 0) << j.err;
  }
  static void TearDownTestSuite() { delete tmp_; }
  static std::string Read(const std::string& name) { return ReadFile(*tmp_ / ("case/" + name)); }
  static TempDir* tmp_;
};
TempDir* HostileTest::tmp_ = nullptr;

TEST_F(HostileTest, ReportShowsEveryStringOnlyEscaped) {
  const std::string page = Read("report.html");
  for (const std::string& s : Planted()) {
    EXPECT_THAT(page, Not(HasSubstr(s))) << s;
  }
  // The strings reached the sections they were planted for, escaped.
  EXPECT_THAT(page, HasSubstr(HtmlEscaped("<img src=x onerror=alert(1)>")));          // rule name
  EXPECT_THAT(page, HasSubstr(HtmlEscaped("\"><svg onload=alert(1)>@contoso.com")));  // UPN
  EXPECT_THAT(page, HasSubstr(HtmlEscaped("' onmouseover='alert(1)' x='")));
  EXPECT_THAT(page, HasSubstr(HtmlEscaped("</title></style></script><b>x</b>")));
  EXPECT_EQ(page.find('\x1b'), std::string::npos);
  EXPECT_EQ(page.find('\x07'), std::string::npos);
  // A host name posing as an IP lands in the per-IP view and its anchor id.
  EXPECT_THAT(page, HasSubstr("id=\"ip-" + HtmlEscaped("\"><svg onload=alert(1)>")));
}

TEST_F(HostileTest, ReportMarkupIsOnlyOurs) {
  std::string page = Read("report.html");
  // Drop the constant script and style (checked by the unit tests).
  for (const auto& [open, close] : {std::pair{"<script>", "</script>"}, {"<style>", "</style>"}}) {
    const size_t a = page.find(open);
    const size_t b = page.find(close, a);
    ASSERT_NE(b, std::string::npos);
    page.erase(a, b - a);
  }
  static const std::set<std::string> kTags = {
      "html",    "head",  "meta",  "title", "style",  "body",  "header", "h1",   "h2",
      "h3",      "h4",    "dl",    "dt",    "dd",     "div",   "nav",    "a",    "main",
      "section", "p",     "table", "thead", "tbody",  "tr",    "th",     "td",   "span",
      "input",   "label", "svg",   "line",  "rect",   "text",  "g",      "path", "pre",
      "article", "i",     "em",    "b",     "footer", "script"};
  const std::regex tag(R"(<(/?)([A-Za-z][A-Za-z0-9-]*)([^>]*)>)");
  const std::regex handler(R"re(\son[a-z]+\s*=)re");
  size_t tags = 0;
  for (auto it = std::sregex_iterator(page.begin(), page.end(), tag); it != std::sregex_iterator();
       ++it) {
    ++tags;
    EXPECT_TRUE(kTags.count((*it)[2].str())) << (*it)[0].str();
    const std::string attributes = (*it)[3].str();
    // Attribute values are double-quoted and escaped: strip them, then no
    // event handler attribute may remain.
    const std::string names = std::regex_replace(attributes, std::regex(R"("[^"]*")"), "\"\"");
    EXPECT_FALSE(std::regex_search(names, handler)) << (*it)[0].str();
  }
  EXPECT_GT(tags, 100u);
}

TEST_F(HostileTest, FindingsJsonStaysValidAndEscaped) {
  const std::string json = Read("findings.json");
  JsonSchema schema(ReadFile(std::string(TERN_FIXTURES_DIR) + "/../reports/findings.schema.json"));
  EXPECT_THAT(schema.Validate(json), IsEmpty());
  EXPECT_EQ(json.find('\x1b'), std::string::npos);
  EXPECT_THAT(json, HasSubstr("\\\"><svg onload=alert(1)>@contoso.com"));
}

TEST_F(HostileTest, TimelineCsvNeutralizesFormulasAndControls) {
  const std::string csv = Read("timeline.csv");
  EXPECT_EQ(csv.find('\x1b'), std::string::npos);
  EXPECT_EQ(csv.find('\x07'), std::string::npos);
  // Cells that start with = + - @ are prefixed with a quote.
  EXPECT_THAT(csv, HasSubstr(",'=cmd|' /C calc'!A0,"));
  EXPECT_THAT(csv, HasSubstr(",'@SUM(A1),"));
  EXPECT_THAT(csv, HasSubstr(",'+SUM(1+1),"));
  EXPECT_EQ(std::regex_search(csv, std::regex(R"((^|,)[=+@-])")), false);
  EXPECT_THAT(csv, HasSubstr("\\x1b]0;pwned\\x07"));
}

TEST_F(HostileTest, TimelineJsonlEscapesControls) {
  const std::string jsonl = Read("timeline.jsonl");
  EXPECT_EQ(jsonl.find('\x1b'), std::string::npos);
  EXPECT_THAT(jsonl, HasSubstr("\\u001b]0;pwned\\u0007"));
}

TEST_F(HostileTest, SearchOutputsAreSafeForTerminalsAndSpreadsheets) {
  for (const char* format : {"table", "csv", "jsonl"}) {
    RunResult r = RunTern({"search", "--case", *tmp_ / "case", "--format", format});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << format;
    EXPECT_EQ(r.out.find('\x07'), std::string::npos) << format;
    EXPECT_THAT(r.err, HasSubstr("9 events")) << format;
  }
  RunResult table = RunTern({"search", "--case", *tmp_ / "case", "--ip",
                             "\"><svg onload=alert(1)>:443", "--format", "table"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("Finance"));  // the folder name survives, its escape does not
  EXPECT_THAT(table.err, HasSubstr("1 events (index ip)"));
}

}  // namespace
}  // namespace tern::testing
