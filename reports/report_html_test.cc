// report.html from hand-built views: every section renders, evidence strings
// are escaped everywhere (text, attributes, SVG), the page allows only its own
// script and style, and the bytes are deterministic.
#include "reports/report_html.h"

#include <optional>
#include <regex>
#include <set>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/base/escape.h"
#include "core/evidence/hasher.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/html_internal.h"
#include "reports/testing/sample_view.h"

namespace tern::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

std::string Sha256Base64(std::string_view text) {
  MultiHasher hasher;
  hasher.Update(text);
  return absl::Base64Escape(absl::HexStringToBytes(hasher.Finish().sha256));
}

// The page with its one script and style removed (they are constant text).
std::string Markup(const std::string& page) {
  std::string out = page;
  for (const auto& [open, close] : {std::pair{"<script>", "</script>"}, {"<style>", "</style>"}}) {
    const size_t a = out.find(open);
    const size_t b = out.find(close, a);
    if (a != std::string::npos && b != std::string::npos) out.erase(a, b - a);
  }
  return out;
}

TEST(ReportHtmlTest, RendersEverySection) {
  const std::string page = RenderReportHtml(SampleView("plain")).value();
  for (const char* id : {"summary", "findings", "timeline", "mailboxes", "ips", "sessions",
                         "evidence", "warnings", "methodology"}) {
    EXPECT_THAT(page, HasSubstr(std::string("<section class=\"block\" id=\"") + id + "\""));
  }
  EXPECT_THAT(page, HasSubstr("id=\"F-0001\""));
  EXPECT_THAT(page, HasSubstr("<span class=\"tag\">T1114.003</span>"));
  EXPECT_THAT(page, HasSubstr(std::string(64, 'c')));  // evidence SHA-256
  EXPECT_THAT(page, HasSubstr("<a href=\"#evidence\">E3</a> line 7 · 2 copies"));
  EXPECT_THAT(page, HasSubstr("aaaaaaaaaaaaaaaa…</span> plain member"));
  EXPECT_THAT(page, HasSubstr("plain country (CN) · plain city · AS4134 plain org"));
  EXPECT_THAT(page, HasSubstr("Threshold: any. Option --org-domain."));  // methodology
  EXPECT_THAT(page, HasSubstr("<dt>Libraries</dt><dd>RocksDB 0.0-test; plain lib</dd>"));
  EXPECT_THAT(page, HasSubstr("export-cap-reached"));
  // Findings are grouped from the most severe down.
  EXPECT_LT(page.find("data-sev=\"critical\""), page.find("data-sev=\"high\""));
  EXPECT_LT(page.find("data-sev=\"high\""), page.find("data-sev=\"low\""));
  // The attacker IPs are those of the high and critical findings.
  EXPECT_THAT(page, HasSubstr("id=\"tbl-attacker-ips\""));
}

TEST(ReportHtmlTest, MenuLinksTheIncidentsWhenThereAreAny) {
  CaseView view = SampleView("plain");
  const std::string none = RenderReportHtml(view).value();
  EXPECT_THAT(none, Not(HasSubstr("href=\"#incidents\"")));
  EXPECT_THAT(none, Not(HasSubstr("id=\"incidents\"")));

  view.incidents.push_back(SampleIncident(view, "plain"));
  const std::string page = RenderReportHtml(view).value();
  const size_t nav = page.find("<nav class=\"toc\">");
  ASSERT_NE(nav, std::string::npos);
  // First in the menu, as the section is first on the page, and it leads there.
  EXPECT_EQ(page.find("<a href=", nav), page.find("<a href=\"#incidents\">Incidents (1)</a>"));
  EXPECT_LT(page.find("<a href=\"#incidents\">"), page.find("</nav>", nav));
  EXPECT_THAT(page, HasSubstr("<section class=\"block\" id=\"incidents\">"));
}

TEST(ReportHtmlTest, ChartStacksCategoriesAndMarksFindings) {
  const std::string page = RenderReportHtml(SampleView("plain")).value();
  EXPECT_THAT(page, HasSubstr("<svg class=\"chart\""));
  EXPECT_EQ(Count(page, "<rect class=\"c-read\""), 1u);
  EXPECT_EQ(Count(page, "<rect class=\"c-rules-permissions\""), 1u);
  EXPECT_EQ(Count(page, "<rect class=\"c-send\""), 1u);
  // Three findings in three different hours: three markers.
  EXPECT_EQ(Count(page, "<path class=\"mk-"), 3u);
  EXPECT_THAT(page, HasSubstr("<path class=\"mk-critical\""));
  EXPECT_THAT(page, HasSubstr("2024-03-06T02:00Z: 3 events, read 3"));
}

TEST(ReportHtmlTest, LongCasesAreChartedPerDay) {
  CaseView v = SampleView("plain");
  ActivityChart& chart = v.activity.chart;
  chart.bucket_ms = kDayMs;
  chart.origin = 1709683200000;  // 2024-03-06T00:00:00Z
  chart.buckets.assign(40, CategoryCounts{});
  for (size_t i = 0; i < chart.buckets.size(); ++i) chart.buckets[i][i % kCategoryCount] = i + 1;
  chart.untimed = 2;
  v.findings[2].first_seen = chart.origin + 39 * kDayMs + 5;  // the last day
  const std::string page = RenderReportHtml(v).value();
  EXPECT_THAT(page, HasSubstr("Events per day (UTC)"));
  EXPECT_THAT(page, HasSubstr("2024-04-14: 40 events"));  // the last bucket's tooltip
  EXPECT_THAT(page, HasSubstr(">2024-03-06</text>"));     // a date tick
  EXPECT_EQ(Count(page, "<g><title>2024-"), 40u);
  EXPECT_THAT(page, HasSubstr("2 events without a usable time are not charted."));
  // Bars never leave the plot area (x from 58 to 1086).
  const std::regex rect(R"re(<rect class="c-[a-z-]+" x="(\d+)" y="\d+" width="(\d+)")re");
  for (auto it = std::sregex_iterator(page.begin(), page.end(), rect); it != std::sregex_iterator();
       ++it) {
    EXPECT_GE(std::stoi((*it)[1]), 58);
    EXPECT_LE(std::stoi((*it)[1]) + std::stoi((*it)[2]), 1086);
  }
}

TEST(ReportHtmlTest, IsDeterministic) {
  EXPECT_EQ(RenderReportHtml(SampleView("same")).value(),
            RenderReportHtml(SampleView("same")).value());
}

TEST(ReportHtmlTest, PolicyForbidsNetworkAndAllowsOnlyOwnScriptAndStyle) {
  const std::string page = RenderReportHtml(SampleView("plain")).value();
  const std::string policy = html::ContentSecurityPolicy();
  EXPECT_THAT(page, HasSubstr("<meta http-equiv=\"Content-Security-Policy\" content=\"" + policy));
  EXPECT_THAT(policy, HasSubstr("default-src 'none'"));
  EXPECT_THAT(policy, HasSubstr("connect-src 'none'"));
  EXPECT_THAT(policy, Not(HasSubstr("unsafe-inline")));
  EXPECT_THAT(policy, HasSubstr("'sha256-" + Sha256Base64(html::ReportScript()) + "'"));
  EXPECT_THAT(policy, HasSubstr("'sha256-" + Sha256Base64(html::ReportCss()) + "'"));
  EXPECT_EQ(Count(page, "<script"), 1u);
  EXPECT_EQ(Count(page, "<style"), 1u);
  EXPECT_THAT(page, HasSubstr("<script>" + std::string(html::ReportScript()) + "</script>"));
  EXPECT_THAT(page, HasSubstr("<style>" + std::string(html::ReportCss()) + "</style>"));
  EXPECT_THAT(Markup(page), Not(HasSubstr(" style=")));  // a hash policy blocks style attributes
  EXPECT_THAT(page, Not(HasSubstr("http://")));          // no URL of any kind
  EXPECT_THAT(page, Not(HasSubstr("https://")));
}

class HostileHtmlTest : public ::testing::TestWithParam<std::string> {};

TEST_P(HostileHtmlTest, EvidenceAppearsOnlyEscaped) {
  const std::string& hostile = GetParam();
  const std::string page = RenderReportHtml(SampleView(hostile)).value();
  const std::string markup = Markup(page);
  EXPECT_THAT(page, Not(HasSubstr(hostile)));
  EXPECT_THAT(page, HasSubstr(HtmlEscape(hostile)));
  EXPECT_EQ(page.find('\x1b'), std::string::npos);
  EXPECT_EQ(page.find('\x07'), std::string::npos);

  // Every tag in the page is one the report writes itself, and every
  // attribute is one of ours: no evidence string opened a tag or broke out of
  // a quoted attribute value.
  static const std::set<std::string> kTags = {
      "html",    "head",  "meta",  "title", "style",  "body",  "header", "h1",   "h2",
      "h3",      "h4",    "dl",    "dt",    "dd",     "div",   "nav",    "a",    "main",
      "section", "p",     "table", "thead", "tbody",  "tr",    "th",     "td",   "span",
      "input",   "label", "svg",   "line",  "rect",   "text",  "g",      "path", "pre",
      "article", "i",     "em",    "b",     "footer", "script"};
  static const std::set<std::string> kAttributes = {
      "lang",       "charset", "http-equiv", "content", "name",        "class",
      "id",         "href",    "title",      "type",    "placeholder", "aria-label",
      "data-table", "data-v",  "data-sev",   "value",   "checked",     "colspan",
      "viewBox",    "role",    "x",          "y",       "x1",          "y1",
      "x2",         "y2",      "width",      "height",  "d",           "text-anchor"};
  const std::regex tag(R"(<(/?)([A-Za-z][A-Za-z0-9-]*)([^>]*)>)");
  const std::regex attribute(R"re(\s([^\s=/>]+)(="[^"]*")?)re");
  size_t tags = 0;
  for (auto it = std::sregex_iterator(markup.begin(), markup.end(), tag);
       it != std::sregex_iterator(); ++it) {
    ++tags;
    EXPECT_TRUE(kTags.count((*it)[2].str())) << "unexpected tag " << (*it)[0].str();
    const std::string attributes = (*it)[3].str();
    for (auto a = std::sregex_iterator(attributes.begin(), attributes.end(), attribute);
         a != std::sregex_iterator(); ++a) {
      EXPECT_TRUE(kAttributes.count((*a)[1].str()))
          << "unexpected attribute " << (*a)[1].str() << " in " << (*it)[0].str();
    }
  }
  EXPECT_GT(tags, 200u);
  // Outside tags, '<' never appears: evidence text cannot start markup.
  EXPECT_EQ(Count(markup, "<"), tags + Count(markup, "<!DOCTYPE"));
}

INSTANTIATE_TEST_SUITE_P(Strings, HostileHtmlTest, ::testing::ValuesIn(HostileStrings()));

TEST(ReportHtmlTest, NotesCappedEventsAndEmptyCase) {
  CaseView v = SampleView("plain");
  v.anchors[0].push_back(v.anchors[0][0]);
  v.findings[0].evidence.push_back(v.findings[0].evidence[0]);
  EXPECT_THAT(RenderReportHtml(v).value(), HasSubstr("Showing the first 1 of 2 events"));

  CaseView empty;
  const std::string page = RenderReportHtml(empty).value();
  EXPECT_THAT(page, HasSubstr("No timed events to chart."));
  EXPECT_THAT(page, HasSubstr("No detection rule raised a finding"));
  EXPECT_THAT(page, HasSubstr("No completeness or integrity warnings"));
}

// A tenant far larger than any table or budget: every part that grows with
// the case stops at its budget and says how many it left out and where.
CaseView HugeView() {
  CaseView v = SampleView("plain");
  const Finding finding = v.findings[0];
  const ResolvedAnchor anchor = v.anchors[0][0];
  const std::optional<Event> event = v.activity.finding_events[0][0];
  v.findings.clear();
  v.anchors.clear();
  v.activity.finding_events.clear();
  v.findings_by_severity.clear();
  const std::string padding(300, 'x');
  for (int i = 0; i < 3000; ++i) {
    Finding f = finding;
    f.id = absl::StrFormat("F-%05d", i + 1);
    f.severity = i % 3 == 0 ? Severity::kHigh : Severity::kLow;
    f.actor = absl::StrCat("user", i, "@contoso.example");
    f.title = absl::StrCat("finding ", i, " ", padding);
    f.evidence.assign(25, f.evidence[0]);
    v.findings.push_back(f);
    v.anchors.emplace_back(25, anchor);
    v.activity.finding_events.emplace_back(25, event);
    ++v.findings_by_severity[f.severity];
  }
  const Session session = v.sessions[0];
  v.sessions.clear();
  for (int i = 0; i < 3000; ++i) {
    Session s = session;
    s.id = absl::StrFormat("S-%012x", i);
    s.start = s.end = session.start + i * 1000;
    v.sessions.push_back(s);
  }
  v.session_count = 900000;
  const MailboxActivity mailbox = v.activity.mailboxes[0];
  const IpActivity ip = v.activity.ips[0];
  for (int i = 0; i < 3000; ++i) {
    MailboxActivity m = mailbox;
    m.upn = absl::StrCat("user", i, "@contoso.example ", padding);
    v.activity.mailboxes.push_back(m);
    IpActivity a = ip;
    a.ip = absl::StrCat("10.0.", i / 256, ".", i % 256);
    v.activity.ips.push_back(a);
  }
  v.warnings.assign(5000, v.warnings[0]);
  return v;
}

// The paragraph of `page` that starts with `start` ("" when there is none).
std::string Note(const std::string& page, const std::string& start) {
  const size_t at = page.find(start);
  return at == std::string::npos ? "" : page.substr(at, page.find("</p>", at) - at);
}

TEST(ReportHtmlTest, AHugeCaseStaysUnderTenMegabytesAndPointsToTheExports) {
  const std::string page = RenderReportHtml(HugeView()).value();
  EXPECT_LE(page.size(), 10u << 20);
  EXPECT_GT(page.size(), 3u << 20);  // the budgets are used, not skipped
  using ::testing::MatchesRegex;
  // The most severe findings keep their events, the next ones are listed,
  // the rest counted per rule; nothing is dropped without a word.
  EXPECT_THAT(page, HasSubstr("<article class=\"finding sev-high\" id=\"F-00001\""));
  EXPECT_THAT(page, HasSubstr(" more findings, without their events</h3>"));
  EXPECT_THAT(Note(page, "<p class=\"note omitted\">This page shows the events of the first"),
              MatchesRegex(".* of 3,000 findings .*findings.json holds every finding.*"));
  EXPECT_THAT(page, HasSubstr(" of 2,000 identities; "));
  EXPECT_THAT(page, HasSubstr(" further findings are in findings.json only: <span class=\"mono\">"
                              "inbox-rule-forward-external</span> ×"));
  EXPECT_THAT(page, HasSubstr(" of 900,000 sessions, those tied to findings first; "));
  EXPECT_THAT(page,
              HasSubstr(" more in sessions.jsonl, one per line with every field shown here."));
  EXPECT_THAT(page, HasSubstr(" of 3,001 mailboxes, those tied to findings first; "));
  EXPECT_THAT(page, HasSubstr(" more with <span class=\"mono\">tern search --mailbox UPN</span>"));
  EXPECT_THAT(page, HasSubstr(" of 3,002 addresses, those tied to findings first; "));
  EXPECT_THAT(page, HasSubstr(" more with <span class=\"mono\">tern search --ip ADDRESS</span>"));
  EXPECT_THAT(page, HasSubstr(" of 5,000 warnings; "));
  // Finding links in a cell and the chart's tooltips are capped too.
  EXPECT_THAT(page, HasSubstr("<span class=\"note\">+"));
  EXPECT_THAT(page, HasSubstr(" more (findings.json)</title>"));
}

TEST(ReportHtmlTest, ASmallCaseShowsEverythingWithoutOmissionNotes) {
  const std::string page = RenderReportHtml(SampleView("plain")).value();
  EXPECT_THAT(page, Not(HasSubstr("omitted")));
  EXPECT_THAT(page, Not(HasSubstr("more findings, without their events")));
}

TEST(PrettyJsonTest, IndentsOutsideStrings) {
  EXPECT_EQ(html::PrettyJson(R"({"a":[1,2],"b":"x,{y}:","c":{}})"),
            "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": \"x,{y}:\",\n  \"c\": {}\n}");
  EXPECT_EQ(html::PrettyJson(R"({"q":"a\"b,"})"), "{\n  \"q\": \"a\\\"b,\"\n}");
}

TEST(DetailsHtmlTest, FlatDetailsBecomeReadableFieldsEscaped) {
  EXPECT_EQ(html::DetailsHtml(
                R"({"event_count":3,"rule_names":["q","<w>"],"obfuscated":true,"s":"a\"\u00e9"})"),
            "<dl class=\"facts\"><dt>Event count</dt><dd>3</dd><dt>Rule names</dt><dd>q; "
            "&lt;w&gt;</dd><dt>Obfuscated</dt><dd>yes</dd><dt>S</dt><dd>a&quot;\u00e9</dd></dl>\n");
  EXPECT_EQ(html::DetailsHtml("{}"), "");
  // Not the flat form: the indented JSON, escaped.
  EXPECT_THAT(html::DetailsHtml(R"({"a":{"b":1}})"), HasSubstr("<pre class=\"details\">"));
}

}  // namespace
}  // namespace tern::testing
